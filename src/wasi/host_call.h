// The shape every wasi_snapshot_preview1 function shares: wasm arguments in,
// an errno out (proc_exit alone returns nothing). Each area of the API lists
// its functions in a table of HostFunctionSpec; wasi.cc defines them all in
// a Linker. One calling convention for all of WASI (DESIGN.md principle 8).
#pragma once

#include <time.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "flint/result.h"
#include "flint/value.h"
#include "wasi/abi.h"
#include "wasi/context.h"
#include "wasi/guest_memory.h"

namespace flint::wasi {

/// One call from the guest: its context, its memory as it is now, and its
/// arguments (already type-checked by the engine against the signature).
struct HostCall {
  WasiContext& ctx;
  GuestMemory mem;
  std::span<const Value> args;

  uint32_t u32(size_t i) const { return args[i].i32; }
  uint64_t u64(size_t i) const { return args[i].i64; }
};

/// Returns the errno for the guest, or an Error that stops it (a trap for a
/// bad pointer, ProcExit for proc_exit).
using HostHandler = Result<Errno> (*)(HostCall& call);

struct HostFunctionSpec {
  std::string_view name;
  /// Parameter types, one letter each: 'i' = i32, 'I' = i64.
  std::string_view params;
  HostHandler handler;
  bool returns_errno = true;
};

/// A value outside a witx enum (a $whence, $clockid, $advice, ...) is not an
/// errno but a trap, as Wasmtime's generated bindings make it.
Error invalid_enum(std::string_view type_name, uint32_t value);

/// The host clock for a WASI clock id; nothing for an unknown id (EINVAL).
std::optional<clockid_t> host_clock(uint32_t id);

// The tables, one per area (one .cc file each).
std::span<const HostFunctionSpec> args_environ_functions();
std::span<const HostFunctionSpec> clock_random_functions();
std::span<const HostFunctionSpec> fd_io_functions();
std::span<const HostFunctionSpec> fd_meta_functions();
std::span<const HostFunctionSpec> fd_dir_functions();
std::span<const HostFunctionSpec> path_functions();
std::span<const HostFunctionSpec> poll_functions();
std::span<const HostFunctionSpec> proc_functions();
std::span<const HostFunctionSpec> socket_functions();

}  // namespace flint::wasi
