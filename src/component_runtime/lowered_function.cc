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

}  // namespace

Extern lower_function(Store& store, FunctionPtr callee, CanonOptions options, std::string name) {
  const canon::CoreSignature flat = canon::flatten_function(
      callee->type(), canon::FlattenContext::Lower, {.async = options.async});
  flint::FuncType core_type;
  core_type.params = flat.params;
  core_type.results = flat.results;
  auto body = [callee = std::move(callee), options = std::move(options)](
                  Caller& caller, std::span<const Value> args, std::span<Value> results) -> Status {
    if (!options.instance->may_leave) return make_error(ErrorCode::CannotLeaveComponent);
    Store& store = caller.store();
    canon::CallScope scope;
    std::optional<StoreMemory> memory;
    canon::CallContext cx = options.context(store, scope, memory);
    cx.fused = callee->runs_in_component();
    const FunctionType& type = callee->type();
    const size_t max_flat = options.async ? canon::kMaxFlatAsyncParams : canon::kMaxFlatParams;
    FLINT_ASSIGN(std::vector<ComponentValue> values,
                 canon::lift_arguments(cx, type, args, max_flat));
    FLINT_ASSIGN(std::optional<ComponentValue> result,
                 callee->invoke(store, values, /*from_component=*/true));
    if (options.async) {
      // Every callee here finishes before it returns (host functions, and
      // lifted exports whose caller waits), so the subtask has RETURNED;
      // its result goes to the caller's pointer, however small.
      if (type.result) FLINT_TRY(canon::store_result(cx, type, result, args.back()));
      results[0] = Value::i32_(kSubtaskReturned);
      return scope.finish();
    }
    FLINT_ASSIGN(std::vector<Value> core_results, canon::lower_result(cx, type, result, args));
    for (size_t i = 0; i < core_results.size() && i < results.size(); ++i)
      results[i] = core_results[i];
    return scope.finish();
  };
  return store.host_function(std::move(core_type), std::move(body), std::move(name));
}

}  // namespace flint::component
