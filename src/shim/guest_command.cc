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

Result<GuestCommand> spin_app(const BundleSpec& spec, const fs::path& manifest,
                              const std::string& flint, const std::vector<std::string>& base_env) {
  GuestCommand command;
  command.kind = GuestKind::SpinApp;
  const std::string* listen = env_value(spec.env, "SPIN_HTTP_LISTEN_ADDR");
  command.argv = {flint,      "up",
                  "--from",   manifest.string(),
                  "--listen", listen ? listen->substr(listen->find('=') + 1) : "0.0.0.0:80"};
  fs::path runtime_config = manifest.parent_path() / "runtime-config.toml";
  if (fs::exists(runtime_config)) {
    command.argv.push_back("--runtime-config-file");
    command.argv.push_back(runtime_config.string());
  }
  // SPIN_VARIABLE_* in the pod's env are the app's variables, as for Spin.
  command.env = merged_env(base_env, spec.env);
  return command;
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
  std::string entry = spec.args[0];
  std::string function;
  if (auto hash = entry.rfind('#'); hash != std::string::npos) {
    function = entry.substr(hash + 1);
    entry = entry.substr(0, hash);
  }
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
  GuestCommand command;
  command.kind = GuestKind::Wasm;
  command.env = base_env;
  command.argv = {flint, "run", "--dir", spec.root_path + "::/", "--argv0", spec.args[0]};
  for (const auto& entry_env : spec.env) {
    command.argv.push_back("--env");
    command.argv.push_back(entry_env);
  }
  if (!function.empty() && function != "_start") {
    command.argv.push_back("--invoke");
    command.argv.push_back(function);
  }
  command.argv.push_back(file.string());
  command.argv.insert(command.argv.end(), spec.args.begin() + 1, spec.args.end());
  return command;
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
