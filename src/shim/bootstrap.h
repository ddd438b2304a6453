// The shim binary's two short-lived actions (containerd docs/runtime-v2.md,
// FACTS.md §2.1):
// - `start`: find or start the long-lived shim process for this container's
//   group (its pod, or itself) and print where it listens. containerd 2.3+
//   writes BootstrapParams on stdin and reads a BootstrapResult (task API
//   v3: containerd then sends a pod's later containers to the same shim by
//   itself); older ones write nothing or runtime options and read a plain
//   `unix://` address (task API v2: each container's `start` comes here, and
//   the pod's shim is found by the sandbox id in config.json).
// - `delete`: clean up after a task whose shim is gone or done: unmount the
//   rootfs and print a DeleteResponse.
#pragma once

#include <string>

#include "shim/shim_flags.h"

namespace flint::shim {

/// Runs `start`; returns the process exit code. Prints to stdout only the
/// answer containerd parses; errors go to stderr.
int run_start(const ShimFlags& flags, const std::string& self_path);

/// Runs `delete`; returns the process exit code.
int run_delete(const ShimFlags& flags);

/// The socket path a shim serving `group` (a pod's sandbox id, or a
/// container id) listens on: under `socket_dir`, named by a hash of the
/// containerd address, namespace and group so that one containerd's pods
/// never meet another's (and the path stays under the 108-byte limit).
std::string shim_socket_path(const std::string& socket_dir, const std::string& containerd_address,
                             const std::string& name_space, const std::string& group);

}  // namespace flint::shim
