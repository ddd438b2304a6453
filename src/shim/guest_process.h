// A container's process: forked at Task.Create, parked until Task.Start,
// so that containerd has its pid (and may kill it) before it runs, as runc's
// `create` then `start` split works. The child joins the pod's network
// namespace, takes the container's stdio and its own process group (Kill
// with `all` signals the group: flint and any flint-compile it started),
// then waits for the release and executes flint.
#pragma once

#include <flint/result.h>
#include <sys/types.h>

#include <optional>
#include <string>

#include "shim/guest_command.h"

namespace flint::shim {

/// Where the container's stdio goes: fifo paths that the client (ctr, the
/// CRI plugin, Docker) created and reads, `file://` paths, or empty for
/// /dev/null.
struct StdioPaths {
  std::string in, out, err;
};

/// A forked, parked process. Movable; the release pipe closes with it.
class GuestProcess {
 public:
  /// Forks the process for `command`. `network_namespace` as in
  /// BundleSpec. Opening a stdout fifo waits for its reader, who is there
  /// already (the client opens it before Create).
  static Result<GuestProcess> spawn(const GuestCommand& command, const StdioPaths& stdio,
                                    const std::optional<std::string>& network_namespace);

  GuestProcess(GuestProcess&& other) noexcept;
  GuestProcess& operator=(GuestProcess&& other) noexcept;
  GuestProcess(const GuestProcess&) = delete;
  ~GuestProcess();

  /// The process id (also its process group id).
  pid_t pid() const { return pid_; }
  /// Lets the parked process go on to run flint.
  void release();

 private:
  GuestProcess(pid_t pid, int release_fd) : pid_(pid), release_fd_(release_fd) {}
  pid_t pid_ = -1;
  int release_fd_ = -1;  ///< write end; closing it unreleased makes the child exit
};

}  // namespace flint::shim
