// Resolved types of a component's definitions (component-model
// Explainer.md, "Type Definitions" and "Type Checking"): what every index
// of every index space denotes once type indices are followed, so that
// type equality and subtyping (subtyping.h) need no scope, and the runtime
// can ask for the function type of a component function without reading
// the binary's declarations again.
//
// Value and function types are value_type.h's. Instance and component
// types are lists of named extern types. Resource types are compared by
// identity: each `(type (sub resource))` import or export declaration and
// each `(resource ...)` definition makes one ResourceType object;
// instantiating a component type substitutes its imported resources with
// the arguments' and makes fresh copies of the resources it defines
// (resources are generative).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "component/component.h"
#include "component/core_instance_types.h"
#include "component/value_type.h"
#include "flint/result.h"

namespace flint::component {

struct InstanceSig;
struct ComponentSig;
/// A shared, immutable instance type.
using InstanceSigPtr = std::shared_ptr<const InstanceSig>;
/// A shared, immutable component type.
using ComponentSigPtr = std::shared_ptr<const ComponentSig>;

/// What a type index denotes: a value type, a function type, a component or
/// instance type, or a resource type.
struct TypeEntity {
  enum class Kind : uint8_t { Value, Func, Component, Instance, Resource };
  Kind kind = Kind::Value;
  ValueTypePtr value;         ///< Value
  FunctionTypePtr func;       ///< Func
  ComponentSigPtr component;  ///< Component
  InstanceSigPtr instance;    ///< Instance
  ResourceTypePtr resource;   ///< Resource
};

/// The type of an import, an export, or an item of any component-level
/// sort: `kind` says which member is meaningful (CoreModule: `module`;
/// Func: `func`; Value: `value`; Type: `type`; Component, Instance).
struct EntityType {
  ExternDesc::Kind kind = ExternDesc::Kind::Func;
  CoreModuleSigPtr module;
  FunctionTypePtr func;
  ValueTypePtr value;
  TypeEntity type;
  ComponentSigPtr component;
  InstanceSigPtr instance;
};

/// An import or export of an instance or component type.
struct NamedEntity {
  std::string name;
  EntityType type;
};

/// Value type nodes (records, variants, enums, flags, handles) that an
/// instance or component type names in its own declarations, for the
/// external-visibility rule (Explainer.md, "External visibility of types").
using NamedNodes = std::shared_ptr<const std::unordered_set<const void*>>;

/// An instance type: its exports, in declaration order.
struct InstanceSig {
  std::vector<NamedEntity> exports;
  /// The abstract resources this type's `(sub resource)` exports declare:
  /// every import or instantiation of the type gets fresh ones.
  std::vector<ResourceTypePtr> declared;
  /// The named nodes of its exports' types (may be null: none).
  NamedNodes named;
  /// The export named `name` (exactly), or nullptr.
  const EntityType* find(std::string_view name) const;
};

/// A component type: its imports and exports, in declaration order.
struct ComponentSig {
  std::vector<NamedEntity> imports, exports;
  /// The abstract resources the imports introduce; an instantiation
  /// replaces them with the arguments' resources.
  std::vector<ResourceTypePtr> imported;
  /// The resources the component defines or its exports declare; every
  /// instantiation makes fresh ones.
  std::vector<ResourceTypePtr> defined;
  /// The named nodes of its imports' and exports' types (may be null).
  NamedNodes named;
};

/// Resource substitution: abstract resource -> what replaces it.
using ResourceMap = std::map<const ResourceType*, ResourceTypePtr>;

/// Value type substitution: an `(eq t)` type import -> the argument's type,
/// so that what an instantiated component exports refers to the types its
/// instantiator supplied (the same nodes, for the visibility rule).
using ValueMap = std::map<const ValueType*, ValueTypePtr>;

/// `t` with every resource in `map` replaced. Types that mention none of
/// them are returned as they are (shared, not copied).
ValueTypePtr substitute(const ValueTypePtr& t, const ResourceMap& map);
FunctionTypePtr substitute(const FunctionTypePtr& f, const ResourceMap& map);
EntityType substitute(const EntityType& t, const ResourceMap& map);
TypeEntity substitute(const TypeEntity& t, const ResourceMap& map);

/// A fresh abstract resource type named `name`.
ResourceTypePtr fresh_resource(std::string name);

/// The instance type an instantiation of `c` produces when its imported
/// resources are `imports` (missing ones stay abstract): the exports with
/// the imported resources substituted and fresh copies of the defined ones.
InstanceSigPtr instantiate(const ComponentSig& c, const ResourceMap& imports,
                           const ValueMap& values = {});

/// `sig` with fresh copies of the resources its exports declare: the type
/// of one imported instance.
InstanceSigPtr freshen(const InstanceSigPtr& sig);

/// The type-level facts of a validated component, for the runtime: what
/// each index of its component-level spaces denotes.
struct ResolvedComponent {
  /// The type of each component function index.
  std::vector<FunctionTypePtr> funcs;
  /// What each type index denotes.
  std::vector<TypeEntity> types;
  /// The type of each instance index and component index.
  std::vector<InstanceSigPtr> instances;
  std::vector<ComponentSigPtr> components;
  /// The component's own type: its imports and exports.
  ComponentSigPtr self;
  /// The same for each nested component definition, in the order of
  /// Component::components (not the component index space, which also
  /// holds imports and aliases).
  std::vector<std::shared_ptr<const ResolvedComponent>> nested;
};

/// Validates `component` (as validate_component does) and returns the
/// resolved types of its index spaces.
Result<ResolvedComponent> resolve_component(const Component& component);

/// A short description of an entity type's kind for messages: "func",
/// "instance", "type", "component", "module", "value".
const char* entity_word(ExternDesc::Kind kind);

}  // namespace flint::component
