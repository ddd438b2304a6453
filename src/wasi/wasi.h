// WASI preview 1 (wasi_snapshot_preview1) for Flint: define it in a Linker,
// instantiate, run. Host functions reach the calling instance's memory
// through their Caller, so WASI works from a start function as well.
//
//   auto ctx = wasi::WasiContext::create(options);
//   wasi::define_wasi(linker, store, *ctx);
//   auto instance = linker.instantiate(store, compiled);
//   store.call(*(*instance)->find_export("_start"), {});
//   // an Error with code ProcExit: the exit code is in ctx->exit_code
#pragma once

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "flint/runtime.h"
#include "wasi/context.h"

namespace flint::wasi {

inline constexpr std::string_view kModuleName = "wasi_snapshot_preview1";

/// Defines every wasi_snapshot_preview1 function in `linker`, as host
/// functions of `store` that act on `ctx`.
void define_wasi(Linker& linker, Store& store, std::shared_ptr<WasiContext> ctx);
/// The same for only the WASI functions `module` imports: what `flint run`
/// needs, at a fraction of the start-up cost of all of them (issue 4).
void define_wasi_imports(Linker& linker, Store& store, std::shared_ptr<WasiContext> ctx,
                         const Module& module);

/// The signature of a wasi_snapshot_preview1 function, or nothing when
/// WASI has no function of that name.
std::optional<FuncType> function_type(std::string_view name);

/// The names of all wasi_snapshot_preview1 functions Flint provides.
std::vector<std::string_view> function_names();

/// True when the module imports anything from wasi_snapshot_preview1 (or
/// the older "wasi_unstable" name, which Flint does not provide).
bool imports_wasi(const Module& module);

}  // namespace flint::wasi
