// Component values: construction of cases, equality and type membership
// (component-model Explainer.md, "Value Types").
#include "component/value.h"

#include <cmath>

namespace flint::component {

ComponentValue ComponentValue::case_of(TypeKind k, uint32_t index,
                                       std::optional<ComponentValue> payload) {
  Case c;
  c.index = index;
  if (payload) c.payload = std::make_shared<const ComponentValue>(std::move(*payload));
  return {k, std::move(c)};
}

std::vector<ComponentValue> list_items(const ComponentValue& list) {
  const std::vector<uint8_t>* bytes = list.byte_items();
  if (!bytes) return list.items();
  std::vector<ComponentValue> out;
  out.reserve(bytes->size());
  for (uint8_t b : *bytes) out.push_back(ComponentValue::unsigned_int(TypeKind::U8, b));
  return out;
}

namespace {

// A list<u8> in byte form against a list in either form.
bool equal_bytes(const std::vector<uint8_t>& bytes, const ComponentValue& other) {
  if (const std::vector<uint8_t>* b = other.byte_items()) return bytes == *b;
  const auto* items = std::get_if<std::vector<ComponentValue>>(&other.payload);
  if (!items || items->size() != bytes.size()) return false;
  for (size_t i = 0; i < bytes.size(); ++i) {
    const auto* u = std::get_if<uint64_t>(&(*items)[i].payload);
    if (!u || *u != bytes[i]) return false;
  }
  return true;
}

}  // namespace

bool equal(const ComponentValue& a, const ComponentValue& b) {
  if (a.kind == b.kind) {
    if (const std::vector<uint8_t>* bytes = a.byte_items()) return equal_bytes(*bytes, b);
    if (const std::vector<uint8_t>* bytes = b.byte_items()) return equal_bytes(*bytes, a);
  }
  if (a.kind != b.kind || a.payload.index() != b.payload.index()) return false;
  switch (a.payload.index()) {
    case 3: {  // float: NaN equals NaN, since lifted NaNs are all canonical
      float x = a.as_f32(), y = b.as_f32();
      return (std::isnan(x) && std::isnan(y)) || (x == y && std::signbit(x) == std::signbit(y));
    }
    case 4: {
      double x = a.as_f64(), y = b.as_f64();
      return (std::isnan(x) && std::isnan(y)) || (x == y && std::signbit(x) == std::signbit(y));
    }
    case 7: {
      const auto &x = a.items(), &y = b.items();
      if (x.size() != y.size()) return false;
      for (size_t i = 0; i < x.size(); ++i)
        if (!equal(x[i], y[i])) return false;
      return true;
    }
    case 8: {
      const auto &x = a.as_case(), &y = b.as_case();
      if (x.index != y.index || !x.payload != !y.payload) return false;
      return !x.payload || equal(*x.payload, *y.payload);
    }
    case 10:
      return a.as_handle().resource == b.as_handle().resource &&
             a.as_handle().rep == b.as_handle().rep;
    case 0: return a.as_bool() == b.as_bool();
    case 1: return a.as_signed() == b.as_signed();
    case 2: return a.as_unsigned() == b.as_unsigned();
    case 5: return a.as_char() == b.as_char();
    case 6: return a.as_string() == b.as_string();
    case 9: return a.as_flags() == b.as_flags();
    default: return false;
  }
}

namespace {

bool integer_in_range(const ComponentValue& v, TypeKind kind) {
  switch (kind) {
    case TypeKind::S8: return v.as_signed() >= INT8_MIN && v.as_signed() <= INT8_MAX;
    case TypeKind::S16: return v.as_signed() >= INT16_MIN && v.as_signed() <= INT16_MAX;
    case TypeKind::S32: return v.as_signed() >= INT32_MIN && v.as_signed() <= INT32_MAX;
    case TypeKind::U8: return v.as_unsigned() <= UINT8_MAX;
    case TypeKind::U16: return v.as_unsigned() <= UINT16_MAX;
    case TypeKind::U32: return v.as_unsigned() <= UINT32_MAX;
    default: return true;
  }
}

// A case's payload against its declared type (null: no payload allowed).
bool case_has_type(const ComponentValue::Case& c, const ValueTypePtr& type) {
  if (!type) return !c.payload;
  return c.payload && has_type(*c.payload, *type);
}

bool holds(const ComponentValue& v, size_t index) { return v.payload.index() == index; }

}  // namespace

bool has_type(const ComponentValue& value, const ValueType& type) {
  if (value.kind != type.kind) return false;
  switch (type.kind) {
    case TypeKind::Bool: return holds(value, 0);
    case TypeKind::S8:
    case TypeKind::S16:
    case TypeKind::S32:
    case TypeKind::S64: return holds(value, 1) && integer_in_range(value, type.kind);
    case TypeKind::U8:
    case TypeKind::U16:
    case TypeKind::U32:
    case TypeKind::U64: return holds(value, 2) && integer_in_range(value, type.kind);
    case TypeKind::F32: return holds(value, 3);
    case TypeKind::F64: return holds(value, 4);
    case TypeKind::Char: {
      if (!holds(value, 5)) return false;
      char32_t c = value.as_char();
      return c < 0xD800 || (c > 0xDFFF && c < 0x110000);
    }
    case TypeKind::String: return holds(value, 6);
    case TypeKind::List: {
      if (!type.element) return false;
      if (const std::vector<uint8_t>* bytes = value.byte_items())
        return type.element->kind == TypeKind::U8 &&
               (!type.length || bytes->size() == *type.length);
      if (!holds(value, 7)) return false;
      if (type.length && value.items().size() != *type.length) return false;
      for (const auto& item : value.items())
        if (!has_type(item, *type.element)) return false;
      return true;
    }
    case TypeKind::Map: {
      // Entries are tuples of two: key and value.
      if (!holds(value, 7) || !type.ok || !type.element) return false;
      for (const auto& entry : value.items()) {
        if (entry.kind != TypeKind::Tuple || !holds(entry, 7) || entry.items().size() != 2 ||
            !has_type(entry.items()[0], *type.ok) || !has_type(entry.items()[1], *type.element))
          return false;
      }
      return true;
    }
    case TypeKind::Record:
    case TypeKind::Tuple: {
      if (!holds(value, 7) || value.items().size() != type.fields.size()) return false;
      for (size_t i = 0; i < type.fields.size(); ++i)
        if (!type.fields[i].type || !has_type(value.items()[i], *type.fields[i].type)) return false;
      return true;
    }
    case TypeKind::Variant:
      return holds(value, 8) && value.as_case().index < type.fields.size() &&
             case_has_type(value.as_case(), type.fields[value.as_case().index].type);
    case TypeKind::Enum:
      return holds(value, 8) && value.as_case().index < type.labels.size() &&
             !value.as_case().payload;
    case TypeKind::Option:
      if (!holds(value, 8) || value.as_case().index > 1) return false;
      return case_has_type(value.as_case(), value.as_case().index ? type.element : nullptr);
    case TypeKind::Result:
      if (!holds(value, 8) || value.as_case().index > 1) return false;
      return case_has_type(value.as_case(), value.as_case().index ? type.error : type.ok);
    case TypeKind::Flags: return holds(value, 9) && value.as_flags().size() == type.labels.size();
    case TypeKind::Own:
    case TypeKind::Borrow: return holds(value, 10) && value.as_handle().resource == type.resource;
    case TypeKind::Stream:
    case TypeKind::Future:
    case TypeKind::ErrorContext: return holds(value, 12);
    default: return false;  // error-context, stream, future: not values of the sync ABI
  }
}

}  // namespace flint::component
