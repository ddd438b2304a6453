// The four call-level operations (CanonicalABI.md, canon_lift and
// canon_lower, synchronous): flat when the values fit, spilled through
// memory when they do not.
#include "canon/call.h"

#include "canon/access.h"
#include "canon/flat.h"
#include "canon/layout.h"
#include "canon/load_store.h"

namespace flint::canon {

namespace {

Error mismatch(std::string detail) {
  return abi_trap(ErrorCode::CanonTypeMismatch, std::move(detail));
}

std::vector<const ValueType*> param_types(const FunctionType& type) {
  std::vector<const ValueType*> out;
  for (const auto& p : type.params) out.push_back(p.type.get());
  return out;
}

bool types_complete(const FunctionType& type) {
  for (const auto& p : type.params)
    if (!p.type) return false;
  return true;
}

// The pointer a core function passed or returned for spilled values: an
// i32, aligned for `type`, with room for it in memory.
Result<uint32_t> checked_pointer(CallContext& cx, const Value& v, const ValueType& type) {
  if (v.type != ValType::I32) return mismatch("pointer is not an i32");
  FLINT_TRY(check_aligned(v.i32, alignment_of(type)));
  FLINT_TRY(memory_range(cx, v.i32, size_of(type), ErrorCode::PointerOutOfBounds));
  return v.i32;
}

}  // namespace

Result<std::vector<Value>> lower_arguments(CallContext& callee, const FunctionType& type,
                                           std::span<const ComponentValue> args) {
  if (!types_complete(type) || args.size() != type.params.size())
    return mismatch("wrong number of arguments");
  for (size_t i = 0; i < args.size(); ++i)
    if (!has_type(args[i], *type.params[i].type)) return mismatch("argument " + std::to_string(i));
  std::vector<Value> out;
  if (component::params_flat_count(type) <= kMaxFlatParams) {
    for (size_t i = 0; i < args.size(); ++i)
      FLINT_TRY(lower_flat(callee, args[i], *type.params[i].type, out));
    return out;
  }
  // Spilled: the arguments as one tuple in memory from the callee's realloc.
  ValueType tuple = params_tuple(type);
  FLINT_ASSIGN(uint32_t ptr, checked_realloc(callee, 0, 0, alignment_of(tuple), size_of(tuple),
                                             ErrorCode::PointerOutOfBounds));
  ComponentValue value = ComponentValue::sequence(
      component::TypeKind::Tuple, std::vector<ComponentValue>(args.begin(), args.end()));
  FLINT_TRY(store(callee, value, tuple, ptr));
  out.push_back(Value::i32_(ptr));
  return out;
}

Result<std::optional<ComponentValue>> lift_result(CallContext& callee, const FunctionType& type,
                                                  std::span<const Value> core_results) {
  if (!type.result) {
    if (!core_results.empty()) return mismatch("results from a function without one");
    return std::optional<ComponentValue>();
  }
  if (component::flat_count(*type.result) > kMaxFlatResults) {
    if (core_results.size() != 1) return mismatch("expected one pointer result");
    FLINT_ASSIGN(uint32_t ptr, checked_pointer(callee, core_results[0], *type.result));
    FLINT_ASSIGN(ComponentValue v, load(callee, *type.result, ptr));
    return std::optional<ComponentValue>(std::move(v));
  }
  FlatReader in(core_results);
  FLINT_ASSIGN(ComponentValue v, lift_flat(callee, *type.result, in));
  if (in.consumed() != core_results.size()) return mismatch("too many core results");
  return std::optional<ComponentValue>(std::move(v));
}

Result<std::vector<ComponentValue>> lift_arguments(CallContext& caller, const FunctionType& type,
                                                   std::span<const Value> core_args,
                                                   size_t max_flat) {
  if (!types_complete(type)) return mismatch("incomplete function type");
  std::vector<ComponentValue> out;
  size_t flat_count = component::params_flat_count(type);
  if (flat_count > max_flat) {
    if (core_args.empty()) return mismatch("expected an argument pointer");
    ValueType tuple = params_tuple(type);
    FLINT_ASSIGN(uint32_t ptr, checked_pointer(caller, core_args[0], tuple));
    FLINT_ASSIGN(ComponentValue all, load(caller, tuple, ptr));
    return std::get<std::vector<ComponentValue>>(std::move(all.payload));
  }
  // A trailing return pointer (results spilled) is not ours to read here.
  FlatReader in(core_args.first(std::min(core_args.size(), flat_count)));
  for (const auto& p : type.params) {
    FLINT_ASSIGN(ComponentValue v, lift_flat(caller, *p.type, in));
    out.push_back(std::move(v));
  }
  return out;
}

Result<std::vector<Value>> lower_result(CallContext& caller, const FunctionType& type,
                                        const std::optional<ComponentValue>& result,
                                        std::span<const Value> core_args) {
  if (!type.result) {
    if (result) return mismatch("a result from a function without one");
    return std::vector<Value>();
  }
  if (!result || !has_type(*result, *type.result)) return mismatch("result");
  std::vector<Value> out;
  if (component::flat_count(*type.result) > kMaxFlatResults) {
    if (core_args.empty()) return mismatch("expected a return pointer");
    FLINT_TRY(store_result(caller, type, result, core_args.back()));
    return out;
  }
  FLINT_TRY(lower_flat(caller, *result, *type.result, out));
  return out;
}

Status store_result(CallContext& caller, const FunctionType& type,
                    const std::optional<ComponentValue>& result, const Value& ptr) {
  if (!type.result) return {};
  if (!result || !has_type(*result, *type.result)) return mismatch("result");
  FLINT_ASSIGN(uint32_t at, checked_pointer(caller, ptr, *type.result));
  return store(caller, *result, *type.result, at);
}

}  // namespace flint::canon
