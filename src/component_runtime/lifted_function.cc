// canon lift, synchronous.
#include "component_runtime/lifted_function.h"

#include "canon/call.h"

namespace flint::component {

namespace {

/// Marks an instance as running for the length of a call.
class EnteredGuard {
 public:
  explicit EnteredGuard(InstanceState& s) : state_(s) { state_.entered = true; }
  ~EnteredGuard() { state_.entered = false; }
  EnteredGuard(const EnteredGuard&) = delete;
  EnteredGuard& operator=(const EnteredGuard&) = delete;

 private:
  InstanceState& state_;
};

}  // namespace

Result<std::optional<ComponentValue>> LiftedFunction::invoke(Store& store,
                                                             std::span<const ComponentValue> args,
                                                             bool from_component) {
  InstanceState& instance = *options_.instance;
  if (instance.entered) return make_error(ErrorCode::CannotEnterComponent);
  EnteredGuard entered(instance);
  instance.context = {};  // a new task
  canon::CallScope scope;
  std::optional<StoreMemory> memory;
  canon::CallContext cx = options_.context(store, scope, memory);
  cx.fused = from_component;

  FLINT_ASSIGN(std::vector<Value> core_args, canon::lower_arguments(cx, type(), args));
  FLINT_ASSIGN(std::vector<Value> core_results, store.call(core_, core_args));
  FLINT_ASSIGN(std::optional<ComponentValue> result, canon::lift_result(cx, type(), core_results));
  if (options_.post_return) {
    // The result is lifted (copied out) before post-return may free it; the
    // instance may not call out while it cleans up.
    instance.may_leave = false;
    auto done = store.call(*options_.post_return, core_results);
    instance.may_leave = true;
    if (!done) return std::move(done).error();
  }
  FLINT_TRY(scope.finish());
  return result;
}

}  // namespace flint::component
