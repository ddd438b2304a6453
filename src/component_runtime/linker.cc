// Import resolution with semver-compatible versions.
#include "component_runtime/linker.h"

#include "component/extern_name.h"

namespace flint::component {

namespace {

/// The part of a version that must match: "1" for 1.x.y, "0.2" for 0.2.y,
/// the whole version for 0.0.z and pre-releases (wasmtime's rule).
std::string compatibility_line(const SemVer& v) {
  if (!v.pre.empty() || (v.major == 0 && v.minor == 0)) return to_string(v);
  if (v.major > 0) return std::to_string(v.major);
  return "0." + std::to_string(v.minor);
}

/// Orders versions so that the newest compatible definition can be picked.
bool older(const SemVer& a, const SemVer& b) {
  if (a.major != b.major) return a.major < b.major;
  if (a.minor != b.minor) return a.minor < b.minor;
  return a.patch < b.patch;
}

}  // namespace

std::string ComponentLinker::version_key(std::string_view name) {
  auto parsed = parse_extern_name(name);
  if (!parsed || parsed->kind != ExternName::Kind::Interface || !parsed->version) return {};
  return parsed->ns + ":" + parsed->package + "/" + parsed->interface + "@" +
         compatibility_line(*parsed->version);
}

void ComponentLinker::define(const std::string& name, Item item) {
  exact_[name] = item;
  if (std::string key = version_key(name); !key.empty()) by_key_[key][name] = std::move(item);
}

Result<Item> ComponentLinker::resolve(std::string_view name) const {
  if (auto it = exact_.find(name); it != exact_.end()) return it->second;
  if (std::string key = version_key(name); !key.empty()) {
    if (auto it = by_key_.find(key); it != by_key_.end() && !it->second.empty()) {
      // The newest compatible version.
      const Item* best = nullptr;
      SemVer best_version;
      for (const auto& [full, item] : it->second) {
        SemVer v = *parse_extern_name(full)->version;
        if (!best || older(best_version, v)) best = &item, best_version = v;
      }
      return *best;
    }
  }
  std::string detail = "component import `" + std::string(name) + "`";
  auto parsed = parse_extern_name(name);
  if (parsed && parsed->kind == ExternName::Kind::Interface) {
    detail += " (interface " + parsed->ns + ":" + parsed->package + "/" + parsed->interface;
    detail += parsed->version ? ", version " + to_string(*parsed->version) : ", no version";
    detail += ") is not defined by the host";
  } else {
    detail += " is not defined";
  }
  return make_error(ErrorCode::UnknownImport, std::move(detail));
}

}  // namespace flint::component
