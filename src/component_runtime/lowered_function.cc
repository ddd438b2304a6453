// canon lower, synchronous.
#include "component_runtime/lowered_function.h"

#include "canon/call.h"
#include "canon/layout.h"

namespace flint::component {

Extern lower_function(Store& store, FunctionPtr callee, CanonOptions options, std::string name) {
  const canon::CoreSignature flat =
      canon::flatten_function(callee->type(), canon::FlattenContext::Lower);
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
