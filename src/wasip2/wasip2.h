// WASI 0.2 (preview 2) for components: the wasi:cli, wasi:io, wasi:clocks,
// wasi:random, wasi:filesystem and wasi:sockets interfaces, defined in a ComponentLinker at version
// 0.2.6 so that imports of any 0.2.x resolve to them. The grants are preview 1's WasiOptions
// (arguments, environment, --dir preopens), checked by the same sandbox: nothing is granted unless
// the options grant it.
//
//   auto ctx = wasi::WasiContext::create(options);
//   ComponentLinker linker;
//   auto host = wasip2::define_wasip2(linker, *ctx);
//   auto instance = component::instantiate(store, compiled, linker);
//   auto run = wasip2::find_run(**instance);
//   auto status = (*run)->call(store, {});
//   // an Error with code ProcExit: wasi:cli/exit ran; the code is in host->exit_code
#pragma once

#include <memory>

#include "component_runtime/instantiate.h"
#include "wasi/context.h"
#include "wasip2/host.h"

namespace flint::wasip2 {

/// Defines every WASI 0.2 interface Flint provides in `linker`, acting on
/// `ctx`'s grants. The returned host holds the guest's resources and its
/// exit status; the linker's functions keep it alive. One linker (and host)
/// serves one store. The embedder should ignore SIGPIPE (as `flint run`
/// does) so that a guest writing to a closed pipe gets `closed` instead of
/// the host process being killed.
/// `sockets` grants wasi:sockets (none by default, as Wasmtime).
std::shared_ptr<Host> define_wasip2(component::ComponentLinker& linker,
                                    std::shared_ptr<wasi::WasiContext> ctx,
                                    SocketGrants sockets = {});

/// Defines only the WASI 0.2 interfaces the wasi:http/proxy world imports
/// besides wasi:http itself: wasi:io, wasi:clocks, wasi:random and wasi:cli's
/// stdin, stdout and stderr (what `wasmtime serve` links without `-S cli`).
std::shared_ptr<Host> define_wasip2_proxy(component::ComponentLinker& linker,
                                          std::shared_ptr<wasi::WasiContext> ctx);

/// The `run` function of the instance's exported wasi:cli/run@0.2.x, the
/// entry point of a command component.
Result<component::FunctionPtr> find_run(const component::ComponentInstanceItem& instance);

/// What a finished `run` call means for the process, as `wasmtime run`
/// answers: the code wasi:cli/exit gave, 0 for `ok`, 1 for `err`; nullopt
/// when the call trapped (the caller reports the trap).
std::optional<int> exit_status(const Host& host,
                               const Result<std::optional<ComponentValue>>& result);

}  // namespace flint::wasip2
