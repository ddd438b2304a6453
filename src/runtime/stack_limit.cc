#include "runtime/stack_limit.h"

#include <pthread.h>
#include <sys/auxv.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>

namespace flint {

namespace {
// Room left below the limit for host functions, libc and the unwinding code.
constexpr uintptr_t kMargin = 256 * 1024;

// The lowest address this thread's stack may use (plus kMargin), or 0 when
// unknown. A thread's stack bounds do not change, so this is computed once
// per thread: the system calls it makes (getpid, gettid, getrlimit) were
// three quarters of a host-to-wasm call's cost (component_bench's call
// benchmarks, bench/README.md), paid at every Store::call from the host.
uintptr_t compute_stack_floor() {
  // The main thread's stack is the kernel's: it may grow down to
  // RLIMIT_STACK below its top, where the kernel put the program's file name
  // (AT_EXECFN) last. pthread_getattr_np finds the same by reading
  // /proc/self/maps, a cost every `flint run` paid at its first call (issue 4).
  if (getpid() == gettid()) {
    struct rlimit rl;
    const auto* execfn = reinterpret_cast<const char*>(getauxval(AT_EXECFN));
    if (execfn && getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
      uintptr_t top = (reinterpret_cast<uintptr_t>(execfn) + __builtin_strlen(execfn) + 4096) &
                      ~uintptr_t(4095);
      return top > rl.rlim_cur ? top - rl.rlim_cur + kMargin : 0;
    }
  }
  uintptr_t floor = 0;
  pthread_attr_t attr;
  if (pthread_getattr_np(pthread_self(), &attr) == 0) {
    void* low = nullptr;
    size_t size = 0;
    if (pthread_attr_getstack(&attr, &low, &size) == 0)
      floor = reinterpret_cast<uintptr_t>(low) + kMargin;
    pthread_attr_destroy(&attr);
  }
  return floor;
}

}  // namespace

uintptr_t native_stack_limit(uint64_t max_bytes) {
  thread_local const uintptr_t floor = compute_stack_floor();
  uintptr_t here = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  uintptr_t limit = here > max_bytes ? here - max_bytes : 0;
  return std::max(limit, std::min(floor, here));
}

uintptr_t fiber_stack_limit(uint64_t max_bytes, uintptr_t floor) {
  uintptr_t here = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  uintptr_t limit = here > max_bytes ? here - max_bytes : 0;
  return std::max(limit, std::min(floor, here));
}

}  // namespace flint
