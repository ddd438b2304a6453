// Import resolution with semver-compatible versions.
#include "component_runtime/linker.h"

#include <mutex>

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
  lazy_exact_.erase(name);  // a real definition replaces a lazy one
  auto parsed = parse_extern_name(name);
  if (!parsed || parsed->kind != ExternName::Kind::Interface || !parsed->version) return;
  if (auto it = lazy_by_interface_.find(interface_key(*parsed)); it != lazy_by_interface_.end())
    std::erase_if(it->second, [&](const LazyVersion& v) { return v.version == *parsed->version; });
  std::vector<Versioned>& versions = by_interface_[interface_key(*parsed)];
  for (Versioned& v : versions) {
    if (v.version == *parsed->version) {
      v.item = std::move(item);
      return;
    }
  }
  versions.push_back({*parsed->version, std::move(item)});
}

void ComponentLinker::build_lazy(const Builder& build) const {
  // Only the group's own names can stand for it.
  for (const GroupName& n : *build->names) {
    if (auto it = lazy_exact_.find(n.name); it != lazy_exact_.end() && it->second == build)
      lazy_exact_.erase(it);
    if (n.interface.empty()) continue;
    if (auto it = lazy_by_interface_.find(n.interface); it != lazy_by_interface_.end())
      std::erase_if(it->second, [&](const LazyVersion& v) { return v.build == build; });
  }
  build->build();
}

void ComponentLinker::define_group_lazily(const std::string& group,
                                          std::function<void(ComponentLinker&)> define_group) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const GroupNames>> names_of_group;
  std::shared_ptr<const GroupNames> names;
  {
    std::lock_guard lock(mutex);
    auto it = names_of_group.find(group);
    if (it == names_of_group.end()) {
      ComponentLinker probe;
      define_group(probe);
      auto found = std::make_shared<GroupNames>();
      for (std::string& name : probe.names()) {
        GroupName n{std::move(name), {}, {}};
        auto parsed = parse_extern_name(n.name);
        if (parsed && parsed->kind == ExternName::Kind::Interface && parsed->version) {
          n.interface = interface_key(*parsed);
          n.version = *parsed->version;
        }
        found->push_back(std::move(n));
      }
      it = names_of_group.emplace(group, std::move(found)).first;
    }
    names = it->second;
  }
  // The builder defines into this linker, which owns it (and outlives it).
  auto build = std::make_shared<LazyGroup>(
      LazyGroup{[this, define_group = std::move(define_group)] { define_group(*this); }, names});
  // Like define(), a later definition replaces an earlier one of the same
  // name, built or not.
  for (const GroupName& n : *names) {
    if (!exact_.empty()) exact_.erase(n.name);
    lazy_exact_.insert_or_assign(n.name, build);
    if (n.interface.empty()) continue;
    if (auto it = by_interface_.find(n.interface); it != by_interface_.end())
      std::erase_if(it->second, [&](const Versioned& v) { return v.version == n.version; });
    std::vector<LazyVersion>& lazy = lazy_by_interface_[n.interface];
    std::erase_if(lazy, [&](const LazyVersion& v) { return v.version == n.version; });
    lazy.push_back({n.version, build});
  }
}

void ComponentLinker::renew_with_each_store(std::function<void()> renew) {
  store_state_renewals_.push_back(std::move(renew));
}

void ComponentLinker::renew_store_state() {
  for (const auto& renew : store_state_renewals_) renew();
}

std::vector<std::string> ComponentLinker::names() const {
  std::vector<std::string> out;
  for (const auto& [name, item] : exact_) out.push_back(name);
  for (const auto& [name, build] : lazy_exact_) out.push_back(name);
  return out;
}

Result<Item> ComponentLinker::resolve(std::string_view name) const {
  // A group offering this name (or a compatible version of it) is built
  // first; then the lookup below finds its definition.
  if (!lazy_exact_.empty()) {
    Builder build;
    if (auto it = lazy_exact_.find(name); it != lazy_exact_.end()) build = it->second;
    if (!build) {
      auto lazy_parsed = parse_extern_name(name);
      if (lazy_parsed && lazy_parsed->kind == ExternName::Kind::Interface && lazy_parsed->version)
        if (auto it = lazy_by_interface_.find(interface_key(*lazy_parsed));
            it != lazy_by_interface_.end())
          for (const LazyVersion& v : it->second)
            if (semver_compatible(*lazy_parsed->version, v.version)) build = v.build;
    }
    if (build) build_lazy(build);
  }
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
