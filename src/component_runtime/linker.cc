// Import resolution with semver-compatible versions.
#include "component_runtime/linker.h"

#include "component/extern_name.h"

namespace flint::component {

namespace {

/// "ns:pkg/iface", the part of an interface name versions are matched under.
std::string interface_key(const ExternName& n) {
  return n.ns + ":" + n.package + "/" + n.interface;
}

/// Orders versions so that the newest compatible definition can be picked.
bool older(const SemVer& a, const SemVer& b) {
  if (a.major != b.major) return a.major < b.major;
  if (a.minor != b.minor) return a.minor < b.minor;
  return a.patch < b.patch;
}

}  // namespace

void ComponentLinker::define(const std::string& name, Item item) {
  exact_[name] = item;
  auto parsed = parse_extern_name(name);
  if (!parsed || parsed->kind != ExternName::Kind::Interface || !parsed->version) return;
  std::vector<Versioned>& versions = by_interface_[interface_key(*parsed)];
  for (Versioned& v : versions) {
    if (v.version == *parsed->version) {
      v.item = std::move(item);
      return;
    }
  }
  versions.push_back({*parsed->version, std::move(item)});
}

Result<Item> ComponentLinker::resolve(std::string_view name) const {
  if (auto it = exact_.find(name); it != exact_.end()) return it->second;
  auto parsed = parse_extern_name(name);
  if (parsed && parsed->kind == ExternName::Kind::Interface && parsed->version) {
    if (auto it = by_interface_.find(interface_key(*parsed)); it != by_interface_.end()) {
      const Versioned* best = nullptr;  // the newest compatible version
      for (const Versioned& v : it->second)
        if (semver_compatible(*parsed->version, v.version) &&
            (!best || older(best->version, v.version)))
          best = &v;
      if (best) return best->item;
    }
  }
  std::string detail = "component import `" + std::string(name) + "`";
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
