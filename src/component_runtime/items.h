// What a component's index spaces hold once it is being instantiated: core
// wasm objects, component functions, resolved types, component instances
// and component definitions. Each definition of a component adds one of
// these to its space (component-model Explainer.md, "Index Spaces").
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "component/component.h"
#include "component/value.h"
#include "component/value_type.h"
#include "component_runtime/task.h"
#include "flint/runtime.h"

namespace flint::component {

/// A component-level function: core code lifted by `canon lift`, or a host
/// function. Calls take and return component values.
class ComponentFunction {
 public:
  explicit ComponentFunction(FunctionTypePtr type) : type_(std::move(type)) {}
  virtual ~ComponentFunction() = default;

  /// Its type (parameter names, types, result).
  const FunctionType& type() const { return *type_; }
  const FunctionTypePtr& type_ptr() const { return type_; }

  /// Calls it from the host in `store` with arguments of its parameter
  /// types (the caller checks them). A trap comes back as an Error.
  Result<std::optional<ComponentValue>> call(Store& store, std::span<const ComponentValue> args) {
    return invoke(store, args, /*from_component=*/false);
  }

  /// Calls it; `from_component` says whether a component instance's core
  /// code is the caller (through `canon lower`) rather than the host. Only
  /// trap words depend on it (canon::CallContext::fused).
  virtual Result<std::optional<ComponentValue>> invoke(Store& store,
                                                       std::span<const ComponentValue> args,
                                                       bool from_component) = 0;

  /// Starts a call as the async ABI does (CanonicalABI.md, "canon lift"):
  /// `on_start` gives the arguments when the callee takes them, `on_resolve`
  /// takes its outcome. A callee that can block (an async function lifted
  /// from a component) may return before it resolves: its task is then in
  /// `*task` (for cancellation) and resolves later, in the store's event
  /// loop. So may a host function of an `async` type (host_function.h);
  /// this default resolves before returning.
  virtual Status start(Store& store, Supertask& caller, OnStart on_start, OnResolve on_resolve,
                       std::shared_ptr<Task>* task);

  /// Whether its body is core code of a component instance (a `canon
  /// lift`) rather than the host's.
  virtual bool runs_in_component() const { return false; }

 private:
  FunctionTypePtr type_;
};
using FunctionPtr = std::shared_ptr<ComponentFunction>;

/// A type in a component's type space. Value and function types are
/// resolved; resources are the runtime ResourceType objects; component and
/// instance types are kept as written (instances check items, not types).
struct TypeItem {
  std::variant<std::monostate, ValueTypePtr, FunctionTypePtr, ResourceTypePtr, const TypeDef*> type;

  const ValueTypePtr* value() const { return std::get_if<ValueTypePtr>(&type); }
  const FunctionTypePtr* function() const { return std::get_if<FunctionTypePtr>(&type); }
  const ResourceTypePtr* resource() const { return std::get_if<ResourceTypePtr>(&type); }
};

/// A core instance: an instantiated core module, whose exports it looks up
/// in the core instance itself (copying them into a map would cost every
/// instantiation), or a bundle of core definitions (`(core instance
/// (export ...))`).
struct CoreInstanceItem {
  using Exports = std::map<std::string, Extern, std::less<>>;
  /// The instantiated core module; null for a bundle.
  const flint::Instance* instance = nullptr;
  /// A bundle's exports.
  Exports exports;

  /// The export `name`, if there is one.
  std::optional<Extern> find(std::string_view name) const {
    if (instance) return instance->find_export(name);
    auto it = exports.find(name);
    if (it == exports.end()) return std::nullopt;
    return it->second;
  }
};
using CoreInstancePtr = std::shared_ptr<const CoreInstanceItem>;

struct Frame;
struct ComponentInstanceItem;
using InstancePtr = std::shared_ptr<const ComponentInstanceItem>;

/// A component definition not yet instantiated: a nested component with
/// the frame it was defined in (its outer aliases reach into that frame).
struct DefinitionItem {
  const Component* component = nullptr;
  std::shared_ptr<const Frame> outer;
  /// The CompiledComponent that holds `component` (its identity only).
  const void* compiled = nullptr;
};

/// A compiled core module of a component.
using CoreModuleItem = std::shared_ptr<const CompiledModule>;

/// Anything a component instance can import or export.
using Item = std::variant<FunctionPtr, TypeItem, InstancePtr, DefinitionItem, CoreModuleItem>;

/// A component instance as an item: its exports by name.
struct ComponentInstanceItem {
  std::map<std::string, Item, std::less<>> exports;
  /// Keeps what the exports point into alive (the compiled component of a
  /// top-level instance).
  std::shared_ptr<const void> owner;
};

/// The sort's word of an item, for messages: "func", "type", "instance",
/// "component", "core module".
const char* item_kind(const Item& item);

}  // namespace flint::component
