// canon lower, synchronous and async.
#include "component_runtime/lowered_function.h"

#include "canon/call.h"
#include "canon/layout.h"

namespace flint::component {

namespace {

/// A subtask's state as an async lower returns it (CanonicalABI.md,
/// Subtask.State): RETURNED, with no subtask handle, when the callee
/// finished before the lower returned.
constexpr uint32_t kSubtaskReturned = 2;

/// The core body of an async lower. Every callee here finishes before it
/// returns (host functions, and lifted exports whose caller waits), so the
/// subtask has always RETURNED; the results go to the caller's pointer.
Extern lower_async(Store& store, FunctionPtr callee, CanonOptions options,
                   flint::FuncType core_type, std::string name) {
  auto body = [callee = std::move(callee), options = std::move(options)](
                  Caller& caller, std::span<const Value> args, std::span<Value> results) -> Status {
    if (!options.instance->may_leave) return make_error(ErrorCode::CannotLeaveComponent);
    Store& store = caller.store();
    canon::CallScope scope;
    std::optional<StoreMemory> memory;
    canon::CallContext cx = options.context(store, scope, memory);
    cx.fused = callee->runs_in_component();
    FLINT_ASSIGN(std::vector<ComponentValue> values,
                 canon::lift_arguments(cx, callee->type(), args, canon::kMaxFlatAsyncParams));
    FLINT_ASSIGN(std::optional<ComponentValue> result,
                 callee->invoke(store, values, /*from_component=*/true));
    if (callee->type().result)
      FLINT_TRY(canon::store_result(cx, callee->type(), result, args.back()));
    results[0] = Value::i32_(kSubtaskReturned);
    return scope.finish();
  };
  return store.host_function(std::move(core_type), std::move(body), std::move(name));
}

}  // namespace

Extern lower_function(Store& store, FunctionPtr callee, CanonOptions options, std::string name) {
  const canon::CoreSignature flat = canon::flatten_function(
      callee->type(), canon::FlattenContext::Lower, {.async = options.async});
  flint::FuncType core_type;
  core_type.params = flat.params;
  core_type.results = flat.results;
  if (options.async)
    return lower_async(store, std::move(callee), std::move(options), std::move(core_type),
                       std::move(name));
  auto body = [callee = std::move(callee), options = std::move(options)](
                  Caller& caller, std::span<const Value> args, std::span<Value> results) -> Status {
    if (!options.instance->may_leave) return make_error(ErrorCode::CannotLeaveComponent);
    Store& store = caller.store();
    canon::CallScope scope;
    std::optional<StoreMemory> memory;
    canon::CallContext cx = options.context(store, scope, memory);
    cx.fused = callee->runs_in_component();
    FLINT_ASSIGN(std::vector<ComponentValue> values,
                 canon::lift_arguments(cx, callee->type(), args));
    FLINT_ASSIGN(std::optional<ComponentValue> result,
                 callee->invoke(store, values, /*from_component=*/true));
    FLINT_ASSIGN(std::vector<Value> core_results,
                 canon::lower_result(cx, callee->type(), result, args));
    for (size_t i = 0; i < core_results.size() && i < results.size(); ++i)
      results[i] = core_results[i];
    return scope.finish();
  };
  return store.host_function(std::move(core_type), std::move(body), std::move(name));
}

}  // namespace flint::component
