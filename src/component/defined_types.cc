// Defined types resolved in a validation scope (component-model Binary.md,
// "Type Definitions"): value types with their labels, handles and limits,
// and function types. See validation_scope.h.
#include "component/extern_name.h"
#include "component/validation_scope.h"

namespace flint::component::validation {

// ---- value types -----------------------------------------------------------

TypeKind kind_of(PrimType p) {
  if (p == PrimType::ErrorContext) return TypeKind::ErrorContext;
  return TypeKind(0x7f - uint8_t(p));
}

Status check_labels(const std::vector<std::string>& labels, size_t offset, const char* what,
                    const char* previous) {
  std::map<std::string, std::string> seen;
  for (const std::string& l : labels) {
    if (l.empty())
      return invalid_at(ErrorCode::InvalidComponentType, offset,
                        fmt::format("{} name cannot be empty", what));
    if (!is_kebab(l))
      return invalid_at(ErrorCode::NotKebabCase, offset,
                        fmt::format("{} name `{}` is not in kebab case", what, l));
    std::string key = l;
    for (char& ch : key) ch = char(std::tolower(uint8_t(ch)));
    auto [it, fresh] = seen.emplace(key, l);
    if (!fresh)
      return invalid_at(ErrorCode::ConflictingName, offset,
                        fmt::format("{} name `{}` conflicts with previous {} name `{}`", what, l,
                                    previous, it->second));
  }
  return {};
}

// A node's depth and tree size. Nodes the validator did not register
// (copies made by substitution on instantiation) are measured on demand;
// their children are, by induction, within the limits, so this recursion
// is as deep as the limit at most.
NodeFacts facts_of(Root& root, const ValueTypePtr& node) {
  const ValueType& t = *node;
  if (auto it = root.facts.find(&t); it != root.facts.end()) return it->second.first;
  NodeFacts f;
  auto child = [&](const ValueTypePtr& c) {
    if (!c) return;
    const NodeFacts cf = facts_of(root, c);
    f.depth = std::max(f.depth, cf.depth + 1);
    f.size = std::min<uint64_t>(f.size + cf.size * (t.length ? *t.length : 1), kMaxTypeSize + 1);
  };
  for (const Field& x : t.fields) child(x.type);
  child(t.element);
  child(t.ok);
  child(t.error);
  root.facts[&t] = {f, node};
  return f;
}

// Registers a new node's depth and tree size, rejecting oversized types:
// every walk over resolved types recurses on depth, and subtyping walks
// trees while definitions share subtrees.
Status note_node(Scope& s, const ValueTypePtr& t, size_t offset) {
  const NodeFacts f = facts_of(s.root, t);
  if (f.depth > kMaxTypeDepth)
    return invalid_at(ErrorCode::ComponentLimitExceeded, offset, "type nesting too deep");
  if (f.size > kMaxTypeSize)
    return invalid_at(ErrorCode::ComponentLimitExceeded, offset,
                      fmt::format("effective type size exceeds the limit of {}", kMaxTypeSize));
  return {};
}

Result<ValueTypePtr> resolve_val(const Scope& s, const ValType& t, size_t offset) {
  if (!t.is_index) return ValueType::primitive(kind_of(t.prim));
  FLINT_TRY(check_index(s, Space::Type, t.index, offset));
  const TypeEntity& e = s.types[t.index];
  if (e.kind != TypeEntity::Kind::Value)
    return invalid_at(ErrorCode::ComponentTypeKindMismatch, offset,
                      fmt::format("type index {} is not a defined type", t.index));
  return e.value;
}

Result<ResourceTypePtr> resolve_resource(const Scope& s, uint32_t index, size_t offset) {
  FLINT_TRY(check_index(s, Space::Type, index, offset));
  const TypeEntity& e = s.types[index];
  if (e.kind != TypeEntity::Kind::Resource)
    return invalid_at(ErrorCode::ComponentTypeKindMismatch, offset,
                      fmt::format("type index {} is not a resource type", index));
  return e.resource;
}

Result<ValueTypePtr> resolve_def_val(Scope& s, const DefValType& v, size_t at,
                                     uint8_t& handle_bits) {
  auto empty = [&](const char* sentence) {
    return invalid_at(ErrorCode::InvalidComponentType, at, sentence);
  };
  auto val = [&](const ValType& t) { return resolve_val(s, t, at); };
  auto opt = [&](const std::optional<ValType>& t) -> Result<ValueTypePtr> {
    if (!t) return ValueTypePtr();
    return val(*t);
  };
  if (auto* p = std::get_if<PrimType>(&v)) return ValueType::primitive(kind_of(*p));
  if (auto* r = std::get_if<RecordType>(&v)) {
    if (r->fields.empty()) return empty("record type must have at least one field");
    std::vector<std::string> labels;
    std::vector<Field> fields;
    for (const auto& f : r->fields) {
      FLINT_ASSIGN(ValueTypePtr t, val(f.type));
      fields.push_back({f.label, t});
      labels.push_back(f.label);
    }
    FLINT_TRY(check_labels(labels, at, "record field", "field"));
    return ValueType::record(std::move(fields));
  }
  if (auto* r = std::get_if<VariantType>(&v)) {
    if (r->cases.empty()) return empty("variant type must have at least one case");
    std::vector<std::string> labels;
    std::vector<Field> cases;
    for (const auto& c : r->cases) {
      FLINT_ASSIGN(ValueTypePtr t, opt(c.type));
      cases.push_back({c.label, t});
      labels.push_back(c.label);
    }
    FLINT_TRY(check_labels(labels, at, "variant case", "case"));
    return ValueType::variant(std::move(cases));
  }
  if (auto* r = std::get_if<TupleType>(&v)) {
    if (r->types.empty()) return empty("tuple type must have at least one type");
    std::vector<ValueTypePtr> types;
    for (const auto& t : r->types) {
      FLINT_ASSIGN(ValueTypePtr x, val(t));
      types.push_back(x);
    }
    return ValueType::tuple(std::move(types));
  }
  if (auto* r = std::get_if<FlagsType>(&v)) {
    if (r->labels.empty()) return empty("flags must have at least one entry");
    if (r->labels.size() > 32) return empty("cannot have more than 32 flags");
    FLINT_TRY(check_labels(r->labels, at, "flag", "flag"));
    return ValueType::flags(r->labels);
  }
  if (auto* r = std::get_if<EnumType>(&v)) {
    if (r->labels.empty()) return empty("enum type must have at least one variant");
    FLINT_TRY(check_labels(r->labels, at, "enum tag", "tag"));
    return ValueType::enumeration(r->labels);
  }
  if (auto* r = std::get_if<ListType>(&v)) {
    FLINT_ASSIGN(ValueTypePtr e, val(r->element));
    if (!r->length) return ValueType::list(e);
    if (*r->length == 0) return empty("fixed size list length must be greater than 0");
    return ValueType::fixed_list(e, *r->length);
  }
  if (auto* r = std::get_if<OptionType>(&v)) {
    FLINT_ASSIGN(ValueTypePtr e, val(r->type));
    return ValueType::option(e);
  }
  if (auto* r = std::get_if<ResultType>(&v)) {
    FLINT_ASSIGN(ValueTypePtr ok, opt(r->ok));
    FLINT_ASSIGN(ValueTypePtr err, opt(r->error));
    return ValueType::result(ok, err);
  }
  auto handle = [&](uint32_t index, bool own) -> Result<ValueTypePtr> {
    FLINT_ASSIGN(ResourceTypePtr res, resolve_resource(s, index, at));
    // A handle is as visible as the resource's type index.
    auto it = s.named_types.find(index);
    handle_bits = it == s.named_types.end() ? 0 : it->second;
    return own ? ValueType::own(res) : ValueType::borrow(res);
  };
  if (auto* r = std::get_if<OwnType>(&v)) return handle(r->resource, true);
  if (auto* r = std::get_if<BorrowType>(&v)) return handle(r->resource, false);
  if (auto* r = std::get_if<StreamType>(&v)) {
    FLINT_ASSIGN(ValueTypePtr e, opt(r->element));
    // wasmparser reserves character streams (they may become text streams).
    if (e && e->kind == TypeKind::Char) return empty("stream<char> is not valid at this time");
    auto t = std::make_shared<ValueType>();
    t->kind = TypeKind::Stream;
    t->element = e;
    return ValueTypePtr(std::move(t));
  }
  if (auto* r = std::get_if<FutureType>(&v)) {
    FLINT_ASSIGN(ValueTypePtr e, opt(r->element));
    auto t = std::make_shared<ValueType>();
    t->kind = TypeKind::Future;
    t->element = e;
    return ValueTypePtr(std::move(t));
  }
  if (auto* r = std::get_if<MapType>(&v)) {
    FLINT_ASSIGN(ValueTypePtr k, val(r->key));
    FLINT_ASSIGN(ValueTypePtr x, val(r->value));
    return ValueType::map(k, x);
  }
  return empty("unknown defined type");
}

bool is_named_kind(TypeKind k) {
  return k == TypeKind::Record || k == TypeKind::Variant || k == TypeKind::Enum ||
         k == TypeKind::Flags || k == TypeKind::Own || k == TypeKind::Borrow;
}

bool contains_borrow(const ValueType& t, int depth = 0) {
  if (depth > int(kMaxTypeDepth)) return false;
  if (t.kind == TypeKind::Borrow) return true;
  auto in = [&](const ValueTypePtr& p) { return p && contains_borrow(*p, depth + 1); };
  for (const Field& f : t.fields)
    if (in(f.type)) return true;
  return in(t.element) || in(t.ok) || in(t.error);
}

Result<FunctionTypePtr> resolve_func(const Scope& s, const FuncType& f, size_t at) {
  auto out = std::make_shared<FunctionType>();
  out->async = f.async;
  std::vector<std::string> labels;
  for (const auto& p : f.params) {
    FLINT_ASSIGN(ValueTypePtr t, resolve_val(s, p.type, at));
    out->params.push_back({p.label, t});
    labels.push_back(p.label);
  }
  FLINT_TRY(check_labels(labels, at, "function parameter", "parameter"));
  if (f.result) {
    FLINT_ASSIGN(out->result, resolve_val(s, *f.result, at));
    if (contains_borrow(*out->result))
      return invalid_at(ErrorCode::InvalidResourceUse, at,
                        "function result cannot contain a `borrow` type");
  }
  return FunctionTypePtr(std::move(out));
}

}  // namespace flint::component::validation
