// Satisfying a component's imports by name (component-model Explainer.md,
// "Import and Export Definitions"): what the host and earlier instances
// offer, under plain names ("log") or interface names with a version
// ("wasi:cli/environment@0.2.3").
//
// Versions match as in wasmtime: an import of `ns:pkg/iface@0.2.1` is
// satisfied by the host's `ns:pkg/iface@0.2.6` (the same 0.2 line), an
// import of `@1.3.0` by `@1.9.2` (the same major version); pre-release and
// 0.0.x versions match exactly. The newest compatible definition wins.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "component/extern_name.h"
#include "component/types.h"
#include "component_runtime/items.h"
#include "flint/result.h"

namespace flint::component {

class ComponentLinker {
 public:
  /// Offers `item` under `name`, replacing an earlier definition of the
  /// same name.
  void define(const std::string& name, Item item);

  /// The item for an import named `name`: defined under exactly that name,
  /// or for an interface name under a semver-compatible version. The error
  /// names the interface, its version and what was looked for.
  Result<Item> resolve(std::string_view name) const;

  /// Offers everything `define_group(*this)` defines without building it:
  /// the group runs (once) when an import first resolves to one of its
  /// names, so a linker made per request builds only the interfaces its
  /// component imports. The group's names are found once per process and
  /// `group` (a stable name for it) by running it on a scratch linker, so
  /// running it must have no effect beyond defining.
  void define_group_lazily(const std::string& group,
                           std::function<void(ComponentLinker&)> define_group);

  /// Every name defined, lazily or not.
  std::vector<std::string> names() const;

  /// Registers what empties per-store state a definition keeps of its own
  /// (an interface's resource tables: HostResourceTable::clearer), for a
  /// linker reused by one store after another (a server's requests), which
  /// runs every registered renewal between them.
  void renew_with_each_store(std::function<void()> renew);
  /// Runs the registered renewals; the previous store must be gone.
  void renew_store_state();

 private:
  /// One versioned definition of an interface.
  struct Versioned {
    SemVer version;
    Item item;
  };

  std::map<std::string, Item, std::less<>> exact_;
  /// "ns:pkg/iface" -> its versioned definitions, parsed once here rather
  /// than at every instantiation's lookup.
  std::map<std::string, std::vector<Versioned>, std::less<>> by_interface_;

  /// A lazily defined group's names, each with its interface key and
  /// version when it has one: found once per process and group, so that a
  /// linker made per request parses none of them.
  struct GroupName {
    std::string name;
    std::string interface;  ///< "ns:pkg/iface"; empty: no versioned interface
    SemVer version;
  };
  using GroupNames = std::vector<GroupName>;
  /// A group not built yet: what builds it, and the names it defines.
  struct LazyGroup {
    std::function<void()> build;
    std::shared_ptr<const GroupNames> names;
  };
  /// Groups not built yet, by each name they define (exact, and by
  /// interface with its version). Mutable: resolving builds them.
  using Builder = std::shared_ptr<LazyGroup>;
  struct LazyVersion {
    SemVer version;
    Builder build;
  };
  mutable std::map<std::string, Builder, std::less<>> lazy_exact_;
  mutable std::map<std::string, std::vector<LazyVersion>, std::less<>> lazy_by_interface_;
  /// Runs `build` after forgetting every name it stands for.
  void build_lazy(const Builder& build) const;
  std::vector<std::function<void()>> store_state_renewals_;
};

}  // namespace flint::component
