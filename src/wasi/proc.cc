// proc_exit, proc_raise, sched_yield (wasi_snapshot_preview1.witx).
#include <sched.h>

#include <fmt/format.h>

#include "wasi/host_call.h"

namespace flint::wasi {

namespace {

// proc_exit: the guest stops here. The code goes to the context and the
// ProcExit error unwinds the wasm stack back to whoever called _start.
// Wasmtime refuses codes of 126 and above (the shell reserves them for
// "cannot execute" and signals) by trapping; so does Flint.
Result<Errno> proc_exit(HostCall& c) {
  uint32_t code = c.u32(0);
  if (code >= 126)
    return make_error(ErrorCode::HostTrap,
                      fmt::format("exit with invalid exit status {} outside of [0..126)", code));
  c.ctx.exit_code = code;
  return make_error(ErrorCode::ProcExit, fmt::format("exit code {}", code));
}

// proc_raise: a sandboxed guest has no host signals. A signal whose POSIX
// default action is to terminate the process terminates the guest (as a
// trap naming the signal); one whose default is to be ignored is ignored.
Result<Errno> proc_raise(HostCall& c) {
  uint32_t sig = c.u32(0);
  switch (Signal(sig)) {
    case Signal::None:  // "no signal": only checks, like kill(pid, 0)
    case Signal::Chld:
    case Signal::Cont:
    case Signal::Urg:
    case Signal::Winch:
      return Errno::Success;
    default:
      if (sig > uint32_t(Signal::Sys)) return Errno::Inval;
      return make_error(ErrorCode::HostTrap, fmt::format("guest raised signal {}", sig));
  }
}

Result<Errno> sched_yield_(HostCall&) {
  sched_yield();
  return Errno::Success;
}

constexpr HostFunctionSpec kFunctions[] = {
    {"proc_exit", "i", proc_exit, /*returns_errno=*/false},
    {"proc_raise", "i", proc_raise},
    {"sched_yield", "", sched_yield_},
};

}  // namespace

std::span<const HostFunctionSpec> proc_functions() { return kFunctions; }

}  // namespace flint::wasi
