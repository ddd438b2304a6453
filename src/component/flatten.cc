// Flattening, following CanonicalABI.md's flatten_type and flatten_functype
// case by case; see flatten.h.
#include "component/flatten.h"

#include <algorithm>

namespace flint::component {

namespace {

using flint::ValType;

// CanonicalABI.md's `join`: two flat types sharing a position of a variant.
ValType join(ValType a, ValType b) {
  if (a == b) return a;
  if ((a == ValType::I32 && b == ValType::F32) || (a == ValType::F32 && b == ValType::I32))
    return ValType::I32;
  return ValType::I64;
}

}  // namespace

std::vector<const ValueType*> case_types(const ValueType& t) {
  std::vector<const ValueType*> out;
  switch (t.kind) {
    case TypeKind::Variant:
      for (const Field& f : t.fields) out.push_back(f.type.get());
      break;
    case TypeKind::Enum: out.assign(t.labels.size(), nullptr); break;
    case TypeKind::Option: out = {nullptr, t.element.get()}; break;
    case TypeKind::Result: out = {t.ok.get(), t.error.get()}; break;
    default: break;
  }
  return out;
}

uint32_t flags_i32_count(size_t labels) { return uint32_t((labels + 31) / 32); }

std::vector<ValType> flatten_type(const ValueType& t) {
  switch (t.kind) {
    case TypeKind::Bool:
    case TypeKind::S8:
    case TypeKind::U8:
    case TypeKind::S16:
    case TypeKind::U16:
    case TypeKind::S32:
    case TypeKind::U32:
    case TypeKind::Char:
    case TypeKind::Own:
    case TypeKind::Borrow:
    case TypeKind::ErrorContext:
    case TypeKind::Stream:
    case TypeKind::Future: return {ValType::I32};
    case TypeKind::S64:
    case TypeKind::U64: return {ValType::I64};
    case TypeKind::F32: return {ValType::F32};
    case TypeKind::F64: return {ValType::F64};
    case TypeKind::String:
    case TypeKind::Map: return {ValType::I32, ValType::I32};
    case TypeKind::List: {
      if (!t.length) return {ValType::I32, ValType::I32};
      std::vector<ValType> out;
      if (!t.element) return out;
      auto one = flatten_type(*t.element);
      // Element by element; cap the work, since anything past
      // kMaxFlatParams spills anyway.
      for (uint32_t i = 0; i < *t.length && out.size() <= kMaxFlatParams; ++i)
        out.insert(out.end(), one.begin(), one.end());
      if (uint64_t(one.size()) * *t.length > out.size())
        out.resize(kMaxFlatParams + 2, ValType::I32);
      return out;
    }
    case TypeKind::Record:
    case TypeKind::Tuple: {
      std::vector<ValType> out;
      for (const Field& f : t.fields) {
        if (!f.type) continue;
        auto one = flatten_type(*f.type);
        out.insert(out.end(), one.begin(), one.end());
      }
      return out;
    }
    case TypeKind::Variant:
    case TypeKind::Enum:
    case TypeKind::Option:
    case TypeKind::Result: {
      std::vector<ValType> payload;
      for (const ValueType* c : case_types(t)) {
        if (!c) continue;
        auto one = flatten_type(*c);
        for (size_t i = 0; i < one.size(); ++i) {
          if (i < payload.size())
            payload[i] = join(payload[i], one[i]);
          else
            payload.push_back(one[i]);
        }
      }
      payload.insert(payload.begin(), ValType::I32);  // the discriminant
      return payload;
    }
    case TypeKind::Flags:
      return std::vector<ValType>(flags_i32_count(t.labels.size()), ValType::I32);
  }
  return {};
}

size_t flat_count(const ValueType& t) {
  switch (t.kind) {
    case TypeKind::String:
    case TypeKind::Map: return 2;
    case TypeKind::List: {
      if (!t.length) return 2;
      if (!t.element) return 0;
      uint64_t n = uint64_t(flat_count(*t.element)) * *t.length;
      // As flatten_type caps a long fixed-size list: it spills either way.
      return n > kMaxFlatParams ? kMaxFlatParams + 2 : size_t(n);
    }
    case TypeKind::Record:
    case TypeKind::Tuple: {
      size_t n = 0;
      for (const Field& f : t.fields)
        if (f.type) n += flat_count(*f.type);
      return n;
    }
    case TypeKind::Variant:
    case TypeKind::Option:
    case TypeKind::Result: {
      size_t widest = 0;
      for (const ValueType* c : case_types(t))
        if (c) widest = std::max(widest, flat_count(*c));
      return 1 + widest;  // the discriminant, then the widest case
    }
    case TypeKind::Enum: return 1;
    case TypeKind::Flags: return flags_i32_count(t.labels.size());
    default: return 1;  // every scalar and handle is one value
  }
}

size_t params_flat_count(const FunctionType& type) {
  size_t n = 0;
  for (const auto& p : type.params)
    if (p.type) n += flat_count(*p.type);
  return n;
}

std::vector<ValType> flatten_types(const std::vector<const ValueType*>& types) {
  std::vector<ValType> out;
  for (const ValueType* t : types) {
    auto one = flatten_type(*t);
    out.insert(out.end(), one.begin(), one.end());
  }
  return out;
}

CoreSignature flatten_function(const FunctionType& type, FlattenContext context, AsyncAbi abi) {
  CoreSignature sig;
  std::vector<const ValueType*> params;
  for (const auto& p : type.params)
    if (p.type) params.push_back(p.type.get());
  sig.params = flatten_types(params);
  const bool async_lower = abi.async && context == FlattenContext::Lower;
  if (sig.params.size() > (async_lower ? kMaxFlatAsyncParams : kMaxFlatParams))
    sig.params = {ValType::I32};
  if (abi.async) {
    if (context == FlattenContext::Lift) {
      if (abi.callback) sig.results = {ValType::I32};
      return sig;
    }
    if (type.result) sig.params.push_back(ValType::I32);
    sig.results = {ValType::I32};
    return sig;
  }
  if (type.result) sig.results = flatten_type(*type.result);
  if (sig.results.size() > kMaxFlatResults) {
    sig.results.clear();
    if (context == FlattenContext::Lift)
      sig.results.push_back(ValType::I32);
    else
      sig.params.push_back(ValType::I32);
  }
  return sig;
}

bool uses_memory(const ValueType& t, int depth) {
  if (depth > 100) return false;
  auto holds = [&](const ValueTypePtr& p) { return p && uses_memory(*p, depth + 1); };
  switch (t.kind) {
    case TypeKind::String:
    case TypeKind::Map: return true;
    case TypeKind::List: return !t.length || holds(t.element);
    case TypeKind::Record:
    case TypeKind::Tuple:
    case TypeKind::Variant:
      for (const Field& f : t.fields)
        if (holds(f.type)) return true;
      return false;
    case TypeKind::Option: return holds(t.element);
    case TypeKind::Result: return holds(t.ok) || holds(t.error);
    default: return false;
  }
}

}  // namespace flint::component
