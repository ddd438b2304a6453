// Staging a component's `files` (spin.toml's globs and mounts): what
// `flint up` mounts at the guest's root and `flint registry push` uploads.
#include "spin/component_files.h"

#include <fmt/format.h>
#include <fnmatch.h>

#include <filesystem>

namespace flint::spin {

namespace fs = std::filesystem;

namespace {

/// Whether `relative` (a path with '/' separators) matches `pattern`, where
/// `**` matches any number of whole segments and other segments follow
/// fnmatch (`*`, `?`, `[...]`), as Spin's glob patterns for `files`.
bool glob_match(std::string_view pattern, std::string_view relative) {
  auto next = [](std::string_view& s) {
    size_t slash = s.find('/');
    std::string_view head = s.substr(0, slash);
    s = slash == s.npos ? std::string_view() : s.substr(slash + 1);
    return head;
  };
  if (pattern.empty()) return relative.empty();
  std::string_view rest = pattern;
  std::string_view head = next(rest);
  if (head == "**") {
    if (glob_match(rest, relative)) return true;  // zero segments
    if (relative.empty()) return false;
    std::string_view after = relative;
    next(after);
    return glob_match(pattern, after);  // one more segment
  }
  if (relative.empty()) return false;
  std::string_view after = relative;
  std::string segment(next(after));
  if (fnmatch(std::string(head).c_str(), segment.c_str(), FNM_PERIOD) != 0) return false;
  return glob_match(rest, after);
}

}  // namespace

Status stage_component_files(const Component& c, const std::string& app_dir,
                             const std::string& root) {
  std::error_code ec;
  fs::create_directories(root, ec);
  if (ec) return make_error(ErrorCode::Io, root + ": " + ec.message());
  auto excluded = [&](const std::string& relative) {
    for (const std::string& pattern : c.exclude_files)
      if (glob_match(pattern, relative)) return true;
    return false;
  };
  for (const FileMount& mount : c.files) {
    if (!mount.pattern.empty()) {
      bool any = false;
      for (auto it = fs::recursive_directory_iterator(app_dir, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (!it->is_regular_file()) continue;
        std::string relative = fs::relative(it->path(), app_dir).generic_string();
        if (relative.rfind(".spin/", 0) == 0 || !glob_match(mount.pattern, relative) ||
            excluded(relative))
          continue;
        fs::path target = fs::path(root) / relative;
        fs::create_directories(target.parent_path());
        fs::copy_file(it->path(), target, fs::copy_options::overwrite_existing, ec);
        if (ec) return make_error(ErrorCode::Io, it->path().string() + ": " + ec.message());
        any = true;
      }
      if (ec) return make_error(ErrorCode::Io, app_dir + ": " + ec.message());
      (void)any;  // Spin accepts a pattern that matches nothing
      continue;
    }
    fs::path target = fs::path(root) / fs::path(mount.destination).relative_path();
    if (!fs::exists(mount.source))
      return make_error(ErrorCode::Usage, fmt::format("component `{}`: files: `{}` does not exist",
                                                      c.id, mount.source));
    fs::create_directories(fs::is_directory(mount.source) ? target : target.parent_path(), ec);
    fs::copy(mount.source, target,
             fs::copy_options::recursive | fs::copy_options::overwrite_existing, ec);
    if (ec) return make_error(ErrorCode::Io, mount.source + ": " + ec.message());
  }
  return {};
}

}  // namespace flint::spin
