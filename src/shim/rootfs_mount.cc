// mount(8)'s option words: the ones that are mount flags (MS_*) become
// flags, the rest are the filesystem's data, joined by commas (as
// containerd's mount_linux.go parseMountOptions does).
#include "shim/rootfs_mount.h"

#include <fmt/format.h>
#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <map>

namespace flint::shim {

namespace {

struct FlagWord {
  bool clear;  ///< the word turns the flag off ("rw", "suid")
  unsigned long flag;
};

const std::map<std::string, FlagWord>& flag_words() {
  static const std::map<std::string, FlagWord> words = {
      {"ro", {false, MS_RDONLY}},        {"rw", {true, MS_RDONLY}},
      {"bind", {false, MS_BIND}},        {"rbind", {false, MS_BIND | MS_REC}},
      {"nosuid", {false, MS_NOSUID}},    {"suid", {true, MS_NOSUID}},
      {"nodev", {false, MS_NODEV}},      {"dev", {true, MS_NODEV}},
      {"noexec", {false, MS_NOEXEC}},    {"exec", {true, MS_NOEXEC}},
      {"noatime", {false, MS_NOATIME}},  {"relatime", {false, MS_RELATIME}},
      {"sync", {false, MS_SYNCHRONOUS}}, {"async", {true, MS_SYNCHRONOUS}},
      {"defaults", {false, 0}},
  };
  return words;
}

Result<void> mount_one(const RootfsMount& mount, const std::string& target) {
  unsigned long flags = 0;
  std::string data;
  for (const auto& word : mount.options) {
    auto found = flag_words().find(word);
    if (found == flag_words().end()) {
      if (!data.empty()) data += ',';
      data += word;
    } else if (found->second.clear) {
      flags &= ~found->second.flag;
    } else {
      flags |= found->second.flag;
    }
  }
  std::string type = mount.type == "bind" ? "none" : mount.type;
  // A read-only bind is two steps: the kernel ignores MS_RDONLY on the bind
  // itself and applies it on a remount.
  unsigned long first = (flags & MS_BIND) ? flags & ~MS_RDONLY : flags;
  if (::mount(mount.source.c_str(), target.c_str(), type.c_str(), first,
              data.empty() ? nullptr : data.c_str()) != 0)
    return make_error(ErrorCode::Io, fmt::format("mount {} ({}) on {}: {}", mount.source,
                                                 mount.type, target, std::strerror(errno)));
  if ((flags & MS_BIND) && (flags & MS_RDONLY) &&
      ::mount(nullptr, target.c_str(), nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY, nullptr) != 0) {
    int saved = errno;
    ::umount2(target.c_str(), MNT_DETACH);
    return make_error(ErrorCode::Io,
                      fmt::format("remount {} read-only: {}", target, std::strerror(saved)));
  }
  return {};
}

}  // namespace

Result<void> mount_rootfs(const std::vector<RootfsMount>& mounts, const std::string& target) {
  for (size_t i = 0; i < mounts.size(); ++i) {
    auto mounted = mount_one(mounts[i], target);
    if (!mounted.ok()) {
      for (size_t undo = 0; undo < i; ++undo) ::umount2(target.c_str(), MNT_DETACH);
      return mounted;
    }
  }
  return {};
}

void unmount_rootfs(const std::string& target) {
  // Each call takes off the top mount; stop when nothing is left (EINVAL)
  // or the target is gone (ENOENT).
  for (int i = 0; i < 64 && ::umount2(target.c_str(), MNT_DETACH) == 0; ++i) {
  }
}

}  // namespace flint::shim
