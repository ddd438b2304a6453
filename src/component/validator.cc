// Component validation (component-model Binary.md's validation notes,
// Explainer.md's type checking; CanonicalABI.md, "canonopt validation"),
// with wasmparser's words where the reference scripts check them.
//
// The definitions are walked in binary order, each checked against the
// index spaces as they stand before it, as the spec builds them
// incrementally. Every index space holds resolved types (type_resolver.h),
// so instantiation arguments, export aliases, ascribed exports and canon
// signatures are checked by subtyping (subtyping.h) and flattening
// (flatten.h) on those, never on the binary's indices. Component and
// instance types are walked the same way in scopes of their own. This
// file walks the definitions; the scope and the checks it shares with
// defined_types.cc, visibility.cc and canon_check.cc are in
// validation_scope.h.
#include "component/validator.h"

#include <fmt/format.h>

#include <set>
#include <unordered_map>
#include <unordered_set>

#include "component/extern_name.h"
#include "component/flatten.h"
#include "component/subtyping.h"
#include "component/type_resolver.h"
#include "component/validation_scope.h"
#include "valid/validator.h"

namespace flint::component {

namespace validation {

// ---- scopes ------------------------------------------------------------------

Result<ComponentSigPtr> validate_nested(Scope& parent, const Component& c, size_t offset);
Result<TypeEntity> resolve_type_def(Scope& s, const TypeDef& t);
Result<EntityType> resolve_desc(Scope& s, const ExternDesc& d, size_t offset,
                                std::vector<ResourceTypePtr>* created, const std::string& name);

// Adds a type index, noting which named nodes it creates.
Status add_type(Scope& s, TypeEntity e, size_t offset) {
  if (e.kind == TypeEntity::Kind::Value && e.value) FLINT_TRY(note_node(s, e.value, offset));
  s.types.push_back(std::move(e));
  return {};
}

Result<CoreModuleSigPtr> resolve_module_type(Scope& s, const CoreModuleType& mt, size_t offset) {
  auto sig = std::make_shared<CoreModuleSig>();
  std::vector<CoreTypeEntry> local;  // the module type's own core type space
  auto func_type = [&](uint32_t index, size_t at) -> Result<flint::FuncType> {
    if (index >= local.size())
      return invalid_at(ErrorCode::ComponentIndexOutOfBounds, at,
                        fmt::format("unknown type {}: type index out of bounds", index));
    if (local[index].is_module || !local[index].func)
      return invalid_at(ErrorCode::ComponentTypeKindMismatch, at,
                        fmt::format("type index {} is not a function type", index));
    return *local[index].func;
  };
  auto extern_type = [&](const Import& i, size_t at) -> Result<CoreExternType> {
    CoreExternType t;
    t.kind = i.kind;
    t.table = i.table;
    t.memory = i.memory;
    t.global = i.global;
    if (i.kind == ExternKind::Func) {
      FLINT_ASSIGN(t.func, func_type(i.func_type, at));
    }
    // The core spec's limit on a (32-bit) memory's size.
    constexpr uint64_t kMaxPages = 65536;
    if (i.kind == ExternKind::Memory &&
        (i.memory.limits.min > kMaxPages || i.memory.limits.max.value_or(0) > kMaxPages))
      return invalid_at(ErrorCode::InvalidComponentType, at,
                        "memory size must be at most 65536 pages (4GiB)");
    return t;
  };
  std::set<std::string> export_names;
  std::set<std::pair<std::string, std::string>> import_names;
  for (const CoreModuleDecl& d : mt.decls) {
    switch (d.kind) {
      case CoreModuleDecl::Kind::Import: {
        FLINT_ASSIGN(CoreExternType t, extern_type(d.item, d.offset));
        if (!import_names.insert({d.item.module, d.item.name}).second)
          return invalid_at(
              ErrorCode::ConflictingName, d.offset,
              fmt::format("duplicate import name `{}:{}`", d.item.module, d.item.name));
        sig->imports.push_back({d.item.module, d.item.name, t});
        break;
      }
      case CoreModuleDecl::Kind::Export: {
        FLINT_ASSIGN(CoreExternType t, extern_type(d.item, d.offset));
        if (!export_names.insert(d.item.name).second)
          return invalid_at(ErrorCode::ConflictingName, d.offset,
                            fmt::format("export name `{}` already defined", d.item.name));
        sig->exports.push_back({d.item.name, t});
        break;
      }
      case CoreModuleDecl::Kind::Type: local.push_back({false, d.type.func, nullptr}); break;
      case CoreModuleDecl::Kind::Alias: {
        // outer 0 is the module type itself; 1 the enclosing scope, ...
        if (d.outer_count == 0) {
          if (d.outer_index >= local.size())
            return invalid_at(ErrorCode::ComponentIndexOutOfBounds, d.offset,
                              "type index out of bounds");
          local.push_back(local[d.outer_index]);
          break;
        }
        const Scope* target = &s;
        for (uint32_t i = 1; i < d.outer_count && target; ++i) target = target->parent;
        if (!target)
          return invalid_at(ErrorCode::InvalidOuterAliasCount, d.offset,
                            fmt::format("of {}", d.outer_count));
        if (d.outer_index >= target->core_types.size())
          return invalid_at(ErrorCode::ComponentIndexOutOfBounds, d.offset,
                            "type index out of bounds");
        local.push_back(target->core_types[d.outer_index]);
        break;
      }
    }
  }
  (void)offset;
  return CoreModuleSigPtr(std::move(sig));
}

// The type of item `index` of `sort` in s, for instantiation arguments,
// exports and inline instances.
Result<EntityType> entity_of(const Scope& s, Sort sort, uint32_t index, size_t offset) {
  FLINT_TRY(check_index(s, space_of(sort), index, offset));
  EntityType t;
  switch (sort.kind) {
    case SortKind::Core:
      if (sort.core != CoreSort::Module)
        return invalid_at(ErrorCode::InvalidAliasSort, offset,
                          fmt::format("{} cannot be used here", sort_name(sort)));
      t.kind = ExternDesc::Kind::CoreModule;
      t.module = s.core_modules[index];
      return t;
    case SortKind::Func:
      t.kind = ExternDesc::Kind::Func;
      t.func = s.funcs[index];
      return t;
    case SortKind::Value:
      t.kind = ExternDesc::Kind::Value;
      t.value = s.values[index];
      return t;
    case SortKind::Type:
      t.kind = ExternDesc::Kind::Type;
      t.type = s.types[index];
      return t;
    case SortKind::Component:
      t.kind = ExternDesc::Kind::Component;
      t.component = s.components[index];
      return t;
    case SortKind::Instance:
      t.kind = ExternDesc::Kind::Instance;
      t.instance = s.instances[index];
      return t;
  }
  return t;
}

// Adds an item of entity type `t` to its index space.
void add_entity(Scope& s, const EntityType& t) {
  switch (t.kind) {
    case ExternDesc::Kind::CoreModule: s.core_modules.push_back(t.module); break;
    case ExternDesc::Kind::Func: s.funcs.push_back(t.func); break;
    case ExternDesc::Kind::Value: s.values.push_back(t.value); break;
    case ExternDesc::Kind::Type: s.types.push_back(t.type); break;
    case ExternDesc::Kind::Component: s.components.push_back(t.component); break;
    case ExternDesc::Kind::Instance: s.instances.push_back(t.instance); break;
  }
}

// ---- names -----------------------------------------------------------------

Result<ExternName> check_name(std::map<std::string, std::string>& seen, const RawName& n,
                              const char* what) {
  Result<ExternName> parsed = parse_extern_name(n.name);
  if (!parsed) {
    Error e = std::move(parsed).error();
    e.detail = fmt::format("{} name {}", what, e.detail);
    e.offset = n.offset;
    return e;
  }
  auto [it, fresh] = seen.emplace(parsed->uniqueness_key(), n.name);
  if (!fresh)
    return invalid_at(
        ErrorCode::ConflictingName, n.offset,
        fmt::format("{} name `{}` conflicts with previous name `{}`", what, n.name, it->second));
  return parsed;
}

// The `implements` attribute (Explainer.md, "Import and Export
// Definitions"): an interface name, on an instance with a plain name.
Status check_attributes(const RawName& n, const ExternName& parsed, ExternDesc::Kind kind) {
  int implements = 0;
  for (const NameAttribute& a : n.attributes) {
    if (a.kind != 0x00) continue;
    if (++implements > 1)
      return invalid_at(ErrorCode::InvalidExternName, n.offset,
                        "duplicate 'implements' option in name");
    auto bad = [&](std::string detail) {
      return invalid_at(ErrorCode::InvalidExternName, n.offset, std::move(detail));
    };
    Result<ExternName> value = parse_extern_name(a.value);
    if (!value) return bad(fmt::format("`{}` is not a valid name", a.value));
    if (value->kind != ExternName::Kind::Interface)
      return bad(fmt::format("`{}` must be an interface name for `implements`", a.value));
    if (kind != ExternDesc::Kind::Instance)
      return bad("only instances can have an `implements` attribute");
    if (parsed.kind != ExternName::Kind::Label)
      return bad(fmt::format("name `{}` is not valid with `implements`", n.name));
  }
  return {};
}

// The resource-method naming rules (Explainer.md, "Import and Export
// Definitions"): `[constructor]r`, `[method]r.m` and `[static]r.f` must be
// functions of the right shape on a resource named `r` in this scope.
Status check_resource_func(const Scope& s, const ExternName& n, const EntityType& t, size_t offset,
                           bool is_import) {
  const auto& names = is_import ? s.import_resource_names : s.export_resource_names;
  if (n.kind != ExternName::Kind::Constructor && n.kind != ExternName::Kind::Method &&
      n.kind != ExternName::Kind::Static)
    return {};
  auto fail = [&](std::string detail) {
    return invalid_at(ErrorCode::InvalidResourceUse, offset, std::move(detail));
  };
  if (t.kind != ExternDesc::Kind::Func || !t.func)
    return fail(fmt::format("item `{}` is not a func", n.text));
  const FunctionType& f = *t.func;
  // The resource the function is about must be known here by that name.
  auto named = [&](const ResourceTypePtr& r) -> Status {
    auto it = names.find(r.get());
    if (it == names.end())
      return fail("resource used in function does not have a name in this context");
    if (it->second != n.resource)
      return fail(fmt::format("function does not match expected resource name `{}`", it->second));
    return {};
  };
  switch (n.kind) {
    case ExternName::Kind::Constructor: {
      if (!f.result) return fail("function should return one value");
      const ValueType* r = f.result.get();
      if (r->kind == TypeKind::Result && r->ok) r = r->ok.get();
      if (r->kind != TypeKind::Own)
        return fail("function should return `(own $T)` or `(result (own $T))`");
      return named(r->resource);
    }
    case ExternName::Kind::Method: {
      if (f.params.empty()) return fail("function should have at least one argument");
      if (f.params[0].name != "self")
        return fail("function should have a first argument called `self`");
      const ValueType* p = f.params[0].type.get();
      if (!p || p->kind != TypeKind::Borrow)
        return fail("function should take a first argument of `(borrow $T)`");
      return named(p->resource);
    }
    default: {
      for (const auto& [r, name] : names)
        if (name == n.resource) return {};
      return fail("static resource name is not known in this context");
    }
  }
}

// ---- extern descriptions -------------------------------------------------------

// The type of an import or export declaration. `created` collects the
// abstract resources it introduces (`(sub resource)`, and those of an
// instance type taken as an import or export).
Result<EntityType> resolve_desc(Scope& s, const ExternDesc& d, size_t offset,
                                std::vector<ResourceTypePtr>* created, const std::string& name) {
  EntityType t;
  t.kind = d.kind;
  auto typed = [&](TypeEntity::Kind want, const char* word) -> Result<const TypeEntity*> {
    FLINT_TRY(check_index(s, Space::Type, d.type, offset));
    const TypeEntity& e = s.types[d.type];
    if (e.kind != want)
      return invalid_at(
          ErrorCode::ComponentTypeKindMismatch, offset,
          fmt::format("type index {} is not a{} {} type", d.type, word[0] == 'i' ? "n" : "", word));
    return &e;
  };
  switch (d.kind) {
    case ExternDesc::Kind::CoreModule: {
      FLINT_TRY(check_index(s, Space::CoreType, d.type, offset));
      const CoreTypeEntry& e = s.core_types[d.type];
      if (!e.is_module)
        return invalid_at(ErrorCode::ComponentTypeKindMismatch, offset,
                          fmt::format("core type index {} is not a module type", d.type));
      t.module = e.module;
      return t;
    }
    case ExternDesc::Kind::Func: {
      FLINT_ASSIGN(const TypeEntity* e, typed(TypeEntity::Kind::Func, "function"));
      t.func = e->func;
      return t;
    }
    case ExternDesc::Kind::Component: {
      FLINT_ASSIGN(const TypeEntity* e, typed(TypeEntity::Kind::Component, "component"));
      t.component = e->component;
      return t;
    }
    case ExternDesc::Kind::Instance: {
      FLINT_ASSIGN(const TypeEntity* e, typed(TypeEntity::Kind::Instance, "instance"));
      // Each import or export of an instance type has resources of its own.
      t.instance = freshen(e->instance);
      if (created && t.instance)
        created->insert(created->end(), t.instance->declared.begin(), t.instance->declared.end());
      if (t.instance && !t.instance->declared.empty()) {
        auto copy = std::make_shared<InstanceSig>(*t.instance);
        copy->declared.clear();
        t.instance = copy;
      }
      return t;
    }
    case ExternDesc::Kind::Value: {
      if (d.value.eq) {
        FLINT_TRY(check_index(s, Space::Value, d.value.value, offset));
        t.value = s.values[d.value.value];
        return t;
      }
      FLINT_ASSIGN(t.value, resolve_val(s, d.value.type, offset));
      return t;
    }
    case ExternDesc::Kind::Type:
      if (d.bound.sub_resource) {
        t.type.kind = TypeEntity::Kind::Resource;
        t.type.resource = fresh_resource(name);
        if (created) created->push_back(t.type.resource);
        return t;
      }
      FLINT_TRY(check_index(s, Space::Type, d.bound.eq, offset));
      t.type = s.types[d.bound.eq];
      return t;
  }
  return t;
}

// An import or export declaration's type becomes a new index; a type's
// index is a new named type (Explainer.md: exports and imports of types
// introduce fresh type indices that are "named").
EntityType name_entity(Scope& s, EntityType t, const std::string& name, bool is_import) {
  const uint8_t bits = is_import ? kByImport : kByExport;
  if (t.kind == ExternDesc::Kind::Instance) {
    name_all(s, t, bits);
    s.named_instances[s.size(Space::Instance)] |= bits;
  }
  if (t.kind != ExternDesc::Kind::Type) return t;
  s.named_types[s.size(Space::Type)] |= bits;
  if (t.type.kind == TypeEntity::Kind::Value && t.type.value && is_named_kind(t.type.value->kind)) {
    auto copy = std::make_shared<const ValueType>(*t.type.value);
    t.type.value = copy;
    s.named[copy.get()] |= bits;
  }
  if (t.type.kind == TypeEntity::Kind::Resource && t.type.resource)
    (is_import ? s.import_resource_names : s.export_resource_names)
        .emplace(t.type.resource.get(), name);
  return t;
}

std::string plain_name(const ExternName& n, const std::string& raw) {
  return n.kind == ExternName::Kind::Label ? n.label : raw;
}

Status check_import(Scope& s, const RawName& name, const ExternDesc& desc, size_t offset) {
  FLINT_ASSIGN(ExternName n, check_name(s.import_keys, name, "import"));
  std::vector<ResourceTypePtr> created;
  FLINT_ASSIGN(EntityType t, resolve_desc(s, desc, offset, &created, name.name));
  s.imported_resources.insert(s.imported_resources.end(), created.begin(), created.end());
  if (!entity_named(s, t, nullptr, kByImport))
    return invalid_at(ErrorCode::TypeNotVisible, offset,
                      fmt::format("{} not valid to be used as import", entity_word(t.kind)));
  FLINT_TRY(check_attributes(name, n, t.kind));
  t = name_entity(s, std::move(t), plain_name(n, name.name), true);
  FLINT_TRY(check_resource_func(s, n, t, offset, true));
  s.imports.push_back({name.name, t});
  add_entity(s, t);
  return {};
}

// ---- types ---------------------------------------------------------------------

Status walk_decls(Scope& s, const std::vector<Decl>& decls);

Result<TypeEntity> resolve_type_def(Scope& s, const TypeDef& t) {
  TypeEntity e;
  if (auto* v = std::get_if<DefValType>(&t.def)) {
    uint8_t handle_bits = 0;
    e.kind = TypeEntity::Kind::Value;
    FLINT_ASSIGN(e.value, resolve_def_val(s, *v, t.offset, handle_bits));
    if (handle_bits) s.named[e.value.get()] |= handle_bits;
    return e;
  }
  if (auto* f = std::get_if<FuncType>(&t.def)) {
    e.kind = TypeEntity::Kind::Func;
    FLINT_ASSIGN(e.func, resolve_func(s, *f, t.offset));
    return e;
  }
  if (auto* r = std::get_if<ResourceDef>(&t.def)) {
    if (s.kind != ScopeKind::Component)
      return invalid_at(ErrorCode::InvalidResourceUse, t.offset,
                        "resources can only be defined within a concrete component");
    if (r->dtor) {
      FLINT_TRY(check_index(s, Space::CoreFunc, *r->dtor, t.offset));
      const CoreExternType& d = s.core_funcs[*r->dtor];
      if (d.known && !(d.func == flint::FuncType{{flint::ValType::I32}, {}}))
        return invalid_at(ErrorCode::InvalidResourceUse, t.offset,
                          "wrong signature for a destructor");
    }
    e.kind = TypeEntity::Kind::Resource;
    e.resource = fresh_resource("resource");
    s.defined_resources.push_back(e.resource);
    s.local_resources.insert(e.resource.get());
    return e;
  }
  // Component and instance types: scopes of their own.
  if (s.depth >= kMaxScopeDepth)
    return invalid_at(ErrorCode::ComponentLimitExceeded, t.offset, "type nesting too deep");
  const bool component = std::holds_alternative<ComponentType>(t.def);
  Scope inner{s.root, &s, component ? ScopeKind::ComponentType : ScopeKind::InstanceType,
              s.depth + 1};
  FLINT_TRY(walk_decls(inner, component ? std::get<ComponentType>(t.def).decls
                                        : std::get<InstanceType>(t.def).decls));
  if (component) {
    auto sig = std::make_shared<ComponentSig>();
    sig->imports = std::move(inner.imports);
    sig->exports = std::move(inner.exports);
    sig->imported = std::move(inner.imported_resources);
    sig->defined = std::move(inner.defined_resources);
    sig->named = named_nodes(inner);
    e.kind = TypeEntity::Kind::Component;
    e.component = std::move(sig);
  } else {
    auto sig = std::make_shared<InstanceSig>();
    sig->exports = std::move(inner.exports);
    sig->declared = std::move(inner.defined_resources);
    sig->named = named_nodes(inner);
    e.kind = TypeEntity::Kind::Instance;
    e.instance = std::move(sig);
  }
  return e;
}

// ---- aliases -----------------------------------------------------------------------

Status check_alias(Scope& s, const Alias& a) {
  const bool type_scope = s.kind != ScopeKind::Component;
  const Space space = space_of(a.sort);
  switch (a.target) {
    case Alias::Target::Export: {
      if (type_scope && a.sort.kind != SortKind::Type && a.sort.kind != SortKind::Instance)
        return invalid_at(ErrorCode::InvalidAliasSort, a.offset,
                          "alias export in a type may only refer to types or instances");
      FLINT_TRY(check_index(s, Space::Instance, a.instance, a.offset));
      const InstanceSigPtr& inst = s.instances[a.instance];
      const EntityType* t = inst ? inst->find(a.name) : nullptr;
      if (!t)
        return invalid_at(ErrorCode::NotExported, a.offset,
                          fmt::format("instance {} has no export named `{}`", a.instance, a.name));
      if (space_of(t->kind) != space)
        return invalid_at(
            ErrorCode::ComponentTypeKindMismatch, a.offset,
            fmt::format("export `{}` for instance {} is not a {}", a.name, a.instance,
                        a.sort.kind == SortKind::Core ? "module" : sort_name(a.sort)));
      // Aliasing out of an imported or exported instance keeps its names.
      if (auto it = s.named_instances.find(a.instance); it != s.named_instances.end()) {
        if (t->kind == ExternDesc::Kind::Type) {
          s.named_types[s.size(Space::Type)] |= it->second;
          if (t->type.value) s.named[t->type.value.get()] |= it->second;
        }
        if (t->kind == ExternDesc::Kind::Instance)
          s.named_instances[s.size(Space::Instance)] |= it->second;
      }
      add_entity(s, *t);
      return {};
    }
    case Alias::Target::CoreExport: {
      if (type_scope)
        return invalid_at(ErrorCode::InvalidAliasSort, a.offset,
                          "alias export in a type may only refer to types or instances");
      FLINT_TRY(check_index(s, Space::CoreInstance, a.instance, a.offset));
      const CoreInstanceSigPtr& inst = s.core_instances[a.instance];
      const CoreExternType* t = inst ? inst->find(a.name) : nullptr;
      if (!t)
        return invalid_at(
            ErrorCode::NotExported, a.offset,
            fmt::format("core instance {} has no export named `{}`", a.instance, a.name));
      const bool fits = (a.sort.core == CoreSort::Func && t->kind == ExternKind::Func) ||
                        (a.sort.core == CoreSort::Table && t->kind == ExternKind::Table) ||
                        (a.sort.core == CoreSort::Memory && t->kind == ExternKind::Memory) ||
                        (a.sort.core == CoreSort::Global && t->kind == ExternKind::Global) ||
                        (a.sort.core == CoreSort::Tag && t->kind == ExternKind::Tag);
      if (a.sort.kind != SortKind::Core || !fits) {
        // wasmparser names a core item sort by its core kind: "is not a tag".
        const bool item = a.sort.kind == SortKind::Core && a.sort.core <= CoreSort::Tag;
        return invalid_at(
            ErrorCode::ComponentTypeKindMismatch, a.offset,
            fmt::format("export `{}` for core instance {} is not a {}", a.name, a.instance,
                        item ? to_string(ExternKind(uint8_t(a.sort.core))) : sort_name(a.sort)));
      }
      switch (t->kind) {
        case ExternKind::Func: s.core_funcs.push_back(*t); break;
        case ExternKind::Table: s.core_tables.push_back(*t); break;
        case ExternKind::Memory: s.core_memories.push_back(*t); break;
        case ExternKind::Global: s.core_globals.push_back(*t); break;
        case ExternKind::Tag: s.core_tags.push_back(*t); break;
      }
      return {};
    }
    case Alias::Target::Outer: {
      if (type_scope && a.sort.kind != SortKind::Type &&
          !(a.sort.kind == SortKind::Core && a.sort.core == CoreSort::Type))
        return invalid_at(ErrorCode::InvalidAliasSort, a.offset,
                          "outer aliases in a type may only refer to types or instances");
      const bool allowed = a.sort.kind == SortKind::Type || a.sort.kind == SortKind::Component ||
                           (a.sort.kind == SortKind::Core &&
                            (a.sort.core == CoreSort::Type || a.sort.core == CoreSort::Module));
      if (!allowed)
        return invalid_at(ErrorCode::InvalidAliasSort, a.offset,
                          "outer aliases may only refer to modules, types or components");
      const Scope* target = &s;
      bool crosses_component = false;
      for (uint32_t i = 0; i < a.count; ++i) {
        if (!target->parent)
          return invalid_at(ErrorCode::InvalidOuterAliasCount, a.offset,
                            fmt::format("invalid outer alias count of {}", a.count));
        crosses_component = crosses_component || target->kind == ScopeKind::Component;
        target = target->parent;
      }
      FLINT_TRY(check_index(*target, space, a.index, a.offset));
      EntityType t;
      switch (space) {
        case Space::CoreType: s.core_types.push_back(target->core_types[a.index]); return {};
        case Space::CoreModule: s.core_modules.push_back(target->core_modules[a.index]); return {};
        case Space::Component: s.components.push_back(target->components[a.index]); return {};
        default: break;
      }
      const TypeEntity& e = target->types[a.index];
      // Within one component, a type scope sees the names its enclosing
      // scopes gave (not across a component boundary).
      if (!crosses_component) {
        if (auto it = target->named_types.find(a.index); it != target->named_types.end())
          s.named_types[s.size(Space::Type)] |= it->second;
        if (e.value)
          if (auto it = target->named.find(e.value.get()); it != target->named.end())
            s.named[e.value.get()] |= it->second;
      }
      // A component may not see its enclosing component's resources: its
      // type must stand alone (Explainer.md, "Alias Definitions").
      if (crosses_component && type_mentions_resource(e, 0))
        return invalid_at(ErrorCode::InvalidResourceUse, a.offset,
                          "canonot alias outer type which transitively refers to resources not "
                          "defined in the current component");
      s.types.push_back(e);
      return {};
    }
  }
  return {};
}

// ---- declarations of component and instance types -------------------------------

Status walk_decls(Scope& s, const std::vector<Decl>& decls) {
  for (const Decl& d : decls) {
    switch (d.kind) {
      case Decl::Kind::CoreType: {
        const CoreTypeDef& c = *d.core_type;
        CoreTypeEntry e;
        e.is_module = c.is_module;
        if (c.is_module) {
          FLINT_ASSIGN(e.module, resolve_module_type(s, c.module, c.offset));
        } else {
          e.func = c.type.func;
        }
        s.core_types.push_back(std::move(e));
        break;
      }
      case Decl::Kind::Type: {
        FLINT_ASSIGN(TypeEntity e, resolve_type_def(s, *d.type));
        FLINT_TRY(add_type(s, std::move(e), d.offset));
        break;
      }
      case Decl::Kind::Alias: FLINT_TRY(check_alias(s, *d.alias)); break;
      case Decl::Kind::Import:
        if (s.kind == ScopeKind::InstanceType)
          return invalid_at(ErrorCode::InvalidComponentType, d.offset,
                            "instance types cannot have imports");
        FLINT_TRY(check_import(s, d.name, d.desc, d.offset));
        break;
      case Decl::Kind::Export: {
        FLINT_ASSIGN(ExternName n, check_name(s.export_keys, d.name, "export"));
        std::vector<ResourceTypePtr> created;
        FLINT_ASSIGN(EntityType t, resolve_desc(s, d.desc, d.offset, &created, d.name.name));
        s.defined_resources.insert(s.defined_resources.end(), created.begin(), created.end());
        // Instance types defer the visibility rule to where they are
        // imported or exported; component types apply it here.
        if (s.kind == ScopeKind::ComponentType &&
            !entity_named(s, t, nullptr, kByImport | kByExport))
          return invalid_at(ErrorCode::TypeNotVisible, d.offset,
                            fmt::format("{} not valid to be used as export", entity_word(t.kind)));
        FLINT_TRY(check_attributes(d.name, n, t.kind));
        t = name_entity(s, std::move(t), plain_name(n, d.name.name), false);
        FLINT_TRY(check_resource_func(s, n, t, d.offset, false));
        s.exports.push_back({d.name.name, t});
        add_entity(s, t);
        break;
      }
    }
  }
  return {};
}

// ---- core instances ------------------------------------------------------------------

Status check_core_instance(Scope& s, const CoreInstance& inst) {
  auto sig = std::make_shared<CoreInstanceSig>();
  if (inst.instantiate) {
    FLINT_TRY(check_index(s, Space::CoreModule, inst.module, inst.offset));
    std::map<std::string, CoreInstanceSigPtr> args;
    for (const auto& arg : inst.args) {
      FLINT_TRY(check_index(s, Space::CoreInstance, arg.instance, inst.offset));
      if (!args.emplace(arg.name, s.core_instances[arg.instance]).second)
        return invalid_at(
            ErrorCode::InvalidInstantiation, inst.offset,
            fmt::format("duplicate module instantiation argument named `{}`", arg.name));
    }
    const CoreModuleSigPtr& module = s.core_modules[inst.module];
    if (module) {
      for (const CoreImportSig& imp : module->imports) {
        auto it = args.find(imp.module);
        if (it == args.end())
          return invalid_at(
              ErrorCode::InvalidInstantiation, inst.offset,
              fmt::format("missing module instantiation argument named `{}`", imp.module));
        const CoreExternType* have = it->second ? it->second->find(imp.name) : nullptr;
        if (!have)
          return invalid_at(ErrorCode::InvalidInstantiation, inst.offset,
                            fmt::format("module instantiation argument `{}` does not export an "
                                        "item named `{}`",
                                        imp.module, imp.name));
        Status m = core_extern_matches(*have, imp.type, inst.offset);
        if (!m) {
          Error e = std::move(m).error();
          e.detail = fmt::format(
              "type mismatch for export `{}` of module instantiation "
              "argument `{}`: {}",
              imp.name, imp.module, e.detail);
          return e;
        }
      }
      sig->exports = module->exports;
    }
  } else {
    std::set<std::string> names;
    for (const auto& e : inst.exports) {
      const Sort sort{SortKind::Core, e.sort};
      FLINT_TRY(check_index(s, space_of(sort), e.index, inst.offset));
      if (!names.insert(e.name).second)
        return invalid_at(ErrorCode::ConflictingName, inst.offset,
                          fmt::format("export name `{}` already defined", e.name));
      switch (e.sort) {
        case CoreSort::Func: sig->exports.push_back({e.name, s.core_funcs[e.index]}); break;
        case CoreSort::Table: sig->exports.push_back({e.name, s.core_tables[e.index]}); break;
        case CoreSort::Memory: sig->exports.push_back({e.name, s.core_memories[e.index]}); break;
        case CoreSort::Global: sig->exports.push_back({e.name, s.core_globals[e.index]}); break;
        case CoreSort::Tag: sig->exports.push_back({e.name, s.core_tags[e.index]}); break;
        default:
          return invalid_at(
              ErrorCode::InvalidAliasSort, inst.offset,
              fmt::format("{} cannot be exported from a core instance", sort_name(sort)));
      }
    }
  }
  s.core_instances.push_back(std::move(sig));
  return {};
}

// ---- component instances --------------------------------------------------------------

Status check_instance(Scope& s, const Instance& inst) {
  if (!inst.instantiate) {
    auto sig = std::make_shared<InstanceSig>();
    auto named = std::make_shared<std::unordered_set<const void*>>();
    std::map<std::string, std::string> names;
    for (const auto& e : inst.exports) {
      FLINT_ASSIGN(ExternName n, check_name(names, e.name, "export"));
      FLINT_ASSIGN(EntityType t, entity_of(s, e.item.sort, e.item.index, inst.offset));
      FLINT_TRY(check_attributes(e.name, n, t.kind));
      FLINT_TRY(check_resource_func(s, n, t, inst.offset, false));
      // A bag of exports names the types it exports, and what its
      // instances name.
      if (t.kind == ExternDesc::Kind::Type && t.type.value) named->insert(t.type.value.get());
      if (t.kind == ExternDesc::Kind::Instance && t.instance && t.instance->named)
        named->insert(t.instance->named->begin(), t.instance->named->end());
      sig->exports.push_back({e.name.name, t});
    }
    sig->named = std::move(named);
    s.instances.push_back(std::move(sig));
    return {};
  }
  FLINT_TRY(check_index(s, Space::Component, inst.component, inst.offset));
  std::map<std::string, EntityType> args;
  for (const auto& arg : inst.args) {
    FLINT_ASSIGN(EntityType t, entity_of(s, arg.item.sort, arg.item.index, inst.offset));
    if (!args.emplace(arg.name, t).second)
      return invalid_at(ErrorCode::InvalidInstantiation, inst.offset,
                        fmt::format("instantiation argument `{}` conflicts with previous "
                                    "argument `{}`",
                                    arg.name, arg.name));
  }
  const ComponentSigPtr& c = s.components[inst.component];
  if (!c) {
    s.instances.push_back(nullptr);
    return {};
  }
  SubtypeContext cx;
  for (const ResourceTypePtr& r : c->imported) cx.bindable.insert(r.get());
  for (const NamedEntity& imp : c->imports) {
    auto it = args.find(imp.name);
    // An interface import may be satisfied at a compatible version.
    if (it == args.end()) {
      Result<ExternName> wanted = parse_extern_name(imp.name);
      for (auto a = args.begin(); wanted && a != args.end(); ++a) {
        Result<ExternName> offered = parse_extern_name(a->first);
        if (offered && import_name_matches(*wanted, *offered)) {
          it = a;
          break;
        }
      }
    }
    if (it == args.end())
      return invalid_at(ErrorCode::InvalidInstantiation, inst.offset,
                        fmt::format("missing import named `{}`", imp.name));
    Status m = entity_subtype(it->second, imp.type, cx, inst.offset);
    if (!m) {
      Error e = std::move(m).error();
      e.detail = fmt::format("type mismatch for component instantiation argument `{}`: {}",
                             imp.name, e.detail);
      return e;
    }
  }
  // `(eq t)` imports become the arguments' types in what it exports.
  ValueMap values;
  for (const NamedEntity& imp : c->imports) {
    auto found = args.find(imp.name);
    if (found == args.end()) continue;  // matched at another version: no eq substitution
    const EntityType& arg = found->second;
    if (imp.type.kind == ExternDesc::Kind::Type && imp.type.type.value && arg.type.value)
      values[imp.type.type.value.get()] = arg.type.value;
  }
  s.instances.push_back(instantiate(*c, cx.bound, values));
  return {};
}

// ---- exports --------------------------------------------------------------------------

Status check_export(Scope& s, const ComponentExport& e) {
  FLINT_ASSIGN(ExternName n, check_name(s.export_keys, e.name, "export"));
  FLINT_ASSIGN(EntityType t, entity_of(s, e.item.sort, e.item.index, e.offset));
  if (e.ascribed) {
    std::vector<ResourceTypePtr> created;
    FLINT_ASSIGN(EntityType want, resolve_desc(s, *e.ascribed, e.offset, &created, e.name.name));
    SubtypeContext cx;
    for (const ResourceTypePtr& r : created) cx.bindable.insert(r.get());
    Status m = entity_subtype(t, want, cx, e.offset);
    if (!m) {
      Error err = std::move(m).error();
      err.detail = "ascribed type of export is not compatible with item's type: " + err.detail;
      return err;
    }
    // A `(sub resource)` ascription exports a new abstract type: outside,
    // it is not the item's resource.
    s.defined_resources.insert(s.defined_resources.end(), created.begin(), created.end());
    t = want;
  }
  if (!entity_named(s, t, nullptr, kByImport | kByExport))
    return invalid_at(ErrorCode::TypeNotVisible, e.offset,
                      fmt::format("{} not valid to be used as export", entity_word(t.kind)));
  FLINT_TRY(check_attributes(e.name, n, t.kind));
  t = name_entity(s, std::move(t), plain_name(n, e.name.name), false);
  FLINT_TRY(check_resource_func(s, n, t, e.offset, false));
  s.exports.push_back({e.name.name, t});
  add_entity(s, t);
  return {};
}

// ---- a component, definitions in binary order ------------------------------

// A nested core module is core-validated, and its two-level import names
// must stay apart when mangled to one level ("a" "b" -> "a:b").
Status check_core_module(const CoreModule& m) {
  if (!m.module) return {};
  if (Status v = flint::validate(*m.module); !v) {
    Error e = std::move(v).error();
    e.offset = m.offset + e.offset.value_or(0);
    return e;
  }
  std::set<std::pair<std::string, std::string>> seen;
  for (const Import& i : m.module->imports)
    if (!seen.insert({i.module, i.name}).second)
      return invalid_at(ErrorCode::ConflictingName, m.offset,
                        fmt::format("duplicate import name `{}:{}`", i.module, i.name));
  return {};
}

Status check_section(Scope& s, const Component& c, const Section& sec) {
  for (uint32_t i = sec.first; i < sec.first + sec.count; ++i) {
    switch (sec.id) {
      case SectionId::Custom: break;
      case SectionId::CoreModule: {
        const CoreModule& m = c.core_modules[i];
        FLINT_TRY(check_core_module(m));
        s.core_modules.push_back(
            m.module ? std::make_shared<const CoreModuleSig>(module_sig(*m.module)) : nullptr);
        break;
      }
      case SectionId::CoreInstance: FLINT_TRY(check_core_instance(s, c.core_instances[i])); break;
      case SectionId::CoreType: {
        const CoreTypeDef& t = *c.core_types[i].type;
        CoreTypeEntry e;
        e.is_module = t.is_module;
        if (t.is_module) {
          FLINT_ASSIGN(e.module, resolve_module_type(s, t.module, t.offset));
        } else {
          e.func = t.type.func;
        }
        s.core_types.push_back(std::move(e));
        break;
      }
      case SectionId::Component: {
        FLINT_ASSIGN(ComponentSigPtr sig,
                     validate_nested(s, *c.components[i].component, c.components[i].offset));
        s.components.push_back(std::move(sig));
        break;
      }
      case SectionId::Instance: FLINT_TRY(check_instance(s, c.instances[i])); break;
      case SectionId::Alias: FLINT_TRY(check_alias(s, c.aliases[i])); break;
      case SectionId::Type: {
        const TypeDef& t = *c.types[i].type;
        FLINT_ASSIGN(TypeEntity e, resolve_type_def(s, t));
        FLINT_TRY(add_type(s, std::move(e), t.offset));
        break;
      }
      case SectionId::Canon: FLINT_TRY(check_canon(s, c.canons[i])); break;
      case SectionId::Start: {
        const Start& st = c.starts[i];
        FLINT_TRY(check_index(s, Space::Func, st.func, st.offset));
        for (uint32_t v : st.args) FLINT_TRY(check_index(s, Space::Value, v, st.offset));
        for (uint32_t r = 0; r < st.results; ++r) s.values.push_back(nullptr);
        break;
      }
      case SectionId::Import: {
        const ComponentImport& imp = c.imports[i];
        FLINT_TRY(check_import(s, imp.name, imp.desc, imp.name.offset));
        break;
      }
      case SectionId::Export: FLINT_TRY(check_export(s, c.exports[i])); break;
      case SectionId::Value: {
        FLINT_ASSIGN(ValueTypePtr t, resolve_val(s, c.values[i].type, c.values[i].offset));
        s.values.push_back(t);
        break;
      }
    }
  }
  return {};
}

ComponentSigPtr signature_of(Scope& s);

// What a concrete component's scope resolved, for the runtime.
std::shared_ptr<ResolvedComponent> resolved_of(Scope& s) {
  auto out = std::make_shared<ResolvedComponent>();
  out->funcs = s.funcs;
  out->types = s.types;
  out->instances = s.instances;
  out->components = s.components;
  out->self = signature_of(s);
  out->nested = std::move(s.nested);
  return out;
}

ComponentSigPtr signature_of(Scope& s) {
  auto sig = std::make_shared<ComponentSig>();
  sig->imports = s.imports;
  sig->exports = s.exports;
  sig->imported = s.imported_resources;
  sig->defined = s.defined_resources;
  sig->named = named_nodes(s);
  return sig;
}

Status walk_component(Scope& s, const Component& c) {
  for (const Section& sec : c.sections) FLINT_TRY(check_section(s, c, sec));
  return {};
}

Result<ComponentSigPtr> validate_nested(Scope& parent, const Component& c, size_t offset) {
  if (parent.depth >= kMaxScopeDepth)
    return invalid_at(ErrorCode::ComponentLimitExceeded, offset, "component nesting too deep");
  Scope inner{parent.root, &parent, ScopeKind::Component, parent.depth + 1};
  FLINT_TRY(walk_component(inner, c));
  std::shared_ptr<ResolvedComponent> resolved = resolved_of(inner);
  parent.nested.push_back(resolved);
  return resolved->self;
}

}  // namespace validation

using namespace validation;

Result<ResolvedComponent> resolve_component(const Component& component) {
  Root root;
  Scope s{root, nullptr, ScopeKind::Component, 0};
  FLINT_TRY(walk_component(s, component));
  return std::move(*resolved_of(s));
}

Status validate_component(const Component& component) {
  FLINT_TRY(resolve_component(component));
  return {};
}

}  // namespace flint::component
