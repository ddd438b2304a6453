#include "shim/guest_command.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace flint::shim {

namespace {

namespace fs = std::filesystem;

/// The value of KEY in KEY=VALUE entries, or nullptr.
const std::string* env_value(const std::vector<std::string>& env, std::string_view key) {
  for (const auto& entry : env)
    if (entry.size() > key.size() && entry.starts_with(key) && entry[key.size()] == '=')
      return &entry;
  return nullptr;
}

/// `base` with `overrides` applied (same key: the override wins).
std::vector<std::string> merged_env(const std::vector<std::string>& base,
                                    const std::vector<std::string>& overrides) {
  std::vector<std::string> out;
  for (const auto& entry : base) {
    std::string key = entry.substr(0, entry.find('='));
    if (!env_value(overrides, key)) out.push_back(entry);
  }
  out.insert(out.end(), overrides.begin(), overrides.end());
  return out;
}

/// Whether `path` starts with the wasm magic or is WebAssembly text.
bool looks_like_wasm(const fs::path& path) {
  if (path.extension() == ".wat") return true;
  std::ifstream in(path, std::ios::binary);
  char magic[4] = {};
  in.read(magic, 4);
  return in.gcount() == 4 && magic[0] == 0 && magic[1] == 'a' && magic[2] == 's' && magic[3] == 'm';
}

/// `guest_path` (absolute inside the container) as a host path under
/// `root`; an error when it climbs out.
Result<fs::path> inside_rootfs(const std::string& root, const std::string& guest_path) {
  fs::path relative = fs::path(guest_path).relative_path().lexically_normal();
  if (relative.empty() || relative.string().starts_with(".."))
    return make_error(ErrorCode::Usage,
                      fmt::format("process.args[0] `{}` is not a file in the rootfs", guest_path));
  return fs::path(root) / relative;
}

/// `flint up` of `from` (a spin.toml, or an OCI layout holding the app).
/// A runtime-config.toml at the rootfs' top or beside the manifest is used,
/// as containerd-shim-spin reads /runtime-config.toml.
GuestCommand spin_app(const BundleSpec& spec, const fs::path& from, const std::string& flint,
                      const std::vector<std::string>& base_env) {
  GuestCommand command;
  command.kind = GuestKind::SpinApp;
  const std::string* listen = env_value(spec.env, "SPIN_HTTP_LISTEN_ADDR");
  command.argv = {flint,      "up",
                  "--from",   from.string(),
                  "--listen", listen ? listen->substr(listen->find('=') + 1) : "0.0.0.0:80"};
  for (const fs::path& runtime_config : {fs::path(spec.root_path) / "runtime-config.toml",
                                         from.parent_path() / "runtime-config.toml"}) {
    if (fs::is_regular_file(runtime_config)) {
      command.argv.push_back("--runtime-config-file");
      command.argv.push_back(runtime_config.string());
      break;
    }
  }
  // SPIN_VARIABLE_* in the pod's env are the app's variables, as for Spin.
  command.env = merged_env(base_env, spec.env);
  return command;
}

/// `flint run` of `file` with the rootfs as the guest's `/`; `entry` is
/// process.args[0] as written (the guest's argv[0]), `function` an export
/// to call instead of _start (runwasi's `#function`), or empty.
GuestCommand wasm_guest(const BundleSpec& spec, const fs::path& file, const std::string& entry,
                        const std::string& function, const std::string& flint,
                        const std::vector<std::string>& base_env) {
  GuestCommand command;
  command.kind = GuestKind::Wasm;
  command.env = base_env;
  // --stop-on-signal: Kill's SIGTERM stops the guest through the engine's
  // interruption (a trap with its backtrace in the container's log).
  command.argv = {flint,     "run", "--stop-on-signal", "--dir", spec.root_path + "::/",
                  "--argv0", entry};
  for (const auto& entry_env : spec.env) {
    command.argv.push_back("--env");
    command.argv.push_back(entry_env);
  }
  if (!function.empty() && function != "_start") {
    command.argv.push_back("--invoke");
    command.argv.push_back(function);
  }
  command.argv.push_back(file.string());
  if (!spec.args.empty())
    command.argv.insert(command.argv.end(), spec.args.begin() + 1, spec.args.end());
  return command;
}

/// process.args[0] split at runwasi's `#`: the path and the function.
std::pair<std::string, std::string> split_entry(const std::string& arg0) {
  auto hash = arg0.rfind('#');
  if (hash == std::string::npos) return {arg0, ""};
  return {arg0.substr(0, hash), arg0.substr(hash + 1)};
}

}  // namespace

Result<GuestCommand> plan_guest(const BundleSpec& spec, const std::string& flint,
                                const std::vector<std::string>& base_env) {
  if (spec.is_pod_sandbox()) return GuestCommand{GuestKind::PodSandbox, {}, base_env};
  if (flint.empty())
    return make_error(ErrorCode::Usage,
                      "no flint executable beside containerd-shim-flint-v1 or on PATH");
  fs::path top_manifest = fs::path(spec.root_path) / "spin.toml";
  if (spec.args.empty() || spec.args[0] == "/") {
    if (fs::exists(top_manifest)) return spin_app(spec, top_manifest, flint, base_env);
    return make_error(ErrorCode::Usage,
                      "process.args is empty (or `/`) and the rootfs has no /spin.toml");
  }
  auto [entry, function] = split_entry(spec.args[0]);
  FLINT_ASSIGN(fs::path file, inside_rootfs(spec.root_path, entry));
  if (!fs::is_regular_file(file))
    return make_error(ErrorCode::Usage,
                      fmt::format("process.args[0] `{}` is not a file in the rootfs", entry));
  if (file.extension() == ".toml") return spin_app(spec, file, flint, base_env);
  if (!looks_like_wasm(file))
    return make_error(ErrorCode::Usage,
                      fmt::format("process.args[0] `{}` is not a WebAssembly module or component "
                                  "(this runtime runs wasm only; use runc for Linux programs)",
                                  entry));
  return wasm_guest(spec, file, spec.args[0], function, flint, base_env);
}

Result<GuestCommand> plan_fetched_guest(const BundleSpec& spec, const FetchedImage& image,
                                        const std::string& flint,
                                        const std::vector<std::string>& base_env) {
  if (flint.empty())
    return make_error(ErrorCode::Usage,
                      "no flint executable beside containerd-shim-flint-v1 or on PATH");
  if (image.kind == FetchedImage::Kind::SpinApp) return spin_app(spec, image.path, flint, base_env);
  if (image.kind != FetchedImage::Kind::Wasm)
    return make_error(ErrorCode::Usage, "the image holds no wasm layer");
  std::string arg0 =
      spec.args.empty() ? "/" + fs::path(image.path).filename().string() : spec.args[0];
  return wasm_guest(spec, image.path, arg0, split_entry(arg0).second, flint, base_env);
}

std::string find_flint(const std::string& shim_path) {
  fs::path beside = fs::path(shim_path).parent_path() / "flint";
  if (::access(beside.c_str(), X_OK) == 0) return beside.string();
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    fs::path candidate = fs::path(dirs.substr(start, end - start)) / "flint";
    if (end > start && ::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    start = end + 1;
  }
  return {};
}

}  // namespace flint::shim
