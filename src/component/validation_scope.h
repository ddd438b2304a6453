// The validator's scopes (internal to src/component): the index spaces of a
// component, or of a component or instance type's declarations, each holding
// resolved types (type_resolver.h), and the checks the validator's files
// share. validator.cc walks the definitions; defined_types.cc resolves type
// definitions; visibility.cc applies the external-visibility rule;
// canon_check.cc checks canonical definitions.
#pragma once

#include <fmt/format.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "component/component.h"
#include "component/core_instance_types.h"
#include "component/type_resolver.h"
#include "flint/result.h"

namespace flint::component::validation {

// Limits that keep hostile inputs cheap: a value type's nesting (every
// resolved-type walk recurses on it), its size as a tree (subtyping walks
// trees, while definitions share subtrees), and scope nesting.
inline constexpr uint32_t kMaxTypeDepth = 500;
inline constexpr uint64_t kMaxTypeSize = 1000000;
inline constexpr int kMaxScopeDepth = 100;

inline Error invalid_at(ErrorCode code, size_t offset, std::string detail) {
  return error_at(code, offset, std::move(detail));
}

// Facts about resolved value types the checks need, by node.
struct NodeFacts {
  uint32_t depth = 1;
  uint64_t size = 1;
};

// One core type index: a function type (when decoded) or a module type.
struct CoreTypeEntry {
  bool is_module = false;
  std::optional<flint::FuncType> func;
  CoreModuleSigPtr module;
};

// State shared by every scope of one validation.
struct Root {
  // By node; each entry keeps its node alive, so an address is never
  // reused for another node while its facts are here.
  std::unordered_map<const ValueType*, std::pair<NodeFacts, ValueTypePtr>> facts;
};

enum class ScopeKind : uint8_t { Component, ComponentType, InstanceType };

// One scope: a component, or a component or instance type's declarations.
struct Scope {
  Root& root;
  const Scope* parent = nullptr;
  ScopeKind kind = ScopeKind::Component;
  int depth = 0;

  std::vector<CoreExternType> core_funcs, core_tables, core_memories, core_globals, core_tags;
  std::vector<CoreTypeEntry> core_types;
  std::vector<CoreModuleSigPtr> core_modules;
  std::vector<CoreInstanceSigPtr> core_instances;
  std::vector<FunctionTypePtr> funcs;
  std::vector<ValueTypePtr> values;
  std::vector<TypeEntity> types;
  std::vector<ComponentSigPtr> components;
  std::vector<InstanceSigPtr> instances;
  std::vector<std::shared_ptr<const ResolvedComponent>> nested;  // component definitions

  std::map<std::string, std::string> import_keys, export_keys;  // uniqueness key -> name
  std::vector<NamedEntity> imports, exports;
  std::vector<ResourceTypePtr> imported_resources, defined_resources;
  std::set<const ResourceType*> local_resources;  // `(resource ...)` defined here
  // Named-type visibility (Explainer.md, "External visibility of types"):
  // which nodes of named kinds (record, variant, enum, flags, own,
  // borrow) an import or an export names here. Imports may use only what
  // imports name; exports what either names.
  // Bits per node, type index and instance index: kByImport, kByExport.
  std::unordered_map<const void*, uint8_t> named;
  std::unordered_map<uint32_t, uint8_t> named_types, named_instances;
  // The name each resource is imported or exported under here.
  // The name each resource is imported (or exported) under here: the two
  // namespaces are apart, and `[method]r.m` looks in its own.
  std::unordered_map<const ResourceType*, std::string> import_resource_names, export_resource_names;

  uint32_t size(Space s) const {
    switch (s) {
      case Space::CoreFunc: return uint32_t(core_funcs.size());
      case Space::CoreTable: return uint32_t(core_tables.size());
      case Space::CoreMemory: return uint32_t(core_memories.size());
      case Space::CoreGlobal: return uint32_t(core_globals.size());
      case Space::CoreTag: return uint32_t(core_tags.size());
      case Space::CoreType: return uint32_t(core_types.size());
      case Space::CoreModule: return uint32_t(core_modules.size());
      case Space::CoreInstance: return uint32_t(core_instances.size());
      case Space::Func: return uint32_t(funcs.size());
      case Space::Value: return uint32_t(values.size());
      case Space::Type: return uint32_t(types.size());
      case Space::Component: return uint32_t(components.size());
      case Space::Instance: return uint32_t(instances.size());
    }
    return 0;
  }
};

inline const char* space_word(Space s) {
  switch (s) {
    case Space::CoreFunc: return "core function";
    case Space::CoreTable: return "core table";
    case Space::CoreMemory: return "core memory";
    case Space::CoreGlobal: return "core global";
    case Space::CoreTag: return "tag";
    case Space::CoreType: return "core type";
    case Space::CoreModule: return "module";
    case Space::CoreInstance: return "core instance";
    case Space::Func: return "func";
    case Space::Value: return "value";
    case Space::Type: return "type";
    case Space::Component: return "component";
    case Space::Instance: return "instance";
  }
  return "?";
}

inline Status check_index(const Scope& s, Space space, uint32_t index, size_t offset) {
  if (index >= s.size(space)) {
    const char* w = space_word(space);
    return invalid_at(ErrorCode::ComponentIndexOutOfBounds, offset,
                      fmt::format("unknown {} {}: {} index out of bounds", w, index, w));
  }
  return {};
}

// ---- defined_types.cc ---------------------------------------------------------

/// Registers a new value type node's depth and tree size; rejects types
/// beyond kMaxTypeDepth / kMaxTypeSize.
Status note_node(Scope& s, const ValueTypePtr& t, size_t offset);
/// The value type a valtype denotes in `s`.
Result<ValueTypePtr> resolve_val(const Scope& s, const ValType& t, size_t offset);
/// The resource type index `index` denotes ("type index N is not a
/// resource type" otherwise).
Result<ResourceTypePtr> resolve_resource(const Scope& s, uint32_t index, size_t offset);
/// A defvaltype resolved; `handle_bits` gets the visibility bits a handle
/// inherits from its resource's type index.
Result<ValueTypePtr> resolve_def_val(Scope& s, const DefValType& v, size_t at,
                                     uint8_t& handle_bits);
/// A functype resolved (labels checked, no `borrow` in the result).
Result<FunctionTypePtr> resolve_func(const Scope& s, const FuncType& f, size_t at);
/// Whether values of `k` are "named" types for external visibility.
bool is_named_kind(TypeKind k);

// ---- visibility.cc --------------------------------------------------------------

/// Visibility bits: named by an import, by an export.
inline constexpr uint8_t kByImport = 1, kByExport = 2;
/// Whether `t` may be imported (bits kByImport) or exported (kByImport |
/// kByExport) in `s`; `extra` holds nodes an instance type names itself.
bool entity_named(const Scope& s, const EntityType& t, const std::unordered_set<const void*>* extra,
                  uint8_t bits, int depth = 0);
/// Names every named node `t` reaches with `bits` (an imported or exported
/// bag of exports makes them explicit).
void name_all(Scope& s, const EntityType& t, uint8_t bits, int depth = 0);
/// The nodes `s` names, for the instance or component type it makes.
NamedNodes named_nodes(const Scope& s);
/// Whether a type mentions a resource anywhere (outer aliases across a
/// component boundary may not).
bool type_mentions_resource(const TypeEntity& t, int depth);

// ---- canon_check.cc ---------------------------------------------------------------

/// Checks a canonical definition and adds the function it defines.
Status check_canon(Scope& s, const Canon& c);

}  // namespace flint::component::validation
