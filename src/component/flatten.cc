// Flattening for validation; see flatten.h.
#include "component/flatten.h"

namespace flint::component {

namespace {

// CanonicalABI.md's `join`: two flat types sharing a position of a variant.
flint::ValType join(flint::ValType a, flint::ValType b) {
  if (a == b) return a;
  if ((a == flint::ValType::I32 && b == flint::ValType::F32) ||
      (a == flint::ValType::F32 && b == flint::ValType::I32))
    return flint::ValType::I32;
  return flint::ValType::I64;
}

void flatten_into(const ValueType& t, size_t limit, std::vector<flint::ValType>& out, int depth);

// flatten_variant: a discriminant, then each position joined over the cases.
void flatten_cases(const std::vector<const ValueType*>& cases, size_t limit,
                   std::vector<flint::ValType>& out, int depth) {
  out.push_back(flint::ValType::I32);
  std::vector<flint::ValType> joined;
  for (const ValueType* c : cases) {
    if (!c) continue;
    std::vector<flint::ValType> flat;
    flatten_into(*c, limit, flat, depth + 1);
    for (size_t i = 0; i < flat.size(); ++i) {
      if (i < joined.size())
        joined[i] = join(joined[i], flat[i]);
      else
        joined.push_back(flat[i]);
    }
  }
  out.insert(out.end(), joined.begin(), joined.end());
}

void flatten_into(const ValueType& t, size_t limit, std::vector<flint::ValType>& out, int depth) {
  // Past the limit (or absurdly deep) the exact types no longer matter.
  if (out.size() > limit || depth > 100) {
    out.push_back(flint::ValType::I32);
    return;
  }
  switch (t.kind) {
    case TypeKind::S64:
    case TypeKind::U64: out.push_back(flint::ValType::I64); return;
    case TypeKind::F32: out.push_back(flint::ValType::F32); return;
    case TypeKind::F64: out.push_back(flint::ValType::F64); return;
    case TypeKind::String:
    case TypeKind::Map: out.insert(out.end(), {flint::ValType::I32, flint::ValType::I32}); return;
    case TypeKind::List:
      if (!t.length) {
        out.insert(out.end(), {flint::ValType::I32, flint::ValType::I32});
        return;
      }
      for (uint32_t i = 0; i < *t.length && out.size() <= limit; ++i)
        if (t.element) flatten_into(*t.element, limit, out, depth + 1);
      return;
    case TypeKind::Record:
    case TypeKind::Tuple:
      for (const Field& f : t.fields)
        if (f.type) flatten_into(*f.type, limit, out, depth + 1);
      return;
    case TypeKind::Variant: {
      std::vector<const ValueType*> cases;
      for (const Field& f : t.fields) cases.push_back(f.type.get());
      flatten_cases(cases, limit, out, depth);
      return;
    }
    case TypeKind::Option: flatten_cases({nullptr, t.element.get()}, limit, out, depth); return;
    case TypeKind::Result: flatten_cases({t.ok.get(), t.error.get()}, limit, out, depth); return;
    default:
      out.push_back(flint::ValType::I32);
      return;  // i32-sized scalars, handles, enums, flags
  }
}

}  // namespace

std::vector<flint::ValType> flatten_value(const ValueType& t, size_t limit) {
  std::vector<flint::ValType> out;
  flatten_into(t, limit, out, 0);
  return out;
}

flint::FuncType flatten_function(const FunctionType& f, bool lift) {
  flint::FuncType core;
  for (const Param& p : f.params) {
    if (!p.type) continue;
    std::vector<flint::ValType> flat = flatten_value(*p.type, kMaxFlatParams);
    core.params.insert(core.params.end(), flat.begin(), flat.end());
    if (core.params.size() > kMaxFlatParams) break;
  }
  if (core.params.size() > kMaxFlatParams) core.params = {flint::ValType::I32};
  if (f.result) core.results = flatten_value(*f.result, kMaxFlatResults);
  if (core.results.size() > kMaxFlatResults) {
    if (lift) {
      core.results = {flint::ValType::I32};
    } else {
      core.params.push_back(flint::ValType::I32);
      core.results.clear();
    }
  }
  return core;
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
