// Component validation: index spaces, defined types, names and canon
// options (component-model Binary.md's validation notes; Explainer.md for
// names; CanonicalABI.md, "canonopt validation").
//
// The definitions are walked in binary order, each checked against the
// index spaces as they stand before it, as the spec builds them
// incrementally. Type-level facts (which type index is a resource, a
// function, ...) are kept for the component's own type space; types
// reached through aliases and exports are not resolved yet, and checks
// needing them are skipped rather than guessed.
#include "component/validator.h"

#include <fmt/format.h>

#include <set>

#include "component/extern_name.h"

namespace flint::component {

namespace {

Error invalid_at(ErrorCode code, size_t offset, std::string detail) {
  return error_at(code, offset, std::move(detail));
}

/// What the validator knows of a type index: its definition when the
/// component defines it, or that it is a resource.
struct TypeInfo {
  const TypeDef* def = nullptr;
  bool resource = false;
};

struct Scope {
  const Component& c;
  const std::vector<std::array<uint32_t, kSpaceCount>>&
      outer;  ///< enclosing counts, innermost last
  std::array<uint32_t, kSpaceCount> counts{};
  std::vector<TypeInfo> types;
  std::set<std::string> import_names, export_names;

  Status check_index(Space space, uint32_t index, size_t offset, const char* what) const {
    if (index >= counts[size_t(space)])
      return invalid_at(ErrorCode::ComponentIndexOutOfBounds, offset,
                        fmt::format("unknown {} {}: {} index out of bounds", what, index, what));
    return {};
  }
  Status check_sort_index(const SortIndex& s, size_t offset) const {
    return check_index(space_of(s.sort), s.index, offset, std::string(sort_name(s.sort)).c_str());
  }
  Status check_type(uint32_t index, size_t offset) const {
    if (index >= counts[size_t(Space::Type)])
      return invalid_at(ErrorCode::ComponentIndexOutOfBounds, offset, "type index out of bounds");
    return {};
  }
  const TypeInfo* type(uint32_t index) const {
    return index < types.size() ? &types[index] : nullptr;
  }
  void add(Space s, TypeInfo info = {}) {
    if (s == Space::Type) types.push_back(info);
    ++counts[size_t(s)];
  }
};

// ---- defined types ----------------------------------------------------

Status check_val_type(const Scope& s, const ValType& t, size_t offset) {
  if (!t.is_index) return {};
  FLINT_TRY(s.check_type(t.index, offset));
  const TypeInfo* info = s.type(t.index);
  if (info && info->def && !info->def->is_value())
    return invalid_at(ErrorCode::ComponentTypeKindMismatch, offset,
                      fmt::format("type index {} is not a defined type", t.index));
  return {};
}

Status check_labels(const std::vector<std::string>& labels, size_t offset, const char* what) {
  std::set<std::string> seen;
  for (const std::string& l : labels) {
    if (l.empty())
      return invalid_at(ErrorCode::InvalidComponentType, offset,
                        fmt::format("{} name cannot be empty", what));
    if (!is_kebab(l))
      return invalid_at(ErrorCode::NotKebabCase, offset, fmt::format("{} name `{}`", what, l));
    std::string key = l;
    for (char& ch : key) ch = char(std::tolower(uint8_t(ch)));
    if (!seen.insert(key).second)
      return invalid_at(ErrorCode::ConflictingName, offset, fmt::format("{} name `{}`", what, l));
  }
  return {};
}

Status check_resource(const Scope& s, uint32_t index, size_t offset) {
  FLINT_TRY(s.check_type(index, offset));
  const TypeInfo* info = s.type(index);
  if (info && info->def && !info->def->is_resource())
    return invalid_at(ErrorCode::ComponentTypeKindMismatch, offset,
                      fmt::format("type index {} is not a resource type", index));
  return {};
}

Status check_def_val_type(const Scope& s, const DefValType& v, size_t at) {
  auto empty = [&](const char* sentence) {
    return invalid_at(ErrorCode::InvalidComponentType, at, sentence);
  };
  if (auto* r = std::get_if<RecordType>(&v)) {
    if (r->fields.empty()) return empty("record type must have at least one field");
    std::vector<std::string> labels;
    for (const auto& f : r->fields) {
      FLINT_TRY(check_val_type(s, f.type, at));
      labels.push_back(f.label);
    }
    return check_labels(labels, at, "record field");
  }
  if (auto* r = std::get_if<VariantType>(&v)) {
    if (r->cases.empty()) return empty("variant type must have at least one case");
    std::vector<std::string> labels;
    for (const auto& c : r->cases) {
      if (c.type) FLINT_TRY(check_val_type(s, *c.type, at));
      labels.push_back(c.label);
    }
    return check_labels(labels, at, "variant case");
  }
  if (auto* r = std::get_if<TupleType>(&v)) {
    if (r->types.empty()) return empty("tuple type must have at least one type");
    for (const auto& t : r->types) FLINT_TRY(check_val_type(s, t, at));
    return {};
  }
  if (auto* r = std::get_if<FlagsType>(&v)) {
    if (r->labels.empty()) return empty("flags must have at least one entry");
    if (r->labels.size() > 32) return empty("cannot have more than 32 flags");
    return check_labels(r->labels, at, "flag");
  }
  if (auto* r = std::get_if<EnumType>(&v)) {
    if (r->labels.empty()) return empty("enum type must have at least one variant");
    return check_labels(r->labels, at, "enum tag");
  }
  if (auto* r = std::get_if<ListType>(&v)) return check_val_type(s, r->element, at);
  if (auto* r = std::get_if<OptionType>(&v)) return check_val_type(s, r->type, at);
  if (auto* r = std::get_if<ResultType>(&v)) {
    if (r->ok) FLINT_TRY(check_val_type(s, *r->ok, at));
    if (r->error) FLINT_TRY(check_val_type(s, *r->error, at));
    return {};
  }
  if (auto* r = std::get_if<OwnType>(&v)) return check_resource(s, r->resource, at);
  if (auto* r = std::get_if<BorrowType>(&v)) return check_resource(s, r->resource, at);
  if (auto* r = std::get_if<StreamType>(&v))
    return r->element ? check_val_type(s, *r->element, at) : Status();
  if (auto* r = std::get_if<FutureType>(&v))
    return r->element ? check_val_type(s, *r->element, at) : Status();
  if (auto* r = std::get_if<MapType>(&v)) {
    FLINT_TRY(check_val_type(s, r->key, at));
    return check_val_type(s, r->value, at);
  }
  return {};  // PrimType
}

Status check_type_def(Scope& s, const TypeDef& t) {
  if (auto* v = std::get_if<DefValType>(&t.def)) return check_def_val_type(s, *v, t.offset);
  if (auto* f = std::get_if<FuncType>(&t.def)) {
    std::vector<std::string> labels;
    for (const auto& p : f->params) {
      FLINT_TRY(check_val_type(s, p.type, t.offset));
      labels.push_back(p.label);
    }
    if (f->result) FLINT_TRY(check_val_type(s, *f->result, t.offset));
    return check_labels(labels, t.offset, "function parameter");
  }
  if (auto* r = std::get_if<ResourceTypeDef>(&t.def)) {
    if (r->dtor) FLINT_TRY(s.check_index(Space::CoreFunc, *r->dtor, t.offset, "core func"));
    return {};
  }
  return {};  // component and instance types: their own scopes, not checked yet
}

// ---- names ----------------------------------------------------------------

Status check_name(std::set<std::string>& seen, const RawName& n, const char* what) {
  Result<ExternName> parsed = parse_extern_name(n.name);
  if (!parsed) {
    Error e = std::move(parsed).error();
    e.detail = fmt::format("{} name {}", what, e.detail);
    e.offset = n.offset;
    return e;
  }
  if (!seen.insert(parsed->uniqueness_key()).second)
    return invalid_at(ErrorCode::ConflictingName, n.offset,
                      fmt::format("{} name `{}`", what, n.name));
  return {};
}

// ---- extern descriptions ----------------------------------------------------

Status check_desc(const Scope& s, const ExternDesc& d, size_t offset) {
  auto expect = [&](bool (TypeDef::*is)() const, const char* kind) -> Status {
    FLINT_TRY(s.check_type(d.type, offset));
    const TypeInfo* info = s.type(d.type);
    if (info && info->def && !((*info->def).*is)())
      return invalid_at(ErrorCode::ComponentTypeKindMismatch, offset,
                        fmt::format("type index {} is not a {} type", d.type, kind));
    return {};
  };
  switch (d.kind) {
    case ExternDesc::Kind::CoreModule:
      return s.check_index(Space::CoreType, d.type, offset, "core type");
    case ExternDesc::Kind::Func: return expect(&TypeDef::is_func, "function");
    case ExternDesc::Kind::Component: return expect(&TypeDef::is_component, "component");
    case ExternDesc::Kind::Instance: return expect(&TypeDef::is_instance, "instance");
    case ExternDesc::Kind::Value:
      if (d.value.eq) return s.check_index(Space::Value, d.value.value, offset, "value");
      return check_val_type(s, d.value.type, offset);
    case ExternDesc::Kind::Type:
      if (!d.bound.sub_resource) return s.check_type(d.bound.eq, offset);
      return {};
  }
  return {};
}

TypeInfo info_of(const Scope& s, const ExternDesc& d) {
  if (d.kind != ExternDesc::Kind::Type) return {};
  if (d.bound.sub_resource) return TypeInfo{nullptr, true};
  const TypeInfo* eq = s.type(d.bound.eq);
  return eq ? *eq : TypeInfo{};
}

// ---- canon ------------------------------------------------------------------

// Whether values of type `t` pass through linear memory: strings, lists and
// (transitively) the types holding them.
bool needs_memory(const Scope& s, const ValType& t, int depth = 0);

bool def_needs_memory(const Scope& s, const DefValType& v, int depth) {
  auto any = [&](const std::optional<ValType>& t) { return t && needs_memory(s, *t, depth + 1); };
  if (std::holds_alternative<ListType>(v) || std::holds_alternative<MapType>(v)) return true;
  if (auto* p = std::get_if<PrimType>(&v)) return *p == PrimType::String;
  if (auto* r = std::get_if<RecordType>(&v)) {
    for (const auto& f : r->fields)
      if (needs_memory(s, f.type, depth + 1)) return true;
  }
  if (auto* r = std::get_if<VariantType>(&v)) {
    for (const auto& c : r->cases)
      if (any(c.type)) return true;
  }
  if (auto* r = std::get_if<TupleType>(&v)) {
    for (const auto& t : r->types)
      if (needs_memory(s, t, depth + 1)) return true;
  }
  if (auto* r = std::get_if<OptionType>(&v)) return needs_memory(s, r->type, depth + 1);
  if (auto* r = std::get_if<ResultType>(&v)) return any(r->ok) || any(r->error);
  return false;
}

bool needs_memory(const Scope& s, const ValType& t, int depth) {
  if (depth > 64) return false;
  if (!t.is_index) return t.prim == PrimType::String;
  const TypeInfo* info = s.type(t.index);
  if (!info || !info->def || !info->def->is_value()) return false;
  return def_needs_memory(s, std::get<DefValType>(info->def->def), depth);
}

Status check_canon_options(const Scope& s, const Canon& c, const FuncType* f) {
  std::optional<CanonOption::Kind> encoding;
  std::set<CanonOption::Kind> seen;
  for (const CanonOption& o : c.options) {
    const bool is_encoding = o.kind <= CanonOption::Kind::Latin1Utf16;
    if (is_encoding) {
      if (encoding)
        return invalid_at(ErrorCode::InvalidCanonOptions, o.offset,
                          fmt::format("canonical encoding option `{}` conflicts with option `{}`",
                                      option_name(*encoding), option_name(o.kind)));
      encoding = o.kind;
    } else if (!seen.insert(o.kind).second) {
      return invalid_at(ErrorCode::InvalidCanonOptions, o.offset,
                        fmt::format("`{}` is specified more than once", option_name(o.kind)));
    }
    if (std::optional<Space> space = option_space(o.kind))
      FLINT_TRY(s.check_index(*space, o.index, o.offset, option_name(o.kind)));
  }
  if (c.kind == CanonKind::Lower && seen.count(CanonOption::Kind::PostReturn))
    return invalid_at(ErrorCode::InvalidCanonOptions, c.offset,
                      "canonical option `post-return` cannot be specified for lowerings");
  if (!f) return {};
  bool params = false;
  for (const auto& p : f->params) params = params || needs_memory(s, p.type);
  const bool result = f->result && needs_memory(s, *f->result);
  // Lifting, the callee allocates arguments; lowering, the caller allocates results.
  const bool allocates = c.kind == CanonKind::Lift ? params : result;
  if ((params || result) && !seen.count(CanonOption::Kind::Memory))
    return invalid_at(ErrorCode::InvalidCanonOptions, c.offset,
                      "canonical option `memory` is required");
  if (allocates && !seen.count(CanonOption::Kind::Realloc))
    return invalid_at(ErrorCode::InvalidCanonOptions, c.offset,
                      "canonical option `realloc` is required");
  return {};
}

const FuncType* func_type_at(const Scope& s, uint32_t index) {
  const TypeInfo* info = s.type(index);
  return info && info->def && info->def->is_func() ? &std::get<FuncType>(info->def->def) : nullptr;
}

Status check_canon(Scope& s, const Canon& c) {
  const CanonInfo& info = canon_info(c.kind);
  const FuncType* f = nullptr;
  switch (info.imm) {
    case CanonImm::Lift: {
      FLINT_TRY(s.check_index(Space::CoreFunc, c.func, c.offset, "core func"));
      FLINT_TRY(s.check_type(c.type, c.offset));
      const TypeInfo* t = s.type(c.type);
      if (t && t->def && !t->def->is_func())
        return invalid_at(ErrorCode::ComponentTypeKindMismatch, c.offset,
                          fmt::format("type index {} is not a function type", c.type));
      f = func_type_at(s, c.type);
      break;
    }
    case CanonImm::Lower: FLINT_TRY(s.check_index(Space::Func, c.func, c.offset, "func")); break;
    case CanonImm::Type:
    case CanonImm::TypeOpts:
    case CanonImm::TypeAsync:
      if (c.kind == CanonKind::ResourceNew || c.kind == CanonKind::ResourceDrop ||
          c.kind == CanonKind::ResourceRep)
        FLINT_TRY(check_resource(s, c.type, c.offset));
      else
        FLINT_TRY(s.check_type(c.type, c.offset));
      break;
    case CanonImm::TypeTable:
    case CanonImm::SharedTypeTable:
      FLINT_TRY(s.check_index(Space::CoreTable, c.table, c.offset, "core table"));
      [[fallthrough]];
    case CanonImm::SharedType:
      FLINT_TRY(s.check_index(Space::CoreType, c.type, c.offset, "core type"));
      break;
    case CanonImm::CancelMemory:
      FLINT_TRY(s.check_index(Space::CoreMemory, c.memory, c.offset, "core memory"));
      break;
    case CanonImm::Results:
      if (c.result) FLINT_TRY(check_val_type(s, *c.result, c.offset));
      break;
    case CanonImm::None:
    case CanonImm::Opts:
    case CanonImm::Async:
    case CanonImm::Cancel:
    case CanonImm::Context:
    case CanonImm::Shared: break;
  }
  return check_canon_options(s, c, f);
}

// ---- definitions in binary order ----------------------------------------------

Status validate_scope(Scope& s);

Status check_alias(Scope& s, const Alias& a) {
  switch (a.target) {
    case Alias::Target::Export:
      FLINT_TRY(s.check_index(Space::Instance, a.instance, a.offset, "instance"));
      break;
    case Alias::Target::CoreExport:
      FLINT_TRY(s.check_index(Space::CoreInstance, a.instance, a.offset, "core instance"));
      break;
    case Alias::Target::Outer: {
      if (a.count > s.outer.size())
        return invalid_at(ErrorCode::InvalidOuterAliasCount, a.offset,
                          fmt::format("of {}", a.count));
      const auto& counts = a.count == 0 ? s.counts : s.outer[s.outer.size() - a.count];
      const Space space = space_of(a.sort);
      if (a.index >= counts[size_t(space)])
        return invalid_at(
            ErrorCode::ComponentIndexOutOfBounds, a.offset,
            fmt::format("unknown {} {}: index out of bounds", sort_name(a.sort), a.index));
      break;
    }
  }
  return {};
}

Status check_section(Scope& s, const Section& sec) {
  const Component& c = s.c;
  for (uint32_t i = sec.first; i < sec.first + sec.count; ++i) {
    switch (sec.id) {
      case SectionId::Custom: break;
      case SectionId::CoreModule: s.add(Space::CoreModule); break;
      case SectionId::CoreInstance: {
        const CoreInstance& inst = c.core_instances[i];
        if (inst.instantiate) {
          FLINT_TRY(s.check_index(Space::CoreModule, inst.module, inst.offset, "module"));
          for (const auto& arg : inst.args)
            FLINT_TRY(
                s.check_index(Space::CoreInstance, arg.instance, inst.offset, "core instance"));
        } else {
          for (const auto& e : inst.exports)
            FLINT_TRY(
                s.check_sort_index(SortIndex{Sort{SortKind::Core, e.sort}, e.index}, inst.offset));
        }
        s.add(Space::CoreInstance);
        break;
      }
      case SectionId::CoreType: s.add(Space::CoreType); break;
      case SectionId::Component: {
        std::vector<std::array<uint32_t, kSpaceCount>> outer = s.outer;
        outer.push_back(s.counts);
        Scope inner{*c.components[i].component, outer};
        FLINT_TRY(validate_scope(inner));
        s.add(Space::Component);
        break;
      }
      case SectionId::Instance: {
        const Instance& inst = c.instances[i];
        if (inst.instantiate) {
          FLINT_TRY(s.check_index(Space::Component, inst.component, inst.offset, "component"));
          for (const auto& arg : inst.args) FLINT_TRY(s.check_sort_index(arg.item, inst.offset));
        } else {
          std::set<std::string> names;
          for (const auto& e : inst.exports) {
            FLINT_TRY(s.check_sort_index(e.item, inst.offset));
            FLINT_TRY(check_name(names, e.name, "export"));
          }
        }
        s.add(Space::Instance);
        break;
      }
      case SectionId::Alias: {
        FLINT_TRY(check_alias(s, c.aliases[i]));
        s.add(c.aliases[i].lands.space);
        break;
      }
      case SectionId::Type: {
        const TypeDef& t = *c.types[i].type;
        FLINT_TRY(check_type_def(s, t));
        s.add(Space::Type, TypeInfo{&t, t.is_resource()});
        break;
      }
      case SectionId::Canon: {
        FLINT_TRY(check_canon(s, c.canons[i]));
        s.add(c.canons[i].lands.space);
        break;
      }
      case SectionId::Start: {
        const Start& st = c.starts[i];
        FLINT_TRY(s.check_index(Space::Func, st.func, st.offset, "func"));
        for (uint32_t v : st.args) FLINT_TRY(s.check_index(Space::Value, v, st.offset, "value"));
        s.counts[size_t(Space::Value)] += st.results;
        break;
      }
      case SectionId::Import: {
        const ComponentImport& imp = c.imports[i];
        FLINT_TRY(check_name(s.import_names, imp.name, "import"));
        FLINT_TRY(check_desc(s, imp.desc, imp.name.offset));
        s.add(imp.lands.space, info_of(s, imp.desc));
        break;
      }
      case SectionId::Export: {
        const ComponentExport& e = c.exports[i];
        FLINT_TRY(check_name(s.export_names, e.name, "export"));
        FLINT_TRY(s.check_sort_index(e.item, e.offset));
        if (e.ascribed) FLINT_TRY(check_desc(s, *e.ascribed, e.offset));
        TypeInfo info;
        if (e.item.sort.kind == SortKind::Type && s.type(e.item.index))
          info = *s.type(e.item.index);
        s.add(e.lands.space, info);
        break;
      }
      case SectionId::Value: {
        FLINT_TRY(check_val_type(s, c.values[i].type, c.values[i].offset));
        s.add(Space::Value);
        break;
      }
    }
  }
  return {};
}

Status validate_scope(Scope& s) {
  for (const Section& sec : s.c.sections) FLINT_TRY(check_section(s, sec));
  return {};
}

}  // namespace

Status validate_component(const Component& component) {
  const std::vector<std::array<uint32_t, kSpaceCount>> none;
  Scope s{component, none};
  return validate_scope(s);
}

}  // namespace flint::component
