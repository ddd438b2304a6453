// load and store, case by case as CanonicalABI.md defines them.
#include "canon/load_store.h"

#include <algorithm>

#include "canon/access.h"
#include "canon/handles.h"
#include "canon/layout.h"
#include "canon/scalars.h"
#include "canon/strings.h"

namespace flint::canon {

using component::Field;

namespace {

// A list longer than this with zero-size elements would need no memory at
// all but unbounded host memory; the spec has no such types any more (empty
// records and flags are invalid), so refusing them costs nothing.
constexpr uint32_t kMaxZeroSizeListLength = 1u << 20;

Result<uint64_t> load_int(CallContext& cx, uint64_t ptr, uint32_t n) {
  FLINT_ASSIGN(auto bytes, memory_range(cx, ptr, n, ErrorCode::PointerOutOfBounds));
  return read_le(bytes.data(), n);
}

Status store_int(CallContext& cx, uint64_t v, uint64_t ptr, uint32_t n) {
  FLINT_ASSIGN(auto bytes, memory_range(cx, ptr, n, ErrorCode::PointerOutOfBounds));
  write_le(bytes.data(), v, n);
  return {};
}

Error mismatch() { return abi_trap(ErrorCode::CanonTypeMismatch); }

Result<ComponentValue> load_cases(CallContext& cx, const ValueType& t, uint32_t ptr) {
  auto cases = case_types(t);
  uint32_t disc_size = discriminant_size(cases.size());
  FLINT_ASSIGN(uint64_t index, load_int(cx, ptr, disc_size));
  if (index >= cases.size()) return abi_trap(ErrorCode::InvalidDiscriminant);
  uint32_t payload_align = 1;
  for (const ValueType* c : cases)
    if (c) payload_align = std::max(payload_align, alignment_of(*c));
  std::optional<ComponentValue> payload;
  if (const ValueType* c = cases[index]) {
    FLINT_ASSIGN(payload,
                 load(cx, *c, uint32_t(align_to(ptr + uint64_t(disc_size), payload_align))));
  }
  return ComponentValue::case_of(t.kind, uint32_t(index), std::move(payload));
}

Result<ComponentValue> load_fields(CallContext& cx, const ValueType& t, uint32_t ptr) {
  std::vector<ComponentValue> items;
  uint64_t at = ptr;
  for (const Field& f : t.fields) {
    if (!f.type) return mismatch();
    at = align_to(at, alignment_of(*f.type));
    FLINT_ASSIGN(ComponentValue v, load(cx, *f.type, uint32_t(at)));
    items.push_back(std::move(v));
    at += size_of(*f.type);
  }
  return ComponentValue::sequence(t.kind, std::move(items));
}

Result<ComponentValue> load_flags(CallContext& cx, const ValueType& t, uint32_t ptr) {
  size_t n = t.labels.size();
  std::vector<bool> set(n);
  uint32_t size = size_of(t);
  // Bits beyond the labels are ignored, as the spec's unpack_flags_from_int does.
  for (uint32_t byte = 0; byte < size; ++byte) {
    FLINT_ASSIGN(uint64_t b, load_int(cx, uint64_t(ptr) + byte, 1));
    for (uint32_t bit = 0; bit < 8; ++bit)
      if (size_t(byte) * 8 + bit < n) set[byte * 8 + bit] = (b >> bit) & 1;
  }
  return ComponentValue::flags(std::move(set));
}

Status store_cases(CallContext& cx, const ComponentValue& v, const ValueType& t, uint32_t ptr) {
  auto cases = case_types(t);
  const auto* c = std::get_if<ComponentValue::Case>(&v.payload);
  if (!c || c->index >= cases.size()) return mismatch();
  uint32_t disc_size = discriminant_size(cases.size());
  FLINT_TRY(store_int(cx, c->index, ptr, disc_size));
  const ValueType* payload_type = cases[c->index];
  if (!payload_type) return {};
  if (!c->payload) return mismatch();
  uint32_t payload_align = 1;
  for (const ValueType* p : cases)
    if (p) payload_align = std::max(payload_align, alignment_of(*p));
  return store(cx, *c->payload, *payload_type,
               uint32_t(align_to(ptr + uint64_t(disc_size), payload_align)));
}

Status store_fields(CallContext& cx, const ComponentValue& v, const ValueType& t, uint32_t ptr) {
  const auto* items = std::get_if<std::vector<ComponentValue>>(&v.payload);
  if (!items || items->size() != t.fields.size()) return mismatch();
  uint64_t at = ptr;
  for (size_t i = 0; i < t.fields.size(); ++i) {
    const ValueType* ft = t.fields[i].type.get();
    if (!ft) return mismatch();
    at = align_to(at, alignment_of(*ft));
    FLINT_TRY(store(cx, (*items)[i], *ft, uint32_t(at)));
    at += size_of(*ft);
  }
  return {};
}

Status store_flags(CallContext& cx, const ComponentValue& v, const ValueType& t, uint32_t ptr) {
  const auto* set = std::get_if<std::vector<bool>>(&v.payload);
  if (!set || set->size() != t.labels.size()) return mismatch();
  uint32_t size = size_of(t);
  for (uint32_t byte = 0; byte < size; ++byte) {
    uint8_t b = 0;
    for (uint32_t bit = 0; bit < 8; ++bit) {
      size_t i = size_t(byte) * 8 + bit;
      if (i < set->size() && (*set)[i]) b |= uint8_t(1u << bit);
    }
    FLINT_TRY(store_int(cx, b, uint64_t(ptr) + byte, 1));
  }
  return {};
}

// Elements one after another from `ptr` (the spec's *_valid_range forms).
Result<std::vector<ComponentValue>> load_elements(CallContext& cx, const ValueType& element,
                                                  uint32_t ptr, uint32_t length) {
  std::vector<ComponentValue> items;
  uint32_t size = size_of(element);
  for (uint32_t i = 0; i < length; ++i) {
    FLINT_ASSIGN(ComponentValue v, load(cx, element, uint32_t(ptr + uint64_t(i) * size)));
    items.push_back(std::move(v));
  }
  return items;
}

Status store_elements(CallContext& cx, const std::vector<ComponentValue>& items,
                      const ValueType& element, uint32_t ptr) {
  uint32_t size = size_of(element);
  for (size_t i = 0; i < items.size(); ++i)
    FLINT_TRY(store(cx, items[i], element, uint32_t(ptr + uint64_t(i) * size)));
  return {};
}

}  // namespace

Result<ComponentValue> load_list_from_range(CallContext& cx, const ValueType& element, uint32_t ptr,
                                            uint32_t length) {
  FLINT_TRY(check_aligned(ptr, alignment_of(element)));
  uint64_t bytes = uint64_t(length) * size_of(element);
  if (bytes == 0 && length > kMaxZeroSizeListLength) return abi_trap(ErrorCode::ListTooLong);
  auto oob = cx.fused ? ErrorCode::ListContentOutOfBounds : ErrorCode::ListOutOfBounds;
  FLINT_ASSIGN(std::span<uint8_t> range, memory_range(cx, ptr, bytes, oob));
  // Bytes are copied out at once: one allocation, not a value per byte.
  if (element.kind == TypeKind::U8)
    return ComponentValue::byte_list(std::vector<uint8_t>(range.begin(), range.end()));
  FLINT_ASSIGN(auto items, load_elements(cx, element, ptr, length));
  return ComponentValue::sequence(TypeKind::List, std::move(items));
}

Result<std::pair<uint32_t, uint32_t>> store_list_into_range(CallContext& cx,
                                                            const ComponentValue& list,
                                                            const ValueType& element) {
  const std::vector<uint8_t>* bytes = list.byte_items();
  const auto* items = std::get_if<std::vector<ComponentValue>>(&list.payload);
  if (bytes && element.kind != TypeKind::U8) return mismatch();
  if (!bytes && !items) return mismatch();
  const size_t length = bytes ? bytes->size() : items->size();
  const uint64_t size = uint64_t(length) * size_of(element);
  if (size >= (uint64_t(1) << 32) || length > UINT32_MAX) return abi_trap(ErrorCode::ListTooLong);
  uint32_t align = alignment_of(element);
  FLINT_ASSIGN(uint32_t ptr,
               checked_realloc(cx, 0, 0, align, uint32_t(size), ErrorCode::ListContentOutOfBounds));
  if (bytes) {
    FLINT_ASSIGN(std::span<uint8_t> to,
                 memory_range(cx, ptr, size, ErrorCode::ListContentOutOfBounds));
    std::copy(bytes->begin(), bytes->end(), to.begin());
  } else {
    FLINT_TRY(store_elements(cx, *items, element, ptr));
  }
  return std::make_pair(ptr, uint32_t(length));
}

Result<ComponentValue> load(CallContext& cx, const ValueType& t, uint32_t ptr) {
  switch (t.kind) {
    case TypeKind::Bool: {
      FLINT_ASSIGN(uint64_t b, load_int(cx, ptr, 1));
      return ComponentValue::boolean(b != 0);
    }
    case TypeKind::S8:
    case TypeKind::U8:
    case TypeKind::S16:
    case TypeKind::U16:
    case TypeKind::S32:
    case TypeKind::U32:
    case TypeKind::S64:
    case TypeKind::U64: {
      FLINT_ASSIGN(uint64_t bits, load_int(cx, ptr, int_width(t.kind)));
      return int_from_bits(t.kind, bits);
    }
    case TypeKind::F32: {
      FLINT_ASSIGN(uint64_t bits, load_int(cx, ptr, 4));
      return f32_from_bits(uint32_t(bits));
    }
    case TypeKind::F64: {
      FLINT_ASSIGN(uint64_t bits, load_int(cx, ptr, 8));
      return f64_from_bits(bits);
    }
    case TypeKind::Char: {
      FLINT_ASSIGN(uint64_t bits, load_int(cx, ptr, 4));
      return char_from_bits(uint32_t(bits));
    }
    case TypeKind::String: {
      FLINT_ASSIGN(uint64_t begin, load_int(cx, ptr, 4));
      FLINT_ASSIGN(uint64_t units, load_int(cx, uint64_t(ptr) + 4, 4));
      FLINT_ASSIGN(std::string s, load_string_from_range(cx, uint32_t(begin), uint32_t(units)));
      return ComponentValue::string(std::move(s));
    }
    case TypeKind::List:
    case TypeKind::Map: {
      if (!t.element) return mismatch();
      ValueType entry = t.kind == TypeKind::Map ? map_entry(t) : ValueType{};
      const ValueType& element = t.kind == TypeKind::Map ? entry : *t.element;
      if (t.length) {
        if (size_of(element) == 0 && *t.length > kMaxZeroSizeListLength)
          return abi_trap(ErrorCode::ListTooLong);
        FLINT_ASSIGN(auto items, load_elements(cx, element, ptr, *t.length));
        return ComponentValue::sequence(TypeKind::List, std::move(items));
      }
      FLINT_ASSIGN(uint64_t begin, load_int(cx, ptr, 4));
      FLINT_ASSIGN(uint64_t length, load_int(cx, uint64_t(ptr) + 4, 4));
      FLINT_ASSIGN(ComponentValue list,
                   load_list_from_range(cx, element, uint32_t(begin), uint32_t(length)));
      list.kind = t.kind;
      return list;
    }
    case TypeKind::Record:
    case TypeKind::Tuple: return load_fields(cx, t, ptr);
    case TypeKind::Variant:
    case TypeKind::Enum:
    case TypeKind::Option:
    case TypeKind::Result: return load_cases(cx, t, ptr);
    case TypeKind::Flags: return load_flags(cx, t, ptr);
    case TypeKind::Own:
    case TypeKind::Borrow: {
      FLINT_ASSIGN(uint64_t index, load_int(cx, ptr, 4));
      FLINT_ASSIGN(uint32_t rep, t.kind == TypeKind::Own
                                     ? lift_own(cx, t.resource, uint32_t(index))
                                     : lift_borrow(cx, t.resource, uint32_t(index)));
      return ComponentValue::handle(t.kind, t.resource, rep);
    }
    case TypeKind::Stream:
    case TypeKind::Future:
    case TypeKind::ErrorContext: {
      FLINT_ASSIGN(uint64_t index, load_int(cx, ptr, 4));
      if (!cx.async) return mismatch();
      return cx.async->lift(t, uint32_t(index));
    }
    default: return mismatch();
  }
}

Status store(CallContext& cx, const ComponentValue& v, const ValueType& t, uint32_t ptr) {
  if (v.kind != t.kind) return mismatch();
  switch (t.kind) {
    case TypeKind::Bool: {
      const bool* b = std::get_if<bool>(&v.payload);
      if (!b) return mismatch();
      return store_int(cx, *b ? 1 : 0, ptr, 1);
    }
    case TypeKind::S8:
    case TypeKind::U8:
    case TypeKind::S16:
    case TypeKind::U16:
    case TypeKind::S32:
    case TypeKind::U32:
    case TypeKind::S64:
    case TypeKind::U64:
      if (v.payload.index() != (is_signed(t.kind) ? 1u : 2u)) return mismatch();
      return store_int(cx, int_bits(v), ptr, int_width(t.kind));
    case TypeKind::F32: {
      const float* f = std::get_if<float>(&v.payload);
      if (!f) return mismatch();
      return store_int(cx, f32_bits(*f), ptr, 4);
    }
    case TypeKind::F64: {
      const double* f = std::get_if<double>(&v.payload);
      if (!f) return mismatch();
      return store_int(cx, f64_bits(*f), ptr, 8);
    }
    case TypeKind::Char: {
      const char32_t* c = std::get_if<char32_t>(&v.payload);
      if (!c) return mismatch();
      return store_int(cx, *c, ptr, 4);
    }
    case TypeKind::String: {
      const std::string* s = std::get_if<std::string>(&v.payload);
      if (!s) return mismatch();
      FLINT_ASSIGN(auto range, store_string_into_range(cx, *s));
      FLINT_TRY(store_int(cx, range.first, ptr, 4));
      return store_int(cx, range.second, uint64_t(ptr) + 4, 4);
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
        return store_elements(cx, items, element, ptr);
      }
      FLINT_ASSIGN(auto range, store_list_into_range(cx, v, element));
      FLINT_TRY(store_int(cx, range.first, ptr, 4));
      return store_int(cx, range.second, uint64_t(ptr) + 4, 4);
    }
    case TypeKind::Record:
    case TypeKind::Tuple: return store_fields(cx, v, t, ptr);
    case TypeKind::Variant:
    case TypeKind::Enum:
    case TypeKind::Option:
    case TypeKind::Result: return store_cases(cx, v, t, ptr);
    case TypeKind::Flags: return store_flags(cx, v, t, ptr);
    case TypeKind::Own:
    case TypeKind::Borrow: {
      const auto* h = std::get_if<component::HandleValue>(&v.payload);
      if (!h) return mismatch();
      FLINT_ASSIGN(uint32_t index, t.kind == TypeKind::Own ? lower_own(cx, t.resource, h->rep)
                                                           : lower_borrow(cx, t.resource, h->rep));
      return store_int(cx, index, ptr, 4);
    }
    case TypeKind::Stream:
    case TypeKind::Future:
    case TypeKind::ErrorContext: {
      if (!cx.async) return mismatch();
      FLINT_ASSIGN(uint32_t index, cx.async->lower(v, t));
      return store_int(cx, index, ptr, 4);
    }
    default: return mismatch();
  }
}

}  // namespace flint::canon
