// An eventfd as a wake-up signal between threads: one side raises it, the
// other polls the descriptor (a pollable, a store loop's HostWait) and
// clears it before it looks at what changed, so no raise is lost.
#pragma once

#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>
#include <memory>

#include "wasip2/host.h"

namespace flint::wasip2 {

/// A new non-blocking eventfd, not yet raised.
inline SharedFd new_event() {
  return std::make_shared<wasi::UniqueFd>(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
}

/// Makes `fd` readable until the next clear_event. Safe from any thread.
inline void raise_event(const SharedFd& fd) {
  uint64_t one = 1;
  (void)!::write(fd->get(), &one, sizeof one);
}

/// Makes `fd` unreadable again (a no-op when it is not raised).
inline void clear_event(const SharedFd& fd) {
  uint64_t value;
  (void)!::read(fd->get(), &value, sizeof value);
}

}  // namespace flint::wasip2
