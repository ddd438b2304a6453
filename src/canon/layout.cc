// Layout and flattening, following CanonicalABI.md's alignment, elem_size
// and flatten_type definitions case by case.
#include "canon/layout.h"

#include <algorithm>

namespace flint::canon {

using component::Field;
using component::TypeKind;

namespace {

uint32_t max_case_alignment(const std::vector<const ValueType*>& cases) {
  uint32_t a = 1;
  for (const ValueType* c : cases)
    if (c) a = std::max(a, alignment_of(*c));
  return a;
}

uint64_t saturate(uint64_t n) { return std::min<uint64_t>(n, UINT32_MAX); }

}  // namespace

ValueType map_entry(const ValueType& t) {
  ValueType e;
  e.kind = TypeKind::Tuple;
  e.fields = {{"", t.ok}, {"", t.element}};
  return e;
}

uint32_t discriminant_size(size_t cases) {
  if (cases <= 256) return 1;
  if (cases <= 65536) return 2;
  return 4;
}

uint32_t alignment_of(const ValueType& t) {
  switch (t.kind) {
    case TypeKind::Bool:
    case TypeKind::S8:
    case TypeKind::U8: return 1;
    case TypeKind::S16:
    case TypeKind::U16: return 2;
    case TypeKind::S32:
    case TypeKind::U32:
    case TypeKind::F32:
    case TypeKind::Char:
    case TypeKind::Own:
    case TypeKind::Borrow:
    case TypeKind::ErrorContext:
    case TypeKind::Stream:
    case TypeKind::Future: return 4;
    case TypeKind::S64:
    case TypeKind::U64:
    case TypeKind::F64: return 8;
    case TypeKind::String:
    case TypeKind::Map: return 4;  // (ptr, len)
    case TypeKind::List:
      if (t.length) return t.element ? alignment_of(*t.element) : 1;
      return 4;
    case TypeKind::Record:
    case TypeKind::Tuple: {
      uint32_t a = 1;
      for (const Field& f : t.fields)
        if (f.type) a = std::max(a, alignment_of(*f.type));
      return a;
    }
    case TypeKind::Variant:
    case TypeKind::Enum:
    case TypeKind::Option:
    case TypeKind::Result: {
      auto cases = case_types(t);
      return std::max(discriminant_size(cases.size()), max_case_alignment(cases));
    }
    case TypeKind::Flags: {
      size_t n = t.labels.size();
      if (n <= 8) return 1;
      if (n <= 16) return 2;
      return 4;
    }
  }
  return 1;
}

uint32_t size_of(const ValueType& t) {
  switch (t.kind) {
    case TypeKind::Bool:
    case TypeKind::S8:
    case TypeKind::U8: return 1;
    case TypeKind::S16:
    case TypeKind::U16: return 2;
    case TypeKind::S32:
    case TypeKind::U32:
    case TypeKind::F32:
    case TypeKind::Char:
    case TypeKind::Own:
    case TypeKind::Borrow:
    case TypeKind::ErrorContext:
    case TypeKind::Stream:
    case TypeKind::Future: return 4;
    case TypeKind::S64:
    case TypeKind::U64:
    case TypeKind::F64: return 8;
    case TypeKind::String:
    case TypeKind::Map: return 8;
    case TypeKind::List:
      if (t.length)
        return uint32_t(saturate(uint64_t(t.element ? size_of(*t.element) : 0) * *t.length));
      return 8;
    case TypeKind::Record:
    case TypeKind::Tuple: {
      uint64_t s = 0;
      for (const Field& f : t.fields) {
        if (!f.type) continue;
        s = align_to(s, alignment_of(*f.type));
        s += size_of(*f.type);
      }
      return uint32_t(saturate(align_to(s, alignment_of(t))));
    }
    case TypeKind::Variant:
    case TypeKind::Enum:
    case TypeKind::Option:
    case TypeKind::Result: {
      auto cases = case_types(t);
      uint64_t s = discriminant_size(cases.size());
      s = align_to(s, max_case_alignment(cases));
      uint64_t payload = 0;
      for (const ValueType* c : cases)
        if (c) payload = std::max<uint64_t>(payload, size_of(*c));
      return uint32_t(saturate(align_to(s + payload, alignment_of(t))));
    }
    case TypeKind::Flags: {
      size_t n = t.labels.size();
      if (n == 0) return 0;
      if (n <= 8) return 1;
      if (n <= 16) return 2;
      return 4 * flags_i32_count(n);
    }
  }
  return 0;
}

ValueType params_tuple(const FunctionType& type) {
  ValueType t;
  t.kind = TypeKind::Tuple;
  for (const auto& p : type.params) t.fields.push_back({"", p.type});
  return t;
}

}  // namespace flint::canon
