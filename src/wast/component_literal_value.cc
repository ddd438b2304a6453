// Component literals to typed component values.
#include "wast/component_literal_value.h"

#include <bit>
#include <cstring>

namespace flint::wast {

namespace {

using component::ComponentValue;
using component::TypeKind;
using component::ValueType;
using Kind = ComponentLiteral::Kind;

Error mismatch(const ComponentLiteral& literal, const ValueType& type, const char* why) {
  return make_error(ErrorCode::Usage, std::string("a script value does not fit the type ") +
                                          component::to_string(type) + ": " + why);
}

/// The type's kind a scalar literal kind stands for.
std::optional<TypeKind> scalar_kind(Kind k) {
  switch (k) {
    case Kind::Bool: return TypeKind::Bool;
    case Kind::S8: return TypeKind::S8;
    case Kind::U8: return TypeKind::U8;
    case Kind::S16: return TypeKind::S16;
    case Kind::U16: return TypeKind::U16;
    case Kind::S32: return TypeKind::S32;
    case Kind::U32: return TypeKind::U32;
    case Kind::S64: return TypeKind::S64;
    case Kind::U64: return TypeKind::U64;
    case Kind::F32: return TypeKind::F32;
    case Kind::F64: return TypeKind::F64;
    case Kind::Char: return TypeKind::Char;
    case Kind::String: return TypeKind::String;
    default: return std::nullopt;
  }
}

Result<ComponentValue> scalar(const ComponentLiteral& l, const ValueType& t) {
  const uint64_t v = l.scalar;
  switch (t.kind) {
    case TypeKind::Bool: return ComponentValue::boolean(v != 0);
    case TypeKind::S8: return ComponentValue::signed_int(t.kind, int8_t(v));
    case TypeKind::S16: return ComponentValue::signed_int(t.kind, int16_t(v));
    case TypeKind::S32: return ComponentValue::signed_int(t.kind, int32_t(v));
    case TypeKind::S64: return ComponentValue::signed_int(t.kind, int64_t(v));
    case TypeKind::U8: return ComponentValue::unsigned_int(t.kind, uint8_t(v));
    case TypeKind::U16: return ComponentValue::unsigned_int(t.kind, uint16_t(v));
    case TypeKind::U32: return ComponentValue::unsigned_int(t.kind, uint32_t(v));
    case TypeKind::U64: return ComponentValue::unsigned_int(t.kind, v);
    case TypeKind::F32: {
      float f;
      const uint32_t bits = uint32_t(v);
      std::memcpy(&f, &bits, 4);
      return ComponentValue::f32(f);
    }
    case TypeKind::F64: {
      double d;
      std::memcpy(&d, &v, 8);
      return ComponentValue::f64(d);
    }
    case TypeKind::Char: return ComponentValue::character(char32_t(v));
    case TypeKind::String: return ComponentValue::string(l.label);
    default: return mismatch(l, t, "a scalar for a compound type");
  }
}

/// The index of `label` among a variant's cases or an enum's labels.
template <class Labels, class Get>
std::optional<uint32_t> index_of(const Labels& labels, const std::string& label, Get get) {
  for (size_t i = 0; i < labels.size(); ++i)
    if (get(labels[i]) == label) return uint32_t(i);
  return std::nullopt;
}

Result<std::optional<ComponentValue>> payload(const ComponentLiteral& l,
                                              const component::ValueTypePtr& type) {
  if (l.children.empty() != !type)
    return make_error(ErrorCode::Usage, "a script value's payload does not match its case");
  if (!type) return std::optional<ComponentValue>{};
  FLINT_ASSIGN(ComponentValue v, literal_to_value(l.children[0], *type));
  return std::optional<ComponentValue>(std::move(v));
}

}  // namespace

Result<ComponentValue> literal_to_value(const ComponentLiteral& l, const ValueType& t) {
  if (auto k = scalar_kind(l.kind)) {
    if (*k != t.kind) return mismatch(l, t, "another primitive type");
    return scalar(l, t);
  }
  switch (l.kind) {
    case Kind::List:
    case Kind::Tuple: {
      const bool list = l.kind == Kind::List;
      if (t.kind != (list ? TypeKind::List : TypeKind::Tuple))
        return mismatch(l, t, list ? "a list" : "a tuple");
      if (!list && l.children.size() != t.fields.size()) return mismatch(l, t, "tuple size");
      std::vector<ComponentValue> items;
      for (size_t i = 0; i < l.children.size(); ++i) {
        const ValueType& et = list ? *t.element : *t.fields[i].type;
        FLINT_ASSIGN(ComponentValue v, literal_to_value(l.children[i], et));
        items.push_back(std::move(v));
      }
      return ComponentValue::sequence(t.kind, std::move(items));
    }
    case Kind::Record: {
      if (t.kind != TypeKind::Record || l.children.size() != t.fields.size())
        return mismatch(l, t, "a record with other fields");
      std::vector<ComponentValue> items;
      for (size_t i = 0; i < l.children.size(); ++i) {
        const ComponentLiteral& field = l.children[i];
        if (field.label != t.fields[i].label || field.children.size() != 1)
          return mismatch(l, t, "field names differ");
        FLINT_ASSIGN(ComponentValue v, literal_to_value(field.children[0], *t.fields[i].type));
        items.push_back(std::move(v));
      }
      return ComponentValue::sequence(TypeKind::Record, std::move(items));
    }
    case Kind::Variant: {
      if (t.kind != TypeKind::Variant) return mismatch(l, t, "a variant");
      auto index = index_of(t.fields, l.label, [](const component::Field& f) { return f.label; });
      if (!index) return mismatch(l, t, "no such case");
      FLINT_ASSIGN(auto p, payload(l, t.fields[*index].type));
      return ComponentValue::case_of(TypeKind::Variant, *index, std::move(p));
    }
    case Kind::Enum: {
      if (t.kind != TypeKind::Enum) return mismatch(l, t, "an enum");
      auto index = index_of(t.labels, l.label, [](const std::string& s) { return s; });
      if (!index) return mismatch(l, t, "no such case");
      return ComponentValue::case_of(TypeKind::Enum, *index, std::nullopt);
    }
    case Kind::Flags: {
      if (t.kind != TypeKind::Flags) return mismatch(l, t, "flags");
      std::vector<bool> set(t.labels.size());
      for (const std::string& name : l.flags) {
        auto index = index_of(t.labels, name, [](const std::string& s) { return s; });
        if (!index) return mismatch(l, t, "no such flag");
        set[*index] = true;
      }
      return ComponentValue::flags(std::move(set));
    }
    case Kind::OptionNone:
      if (t.kind != TypeKind::Option) return mismatch(l, t, "an option");
      return ComponentValue::case_of(TypeKind::Option, 0, std::nullopt);
    case Kind::OptionSome: {
      if (t.kind != TypeKind::Option) return mismatch(l, t, "an option");
      FLINT_ASSIGN(auto p, payload(l, t.element));
      return ComponentValue::case_of(TypeKind::Option, 1, std::move(p));
    }
    case Kind::ResultOk:
    case Kind::ResultErr: {
      if (t.kind != TypeKind::Result) return mismatch(l, t, "a result");
      const bool ok = l.kind == Kind::ResultOk;
      FLINT_ASSIGN(auto p, payload(l, ok ? t.ok : t.error));
      return ComponentValue::case_of(TypeKind::Result, ok ? 0 : 1, std::move(p));
    }
    default: return mismatch(l, t, "a field outside a record");
  }
}

}  // namespace flint::wast
