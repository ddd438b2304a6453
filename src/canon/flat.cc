// lift_flat and lower_flat, case by case as CanonicalABI.md defines them.
// The one subtle case is the variant: its cases share the joined flat types,
// so a case's payload is coerced from (lifting) or to (lowering) them.
#include "canon/flat.h"

#include "canon/handles.h"
#include "canon/layout.h"
#include "canon/load_store.h"
#include "canon/scalars.h"
#include "canon/strings.h"

namespace flint::canon {

using component::Field;

namespace {

Error mismatch(std::string detail = {}) {
  return abi_trap(ErrorCode::CanonTypeMismatch, std::move(detail));
}

// Lifting a case's payload: the joined type `have` read as the case's `want`
// (the spec's CoerceValueIter).
Value coerce_lift(const Value& v, ValType want) {
  if (v.type == want) return v;
  switch (v.type) {
    case ValType::I32: return Value::f32_bits_(v.i32);  // want f32
    case ValType::I64:
      if (want == ValType::I32) return Value::i32_(uint32_t(v.i64));
      if (want == ValType::F32) return Value::f32_bits_(uint32_t(v.i64));
      return Value::f64_bits_(v.i64);
    default: return v;
  }
}

// Lowering a case's payload: the case's `have` widened to the joined `want`.
Value coerce_lower(const Value& v, ValType want) {
  if (v.type == want) return v;
  switch (v.type) {
    case ValType::F32:
      if (want == ValType::I32) return Value::i32_(v.f32_bits);
      return Value::i64_(v.f32_bits);
    case ValType::I32: return Value::i64_(v.i32);  // want i64, zero-extended
    case ValType::F64: return Value::i64_(v.f64_bits);
    default: return v;
  }
}

Result<ComponentValue> lift_cases(CallContext& cx, const ValueType& t, FlatReader& in) {
  auto cases = case_types(t);
  std::vector<ValType> flat = flatten_type(t);
  FLINT_ASSIGN(Value disc, in.next(ValType::I32));
  // Read every joined slot first: they are all present whatever the case.
  std::vector<Value> joined;
  for (size_t i = 1; i < flat.size(); ++i) {
    FLINT_ASSIGN(Value v, in.next(flat[i]));
    joined.push_back(v);
  }
  if (disc.i32 >= cases.size()) return abi_trap(ErrorCode::InvalidDiscriminant);
  std::optional<ComponentValue> payload;
  if (const ValueType* c = cases[disc.i32]) {
    std::vector<ValType> want = flatten_type(*c);
    std::vector<Value> coerced;
    for (size_t i = 0; i < want.size() && i < joined.size(); ++i)
      coerced.push_back(coerce_lift(joined[i], want[i]));
    FlatReader sub(coerced);
    FLINT_ASSIGN(payload, lift_flat(cx, *c, sub));
  }
  return ComponentValue::case_of(t.kind, disc.i32, std::move(payload));
}

Status lower_cases(CallContext& cx, const ComponentValue& v, const ValueType& t,
                   std::vector<Value>& out) {
  auto cases = case_types(t);
  const auto* c = std::get_if<ComponentValue::Case>(&v.payload);
  if (!c || c->index >= cases.size()) return mismatch();
  std::vector<ValType> flat = flatten_type(t);
  out.push_back(Value::i32_(c->index));
  std::vector<Value> payload;
  if (const ValueType* pt = cases[c->index]) {
    if (!c->payload) return mismatch();
    FLINT_TRY(lower_flat(cx, *c->payload, *pt, payload));
  }
  for (size_t i = 1; i < flat.size(); ++i) {
    // Slots the case does not use are zero of the joined type.
    out.push_back(i - 1 < payload.size() ? coerce_lower(payload[i - 1], flat[i])
                                         : Value::zero(flat[i]));
  }
  return {};
}

}  // namespace

Result<Value> FlatReader::next(ValType want) {
  if (pos_ >= values_.size()) return mismatch("too few core values");
  const Value& v = values_[pos_++];
  if (v.type != want) return mismatch("core value of the wrong type");
  return v;
}

Result<ComponentValue> lift_flat(CallContext& cx, const ValueType& t, FlatReader& in) {
  switch (t.kind) {
    case TypeKind::Bool: {
      FLINT_ASSIGN(Value v, in.next(ValType::I32));
      return ComponentValue::boolean(v.i32 != 0);  // any nonzero is true
    }
    case TypeKind::S8:
    case TypeKind::U8:
    case TypeKind::S16:
    case TypeKind::U16:
    case TypeKind::S32:
    case TypeKind::U32: {
      // The low bits of the i32, reinterpreted (lift_flat_signed/unsigned).
      FLINT_ASSIGN(Value v, in.next(ValType::I32));
      return int_from_bits(t.kind, v.i32);
    }
    case TypeKind::S64:
    case TypeKind::U64: {
      FLINT_ASSIGN(Value v, in.next(ValType::I64));
      return int_from_bits(t.kind, v.i64);
    }
    case TypeKind::F32: {
      FLINT_ASSIGN(Value v, in.next(ValType::F32));
      return f32_from_bits(v.f32_bits);
    }
    case TypeKind::F64: {
      FLINT_ASSIGN(Value v, in.next(ValType::F64));
      return f64_from_bits(v.f64_bits);
    }
    case TypeKind::Char: {
      FLINT_ASSIGN(Value v, in.next(ValType::I32));
      return char_from_bits(v.i32);
    }
    case TypeKind::String: {
      FLINT_ASSIGN(Value ptr, in.next(ValType::I32));
      FLINT_ASSIGN(Value units, in.next(ValType::I32));
      FLINT_ASSIGN(std::string s, load_string_from_range(cx, ptr.i32, units.i32));
      return ComponentValue::string(std::move(s));
    }
    case TypeKind::List:
    case TypeKind::Map: {
      if (!t.element) return mismatch();
      ValueType entry = t.kind == TypeKind::Map ? map_entry(t) : ValueType{};
      const ValueType& element = t.kind == TypeKind::Map ? entry : *t.element;
      if (t.length) {
        std::vector<ComponentValue> items;
        for (uint32_t i = 0; i < *t.length; ++i) {
          FLINT_ASSIGN(ComponentValue item, lift_flat(cx, element, in));
          items.push_back(std::move(item));
        }
        return ComponentValue::sequence(TypeKind::List, std::move(items));
      }
      FLINT_ASSIGN(Value ptr, in.next(ValType::I32));
      FLINT_ASSIGN(Value length, in.next(ValType::I32));
      FLINT_ASSIGN(ComponentValue list, load_list_from_range(cx, element, ptr.i32, length.i32));
      list.kind = t.kind;
      return list;
    }
    case TypeKind::Record:
    case TypeKind::Tuple: {
      std::vector<ComponentValue> items;
      for (const Field& f : t.fields) {
        if (!f.type) return mismatch();
        FLINT_ASSIGN(ComponentValue item, lift_flat(cx, *f.type, in));
        items.push_back(std::move(item));
      }
      return ComponentValue::sequence(t.kind, std::move(items));
    }
    case TypeKind::Variant:
    case TypeKind::Enum:
    case TypeKind::Option:
    case TypeKind::Result: return lift_cases(cx, t, in);
    case TypeKind::Flags: {
      // Bits beyond the labels are ignored (the spec masks them off).
      std::vector<bool> set(t.labels.size());
      for (uint32_t word = 0; word < flags_i32_count(t.labels.size()); ++word) {
        FLINT_ASSIGN(Value v, in.next(ValType::I32));
        for (uint32_t bit = 0; bit < 32; ++bit) {
          size_t i = size_t(word) * 32 + bit;
          if (i < set.size()) set[i] = (v.i32 >> bit) & 1;
        }
      }
      return ComponentValue::flags(std::move(set));
    }
    case TypeKind::Own:
    case TypeKind::Borrow: {
      FLINT_ASSIGN(Value index, in.next(ValType::I32));
      FLINT_ASSIGN(uint32_t rep, t.kind == TypeKind::Own ? lift_own(cx, t.resource, index.i32)
                                                         : lift_borrow(cx, t.resource, index.i32));
      return ComponentValue::handle(t.kind, t.resource, rep);
    }
    case TypeKind::Stream:
    case TypeKind::Future:
    case TypeKind::ErrorContext: {
      FLINT_ASSIGN(Value index, in.next(ValType::I32));
      if (!cx.async) return mismatch();
      return cx.async->lift(t, index.i32);
    }
    default: return mismatch();
  }
}

Status lower_flat(CallContext& cx, const ComponentValue& v, const ValueType& t,
                  std::vector<Value>& out) {
  if (v.kind != t.kind) return mismatch();
  switch (t.kind) {
    case TypeKind::Bool: {
      const bool* b = std::get_if<bool>(&v.payload);
      if (!b) return mismatch();
      out.push_back(Value::i32_(*b ? 1 : 0));
      return {};
    }
    case TypeKind::S8:
    case TypeKind::U8:
    case TypeKind::S16:
    case TypeKind::U16:
    case TypeKind::S32:
    case TypeKind::U32:
      // Signed values sign-extend into the i32 (lower_flat_signed).
      if (v.payload.index() != (is_signed(t.kind) ? 1u : 2u)) return mismatch();
      out.push_back(Value::i32_(uint32_t(int_bits(v))));
      return {};
    case TypeKind::S64:
    case TypeKind::U64:
      if (v.payload.index() != (is_signed(t.kind) ? 1u : 2u)) return mismatch();
      out.push_back(Value::i64_(int_bits(v)));
      return {};
    case TypeKind::F32: {
      const float* f = std::get_if<float>(&v.payload);
      if (!f) return mismatch();
      out.push_back(Value::f32_bits_(f32_bits(*f)));
      return {};
    }
    case TypeKind::F64: {
      const double* f = std::get_if<double>(&v.payload);
      if (!f) return mismatch();
      out.push_back(Value::f64_bits_(f64_bits(*f)));
      return {};
    }
    case TypeKind::Char: {
      const char32_t* c = std::get_if<char32_t>(&v.payload);
      if (!c) return mismatch();
      out.push_back(Value::i32_(*c));
      return {};
    }
    case TypeKind::String: {
      const std::string* s = std::get_if<std::string>(&v.payload);
      if (!s) return mismatch();
      FLINT_ASSIGN(auto range, store_string_into_range(cx, *s));
      out.push_back(Value::i32_(range.first));
      out.push_back(Value::i32_(range.second));
      return {};
    }
    case TypeKind::List:
    case TypeKind::Map: {
      if (!t.element) return mismatch();
      ValueType entry = t.kind == TypeKind::Map ? map_entry(t) : ValueType{};
      const ValueType& element = t.kind == TypeKind::Map ? entry : *t.element;
      if (t.length) {
        if (!v.byte_items() && !std::holds_alternative<std::vector<ComponentValue>>(v.payload))
          return mismatch();
        const std::vector<ComponentValue> items = component::list_items(v);
        if (items.size() != *t.length) return mismatch();
        for (const auto& item : items) FLINT_TRY(lower_flat(cx, item, element, out));
        return {};
      }
      FLINT_ASSIGN(auto range, store_list_into_range(cx, v, element));
      out.push_back(Value::i32_(range.first));
      out.push_back(Value::i32_(range.second));
      return {};
    }
    case TypeKind::Record:
    case TypeKind::Tuple: {
      const auto* items = std::get_if<std::vector<ComponentValue>>(&v.payload);
      if (!items || items->size() != t.fields.size()) return mismatch();
      for (size_t i = 0; i < items->size(); ++i) {
        if (!t.fields[i].type) return mismatch();
        FLINT_TRY(lower_flat(cx, (*items)[i], *t.fields[i].type, out));
      }
      return {};
    }
    case TypeKind::Variant:
    case TypeKind::Enum:
    case TypeKind::Option:
    case TypeKind::Result: return lower_cases(cx, v, t, out);
    case TypeKind::Flags: {
      const auto* set = std::get_if<std::vector<bool>>(&v.payload);
      if (!set || set->size() != t.labels.size()) return mismatch();
      for (uint32_t word = 0; word < flags_i32_count(set->size()); ++word) {
        uint32_t bits = 0;
        for (uint32_t bit = 0; bit < 32; ++bit) {
          size_t i = size_t(word) * 32 + bit;
          if (i < set->size() && (*set)[i]) bits |= 1u << bit;
        }
        out.push_back(Value::i32_(bits));
      }
      return {};
    }
    case TypeKind::Own:
    case TypeKind::Borrow: {
      const auto* h = std::get_if<component::HandleValue>(&v.payload);
      if (!h) return mismatch();
      FLINT_ASSIGN(uint32_t index, t.kind == TypeKind::Own ? lower_own(cx, t.resource, h->rep)
                                                           : lower_borrow(cx, t.resource, h->rep));
      out.push_back(Value::i32_(index));
      return {};
    }
    case TypeKind::Stream:
    case TypeKind::Future:
    case TypeKind::ErrorContext: {
      if (!cx.async) return mismatch();
      FLINT_ASSIGN(uint32_t index, cx.async->lower(v, t));
      out.push_back(Value::i32_(index));
      return {};
    }
    default: return mismatch();
  }
}

}  // namespace flint::canon
