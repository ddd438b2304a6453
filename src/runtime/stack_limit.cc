#include "runtime/stack_limit.h"

#include <pthread.h>

#include <algorithm>

namespace flint {

namespace {
// Room left below the limit for host functions, libc and the unwinding code.
constexpr uintptr_t kMargin = 256 * 1024;
}  // namespace

uintptr_t native_stack_limit(uint64_t max_bytes) {
  uintptr_t here = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  uintptr_t limit = here > max_bytes ? here - max_bytes : 0;
  pthread_attr_t attr;
  if (pthread_getattr_np(pthread_self(), &attr) == 0) {
    void* low = nullptr;
    size_t size = 0;
    if (pthread_attr_getstack(&attr, &low, &size) == 0) {
      uintptr_t floor = reinterpret_cast<uintptr_t>(low) + kMargin;
      limit = std::max(limit, std::min(floor, here));
    }
    pthread_attr_destroy(&attr);
  }
  return limit;
}

}  // namespace flint
