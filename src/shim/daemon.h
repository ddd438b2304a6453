// The long-lived shim process: the task service on its ttrpc socket, a
// reaper for the guests, and the event publisher. It ends when containerd
// shuts it down with no container left.
#pragma once

#include <string>

namespace flint::shim {

/// Where the daemon serves and reports.
struct DaemonOptions {
  std::string name_space;     ///< containerd namespace, stamped on events
  std::string ttrpc_address;  ///< containerd's ttrpc socket, for events
  std::string grpc_address;   ///< containerd's gRPC socket, for its content store
  std::string socket_path;    ///< the listening socket's path, removed at exit
  std::string self_path;      ///< this executable (flint is found beside it)
};

/// Serves on `listen_fd` until Shutdown; returns the exit code.
int run_daemon(int listen_fd, const DaemonOptions& options);

}  // namespace flint::shim
