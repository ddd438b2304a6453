// Resolution of value and function types.
#include "component_runtime/type_resolution.h"

namespace flint::component {

namespace {

TypeKind kind_of(PrimType p) {
  switch (p) {
    case PrimType::Bool: return TypeKind::Bool;
    case PrimType::S8: return TypeKind::S8;
    case PrimType::U8: return TypeKind::U8;
    case PrimType::S16: return TypeKind::S16;
    case PrimType::U16: return TypeKind::U16;
    case PrimType::S32: return TypeKind::S32;
    case PrimType::U32: return TypeKind::U32;
    case PrimType::S64: return TypeKind::S64;
    case PrimType::U64: return TypeKind::U64;
    case PrimType::F32: return TypeKind::F32;
    case PrimType::F64: return TypeKind::F64;
    case PrimType::Char: return TypeKind::Char;
    case PrimType::String: return TypeKind::String;
    case PrimType::ErrorContext: return TypeKind::ErrorContext;
  }
  return TypeKind::Bool;
}

Error not_a(const char* what, uint32_t index) {
  return make_error(ErrorCode::ComponentTypeKindMismatch,
                    "type index " + std::to_string(index) + " is not " + what);
}

Result<ValueTypePtr> optional_type(const Frame& f, const std::optional<ValType>& t) {
  if (!t) return ValueTypePtr{};
  return resolve_value_type(f, *t);
}

Result<ResourceTypePtr> resource_at(const Frame& f, uint32_t index) {
  if (index >= f.types.size() || !f.types[index].resource()) return not_a("a resource type", index);
  return *f.types[index].resource();
}

}  // namespace

Result<ValueTypePtr> resolve_value_type(const Frame& frame, const ValType& t) {
  if (!t.is_index) return ValueType::primitive(kind_of(t.prim));
  if (t.index >= frame.types.size() || !frame.types[t.index].value())
    return not_a("a defined value type", t.index);
  return *frame.types[t.index].value();
}

Result<ValueTypePtr> resolve_def_val_type(const Frame& f, const DefValType& def) {
  struct Visitor {
    const Frame& f;
    Result<ValueTypePtr> operator()(PrimType p) { return ValueType::primitive(kind_of(p)); }
    Result<ValueTypePtr> operator()(const RecordType& r) {
      std::vector<Field> fields;
      for (const LabeledType& l : r.fields) {
        FLINT_ASSIGN(ValueTypePtr t, resolve_value_type(f, l.type));
        fields.push_back({l.label, std::move(t)});
      }
      return ValueType::record(std::move(fields));
    }
    Result<ValueTypePtr> operator()(const VariantType& v) {
      std::vector<Field> cases;
      for (const Case& c : v.cases) {
        FLINT_ASSIGN(ValueTypePtr t, optional_type(f, c.type));
        cases.push_back({c.label, std::move(t)});
      }
      return ValueType::variant(std::move(cases));
    }
    Result<ValueTypePtr> operator()(const ListType& l) {
      FLINT_ASSIGN(ValueTypePtr e, resolve_value_type(f, l.element));
      return l.length ? ValueType::fixed_list(std::move(e), *l.length)
                      : ValueType::list(std::move(e));
    }
    Result<ValueTypePtr> operator()(const TupleType& t) {
      std::vector<ValueTypePtr> types;
      for (const ValType& v : t.types) {
        FLINT_ASSIGN(ValueTypePtr r, resolve_value_type(f, v));
        types.push_back(std::move(r));
      }
      return ValueType::tuple(std::move(types));
    }
    Result<ValueTypePtr> operator()(const FlagsType& t) { return ValueType::flags(t.labels); }
    Result<ValueTypePtr> operator()(const EnumType& t) { return ValueType::enumeration(t.labels); }
    Result<ValueTypePtr> operator()(const OptionType& t) {
      FLINT_ASSIGN(ValueTypePtr e, resolve_value_type(f, t.type));
      return ValueType::option(std::move(e));
    }
    Result<ValueTypePtr> operator()(const ResultType& t) {
      FLINT_ASSIGN(ValueTypePtr ok, optional_type(f, t.ok));
      FLINT_ASSIGN(ValueTypePtr error, optional_type(f, t.error));
      return ValueType::result(std::move(ok), std::move(error));
    }
    Result<ValueTypePtr> operator()(const OwnType& t) {
      FLINT_ASSIGN(ResourceTypePtr r, resource_at(f, t.resource));
      return ValueType::own(std::move(r));
    }
    Result<ValueTypePtr> operator()(const BorrowType& t) {
      FLINT_ASSIGN(ResourceTypePtr r, resource_at(f, t.resource));
      return ValueType::borrow(std::move(r));
    }
    Result<ValueTypePtr> operator()(const StreamType& t) {
      ValueType s;
      s.kind = TypeKind::Stream;
      FLINT_ASSIGN(s.element, optional_type(f, t.element));
      return std::make_shared<const ValueType>(std::move(s));
    }
    Result<ValueTypePtr> operator()(const FutureType& t) {
      ValueType s;
      s.kind = TypeKind::Future;
      FLINT_ASSIGN(s.element, optional_type(f, t.element));
      return std::make_shared<const ValueType>(std::move(s));
    }
    Result<ValueTypePtr> operator()(const MapType& t) {
      FLINT_ASSIGN(ValueTypePtr k, resolve_value_type(f, t.key));
      FLINT_ASSIGN(ValueTypePtr v, resolve_value_type(f, t.value));
      return ValueType::map(std::move(k), std::move(v));
    }
  };
  return std::visit(Visitor{f}, def);
}

Result<FunctionTypePtr> resolve_function_type(const Frame& frame, const FuncType& type) {
  auto out = std::make_shared<FunctionType>();
  out->async = type.async;
  for (const LabeledType& p : type.params) {
    FLINT_ASSIGN(ValueTypePtr t, resolve_value_type(frame, p.type));
    out->params.push_back({p.label, std::move(t)});
  }
  if (type.result) {
    FLINT_ASSIGN(out->result, resolve_value_type(frame, *type.result));
  }
  return FunctionTypePtr(std::move(out));
}

Result<TypeItem> resolve_type_definition(const Frame& frame, const TypeDef& def) {
  TypeItem item;
  if (auto* v = std::get_if<DefValType>(&def.def)) {
    FLINT_ASSIGN(ValueTypePtr r, resolve_def_val_type(frame, *v));
    item.type = std::move(r);
  } else if (auto* fn = std::get_if<FuncType>(&def.def)) {
    FLINT_ASSIGN(FunctionTypePtr r, resolve_function_type(frame, *fn));
    item.type = std::move(r);
  } else {
    item.type = &def;
  }
  return item;
}

}  // namespace flint::component
