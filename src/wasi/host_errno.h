// Translating the host's errno values into WASI's (they are numbered
// differently), and a file descriptor owned by the WASI layer.
#pragma once

#include <unistd.h>

#include <utility>

#include "wasi/abi.h"

namespace flint::wasi {

/// The WASI errno for a host (Linux/POSIX) errno value; EIO for any the
/// witx has no name for.
Errno errno_from_host(int host_errno);

/// Convenience: errno_from_host(errno) at the point of a failed call.
Errno last_host_errno();

/// A host file descriptor closed on destruction.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept {
    if (this != &o) reset(std::exchange(o.fd_, -1));
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release() { return std::exchange(fd_, -1); }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

}  // namespace flint::wasi
