// canon lower, synchronous and async (CanonicalABI.md, "canon lower").
#include "component_runtime/lowered_function.h"

#include "canon/call.h"
#include "canon/layout.h"

namespace flint::component {

namespace {

/// What one lowered call keeps for as long as its callee may still start or
/// resolve: an async call's arguments are read, and its result written, by
/// the callee's task after the lower returned.
struct LoweredCall {
  Store* store = nullptr;
  std::shared_ptr<const CanonOptions> options;
  FunctionPtr callee;
  std::vector<Value> args;
  std::shared_ptr<Subtask> subtask;
  /// A synchronous lower's core results.
  std::vector<Value> results;

  Result<std::vector<ComponentValue>> on_start() {
    subtask->state = Subtask::kStarted;
    subtask->progress();
    std::optional<StoreMemory> memory;
    canon::CallContext cx = options->context(*store, subtask->lenders, memory);
    cx.fused = callee->runs_in_component();
    const size_t max_flat = options->async ? canon::kMaxFlatAsyncParams : canon::kMaxFlatParams;
    return canon::lift_arguments(cx, callee->type(), args, max_flat);
  }

  Status on_resolve(CallOutcome outcome) {
    if (outcome.cancelled) {
      subtask->state = subtask->state == Subtask::kStarting ? Subtask::kCancelledBeforeStarted
                                                            : Subtask::kCancelledBeforeReturned;
      subtask->progress();
      return {};
    }
    subtask->state = Subtask::kReturned;
    subtask->progress();
    const FunctionType& type = callee->type();
    std::optional<StoreMemory> memory;
    canon::CallScope scope;
    canon::CallContext cx = options->context(*store, scope, memory);
    cx.fused = callee->runs_in_component();
    InstanceState& inst = *options->instance;
    // Lowering may call realloc, which may not call out of the instance.
    inst.may_leave = false;
    Status status;
    if (options->async) {
      // The result goes to the caller's pointer, however small.
      if (type.result) status = canon::store_result(cx, type, outcome.result, args.back());
    } else {
      Result<std::vector<Value>> lowered = canon::lower_result(cx, type, outcome.result, args);
      if (lowered)
        results = std::move(*lowered);
      else
        status = std::move(lowered).error();
    }
    inst.may_leave = true;
    FLINT_TRY(std::move(status));
    return scope.finish();
  }
};

}  // namespace

flint::FuncType lowered_core_type(const FunctionType& type, bool async) {
  canon::CoreSignature flat =
      canon::flatten_function(type, canon::FlattenContext::Lower, {.async = async});
  flint::FuncType core;
  core.params = std::move(flat.params);
  core.results = std::move(flat.results);
  return core;
}

Extern lower_function(Store& store, FunctionPtr callee, CanonOptions options,
                      flint::FuncType core_type, std::string name) {
  auto shared_options = std::make_shared<const CanonOptions>(std::move(options));
  auto body = [callee = std::move(callee), options = std::move(shared_options)](
                  Caller& caller, std::span<const Value> args, std::span<Value> results) -> Status {
    InstanceState& inst = *options->instance;
    if (!inst.may_leave) return make_error(ErrorCode::CannotLeaveComponent);
    Store& store = caller.store();
    Scheduler& scheduler = Scheduler::of(store);
    Thread* thread = scheduler.current();
    // No thread: a start function, which runs as a synchronous task would.
    Task* task = thread ? thread->task.get() : nullptr;
    const bool may_block = task && task->may_block();
    const FunctionType& type = callee->type();
    if (!may_block && type.async && !options->async)
      return make_error(ErrorCode::CannotBlockSyncTask);

    auto call = std::make_shared<LoweredCall>();
    call->store = &store;
    call->options = options;
    call->callee = callee;
    call->args.assign(args.begin(), args.end());
    call->subtask = std::make_shared<Subtask>();
    Supertask start_function{&inst, nullptr};
    Supertask& caller_task = task ? static_cast<Supertask&>(*task) : start_function;
    std::shared_ptr<Task> callee_task;
    Status started = callee->start(
        store, caller_task, [call] { return call->on_start(); },
        [call](CallOutcome outcome) { return call->on_resolve(std::move(outcome)); }, &callee_task);
    call->subtask->callee = callee_task;
    FLINT_TRY(std::move(started));
    Subtask& subtask = *call->subtask;

    if (!options->async) {
      if (!subtask.resolved()) {
        if (!thread || !may_block) return make_error(ErrorCode::CannotBlockSyncTask);
        FLINT_TRY(
            scheduler.wait_until(*thread, [call] { return call->subtask->resolved(); }, false));
      }
      subtask.deliver_resolve();
      for (size_t i = 0; i < call->results.size() && i < results.size(); ++i)
        results[i] = call->results[i];
      return {};
    }
    if (subtask.resolved()) {
      subtask.deliver_resolve();
      results[0] = Value::i32_(Subtask::kReturned);
      return {};
    }
    canon::Handle handle;
    handle.object = call->subtask;
    FLINT_ASSIGN(uint32_t index, inst.handles.add(std::move(handle)));
    subtask.index = index;
    results[0] = Value::i32_(uint32_t(subtask.state) | (index << 4));
    return {};
  };
  return store.host_function(std::move(core_type), std::move(body), std::move(name));
}

}  // namespace flint::component
