// canon lift: synchronous, and async for a caller that waits.
#include "component_runtime/lifted_function.h"

#include <utility>

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

/// Restores the instance's previous task when an async task ends.
class TaskGuard {
 public:
  TaskGuard(InstanceState& s, AsyncTask& task) : state_(s), outer_(std::exchange(s.task, &task)) {}
  ~TaskGuard() { state_.task = outer_; }
  TaskGuard(const TaskGuard&) = delete;
  TaskGuard& operator=(const TaskGuard&) = delete;

 private:
  InstanceState& state_;
  AsyncTask* outer_;
};

/// What a callback returns (CanonicalABI.md, "canon lift", CallbackCode):
/// the low four bits; WAIT carries a waitable set index above them.
enum CallbackCode : uint32_t { kExit = 0, kYield = 1, kWait = 2, kPoll = 3 };

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
  if (options_.async) {
    FLINT_ASSIGN(std::optional<ComponentValue> result, run_task(store, instance, core_args));
    FLINT_TRY(scope.finish());
    return result;
  }
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

Result<std::optional<ComponentValue>> LiftedFunction::run_task(Store& store,
                                                               InstanceState& instance,
                                                               std::span<const Value> core_args) {
  AsyncTask task;
  task.type = &type();
  TaskGuard current(instance, task);
  FLINT_ASSIGN(std::vector<Value> code, store.call(core_, core_args));
  // The callback form returns to its event loop after every step. The
  // caller waits, and nothing else in the store runs meanwhile, so a YIELD
  // resumes at once with no event. Once the task has returned its result
  // the caller stops waiting: a task that yields on after task.return
  // would run on in a store's event loop, which is issue 14; here it is
  // not resumed. Waiting needs waitables, which the async built-ins make
  // (issue 14 too). Each step is a call from the host, so each would get
  // a fresh fuel budget: under fuel the whole loop counts as one call, one
  // unit per step, and a task that yields forever runs out.
  const std::optional<uint64_t> fuel = store.config().fuel;
  for (uint64_t steps = 0; options_.callback && !task.returned; ++steps) {
    const uint32_t c = code.at(0).i32;
    if ((c & 0xf) == kExit) break;
    if ((c & 0xf) != kYield)
      return make_error(
          ErrorCode::ComponentFeatureUnsupported,
          "a callback waiting on waitable set " + std::to_string(c >> 4) + " (issue 14)");
    if (fuel && steps >= *fuel) return make_error(ErrorCode::OutOfFuel);
    const Value no_event[] = {Value::i32_(0), Value::i32_(0), Value::i32_(0)};
    FLINT_ASSIGN(code, store.call(*options_.callback, no_event));
  }
  if (!task.returned) return make_error(ErrorCode::TaskNoResult);
  return std::move(task.result);
}

}  // namespace flint::component
