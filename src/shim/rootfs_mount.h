// The container's root filesystem: containerd hands the shim the snapshot
// as mounts (CreateTaskRequest.rootfs: an overlay of the image's layers, or
// a bind of a directory) to mount at the bundle's rootfs, as its
// mount.All does for runc. Docker mounts the rootfs itself and passes none.
#pragma once

#include <flint/result.h>

#include <string>
#include <vector>

namespace flint::shim {

/// One mount as containerd describes it (containerd.types.Mount).
struct RootfsMount {
  std::string type;  ///< "overlay", "bind", ...
  std::string source;
  std::vector<std::string> options;  ///< fstab-style: flags (ro, rbind) and data (lowerdir=...)
};

/// Mounts `mounts` in order on `target` (which must exist). On a failure
/// the mounts already made are undone and the error names the mount.
Result<void> mount_rootfs(const std::vector<RootfsMount>& mounts, const std::string& target);

/// Unmounts everything mounted on `target` (lazily, so a guest still
/// holding a file does not keep it busy); a target with nothing mounted is
/// fine.
void unmount_rootfs(const std::string& target);

}  // namespace flint::shim
