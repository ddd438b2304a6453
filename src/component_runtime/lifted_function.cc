// canon lift (CanonicalABI.md, "canon lift"): each call is a task.
#include "component_runtime/lifted_function.h"

#include <utility>

#include "canon/call.h"

namespace flint::component {

namespace {

/// What a callback returns (CanonicalABI.md, CallbackCode): the low four
/// bits; WAIT carries a waitable set index above them.
enum CallbackCode : uint32_t { kExit = 0, kYield = 1, kWait = 2, kMaxCode = 2 };

InstanceState* root_of(InstanceState* inst) {
  while (inst && inst->parent) inst = inst->parent.get();
  return inst;
}

/// The spec's call_might_be_recursive: a call between an instance and one
/// of its ancestors or descendants (or itself) might reenter it; from the
/// host, so might one into an instance sharing an ancestor with any task on
/// the host's caller chain.
bool might_be_recursive(const Supertask& caller, InstanceState* callee) {
  if (caller.inst)
    return caller.inst->is_reflexive_ancestor_of(callee) ||
           callee->is_reflexive_ancestor_of(caller.inst);
  for (const Supertask* s = &caller; s; s = s->supertask)
    if (s->inst && root_of(s->inst) == root_of(callee)) return true;
  return false;
}

/// The callback form's loop after the core function's first return.
Status run_callback_loop(Store& store, Scheduler& scheduler, Thread& thread, const Task& task,
                         const CanonOptions& opts, uint32_t packed) {
  InstanceState& inst = *task.inst;
  for (;;) {
    const uint32_t code = packed & 0xf;
    const uint32_t set_index = packed >> 4;
    if (code > kMaxCode) return make_error(ErrorCode::ComponentTrap, "unsupported callback code");
    if (code == kExit) return {};
    // Others may enter the instance while this task waits.
    inst.exclusive = nullptr;
    Waitable::Event event;
    auto not_exclusive = [&inst] { return inst.exclusive == nullptr; };
    if (code == kYield) {
      FLINT_ASSIGN(Cancelled c, scheduler.yield_until(thread, not_exclusive, true));
      event = c == Cancelled::Yes ? Waitable::Event{kEventTaskCancelled, 0, 0} : Waitable::Event{};
    } else {
      if (!task.may_block()) return make_error(ErrorCode::CannotBlockSyncTask);
      FLINT_ASSIGN(canon::Handle * h, inst.handles.get(set_index));
      auto* set = dynamic_cast<WaitableSet*>(h->object.get());
      if (!set) return make_error(ErrorCode::ComponentTrap, "handle is not a waitable set");
      FLINT_ASSIGN(event, scheduler.wait_for_event(thread, *set, not_exclusive, true));
    }
    inst.exclusive = const_cast<Task*>(&task);
    const Value args[] = {Value::i32_(event.code), Value::i32_(event.index),
                          Value::i32_(event.payload)};
    FLINT_ASSIGN(std::vector<Value> next, store.call(*opts.callback, args));
    packed = next.at(0).i32;
  }
}

}  // namespace

Status ComponentFunction::start(Store& store, Supertask&, OnStart on_start, OnResolve on_resolve,
                                std::shared_ptr<Task>*) {
  FLINT_ASSIGN(std::vector<ComponentValue> args, on_start());
  FLINT_ASSIGN(std::optional<ComponentValue> result, invoke(store, args, /*from_component=*/true));
  return on_resolve(CallOutcome{false, std::move(result)});
}

Result<std::optional<ComponentValue>> LiftedFunction::invoke(Store& store,
                                                             std::span<const ComponentValue> args,
                                                             bool from_component) {
  Scheduler& scheduler = Scheduler::of(store);
  // Shared with the callbacks: a task that outlives this call (a trap
  // ended the loop) must not write into a returned frame.
  struct HostCall {
    std::vector<ComponentValue> args;
    CallOutcome outcome;
    bool resolved = false;
  };
  auto call = std::make_shared<HostCall>();
  call->args.assign(args.begin(), args.end());
  Thread* current = scheduler.current();
  if (!current) begin_host_call(store);
  Supertask host{nullptr, current ? current->task.get() : nullptr};
  FLINT_TRY(begin(
      store, host, [call] { return Result<std::vector<ComponentValue>>(std::move(call->args)); },
      [call](CallOutcome outcome) -> Status {
        call->outcome = std::move(outcome);
        call->resolved = true;
        return {};
      },
      nullptr, from_component));
  if (!call->resolved) FLINT_TRY(scheduler.run_until([call] { return call->resolved; }));
  return std::move(call->outcome.result);
}

Status LiftedFunction::start(Store& store, Supertask& caller, OnStart on_start,
                             OnResolve on_resolve, std::shared_ptr<Task>* task) {
  return begin(store, caller, std::move(on_start), std::move(on_resolve), task,
               /*from_component=*/true);
}

Status LiftedFunction::begin(Store& store, Supertask& caller, OnStart on_start,
                             OnResolve on_resolve, std::shared_ptr<Task>* task_out,
                             bool from_component) {
  InstanceState* inst = options_->instance.get();
  if (inst->poisoned || might_be_recursive(caller, inst))
    return make_error(ErrorCode::CannotEnterComponent);
  auto task = std::make_shared<Task>();
  task->inst = inst;
  task->supertask = nullptr;  // only the recursion check above reads the chain
  task->opts = options_;
  task->type = &type();
  task->on_resolve = std::move(on_resolve);
  if (task_out) *task_out = task;
  Scheduler& scheduler = Scheduler::of(store);
  auto run = [&store, &scheduler, core = core_, opts = options_, type = type_ptr(),
              on_start = std::move(on_start), from_component](Thread& thread) -> Status {
    Task& task = *thread.task;
    FLINT_ASSIGN(bool entered, task.enter(thread));
    if (!entered) return {};
    InstanceState& inst = *task.inst;
    std::optional<StoreMemory> memory;
    canon::CallContext cx = opts->context(store, task.borrows, memory);
    cx.fused = from_component;
    FLINT_ASSIGN(std::vector<ComponentValue> args, on_start());
    // Lowering may call realloc, which may not call out of the instance.
    inst.may_leave = false;
    Result<std::vector<Value>> core_args = canon::lower_arguments(cx, *type, args);
    inst.may_leave = true;
    if (!core_args) return std::move(core_args).error();

    if (!opts->async) {
      FLINT_ASSIGN(std::vector<Value> core_results, store.call(core, *core_args));
      FLINT_ASSIGN(std::optional<ComponentValue> result,
                   canon::lift_result(cx, *type, core_results));
      FLINT_TRY(task.return_(std::move(result)));
      if (opts->post_return) {
        // The result is lifted (copied out) before post-return may free it;
        // the instance may not call out while it cleans up.
        inst.may_leave = false;
        auto done = store.call(*opts->post_return, core_results);
        inst.may_leave = true;
        if (!done) return std::move(done).error();
      }
      return task.exit(thread);
    }
    FLINT_ASSIGN(std::vector<Value> first, store.call(core, *core_args));
    if (opts->callback)
      FLINT_TRY(run_callback_loop(store, scheduler, thread, task, *opts, first.at(0).i32));
    return task.exit(thread);
  };
  auto body = [run = std::move(run), inst](Thread& thread) -> Status {
    Status status = run(thread);
    if (!status) inst->poisoned = true;
    return status;
  };
  return scheduler.spawn(std::move(task), std::move(body));
}

}  // namespace flint::component
