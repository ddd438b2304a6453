#include "component_runtime/async_builtins.h"

#include <cstring>
#include <utility>

#include "canon/strings.h"
#include "component/builtin_signature.h"
#include "component_runtime/streams.h"
#include "component_runtime/task.h"
#include "runtime/objects.h"

namespace flint::component {

namespace {

/// A subtask.cancel or copy that has not finished yet (CanonicalABI.md, BLOCKED).
constexpr uint32_t kBlocked = 0xffffffff;

Error trap(std::string words) { return make_error(ErrorCode::ComponentTrap, std::move(words)); }

/// `r` without its value.
template <typename T>
Status without_value(Result<T> r) {
  if (!r) return std::move(r).error();
  return {};
}

/// The table object at `index` of the calling instance, as a `T`.
template <typename T>
Result<T*> object_at(InstanceState& inst, uint32_t index, const char* what) {
  FLINT_ASSIGN(canon::Handle * h, inst.handles.get(index));
  auto* object = dynamic_cast<T*>(h->object.get());
  if (!object)
    return trap(std::string("handle index ") + std::to_string(index) + " is not " + what);
  return object;
}

/// Takes the table object at `index` out, as a `T` (a trap, leaving the
/// table as it was, when it is something else).
template <typename T>
Result<std::shared_ptr<T>> remove_object(InstanceState& inst, uint32_t index, const char* what) {
  FLINT_TRY(object_at<T>(inst, index, what));
  FLINT_ASSIGN(canon::Handle h, inst.handles.remove(index));
  return std::static_pointer_cast<T>(std::move(h.object));
}

/// The thread running the calling core code: every built-in here acts on
/// its task.
Result<Thread*> current_thread(Store& store) {
  Thread* thread = Scheduler::of(store).current();
  if (!thread) return trap("no task is running");
  return thread;
}

/// The thread running the calling core code when it may block; a start
/// function (no thread) runs as a synchronous task would, which may not.
Result<Thread*> blocking_thread(Store& store) {
  Thread* thread = Scheduler::of(store).current();
  if (!thread || !thread->task->may_block()) return make_error(ErrorCode::CannotBlockSyncTask);
  return thread;
}

/// Writes an event's two payload words at `ptr` and returns its code.
Status write_event(Store& store, Extern memory, uint32_t ptr, const Waitable::Event& e) {
  std::span<uint8_t> bytes = store.memory_data(memory);
  if (ptr % 4 != 0) return trap("unaligned pointer");
  if (uint64_t(ptr) + 8 > bytes.size()) return trap("pointer out of bounds");
  std::memcpy(bytes.data() + ptr, &e.index, 4);
  std::memcpy(bytes.data() + ptr + 4, &e.payload, 4);
  return {};
}

using Body =
    std::function<Status(Store&, InstanceState&, std::span<const Value>, std::span<Value>)>;

/// The thread at `index` of the calling instance, which must be suspended
/// (`fiber_only`: and on a fiber of its own, so the loop can resume it).
Result<Thread*> suspended_thread(InstanceState& inst, uint32_t index, bool fiber_only) {
  if (index == 0 || index >= inst.threads.size() || !inst.threads[index])
    return trap("unknown thread index " + std::to_string(index));
  Thread* t = inst.threads[index];
  if (!t->suspended() || (fiber_only && !t->fiber))
    return trap("thread " + std::to_string(index) + " is not suspended");
  return t;
}

/// What kind of channel a built-in works on.
struct ChannelOp {
  ValueTypePtr type;  ///< the stream or future type
  bool future = false;
  bool readable = false;  ///< the end it takes: readable (read, cancel-read, drop-readable)

  const ValueTypePtr& element() const { return type->element; }
  const char* noun() const { return future ? "future" : "stream"; }
};

/// The end at `index`: of the built-in's kind, direction and element type.
Result<ChannelEnd*> end_at(InstanceState& inst, uint32_t index, const ChannelOp& op) {
  FLINT_ASSIGN(canon::Handle * h, inst.handles.get(index));
  auto* e = dynamic_cast<ChannelEnd*>(h->object.get());
  if (!e || e->readable() != op.readable || e->shared()->future() != op.future)
    return trap(std::string("handle index ") + std::to_string(index) + " is not a " +
                (op.readable ? "readable " : "writable ") + op.noun() + " end");
  const ValueTypePtr& have = e->shared()->element();
  if (!have != !op.element() || (have && !equal(*have, *op.element())))
    return trap(std::string(op.noun()) + " used with the wrong type");
  return e;
}

/// The spec's stream_copy and future_copy.
Status copy(Store& store, InstanceState& inst, const ChannelOp& op,
            const std::shared_ptr<const CanonOptions>& opts, uint32_t index, uint32_t ptr,
            uint32_t length, std::span<Value> results) {
  Thread* thread = nullptr;
  if (!opts->async) {
    FLINT_ASSIGN(thread, blocking_thread(store));
  }
  FLINT_ASSIGN(ChannelEnd * e, end_at(inst, index, op));
  if (e->state == CopyState::Done) {
    if (op.future)
      return trap(op.readable ? "cannot read from future after previous read succeeded"
                              : "cannot write to future after previous write succeeded or "
                                "readable end dropped");
    return trap(op.readable
                    ? "cannot read from stream after being notified that the writable end dropped"
                    : "cannot write to stream after being notified that the readable end dropped");
  }
  if (e->state != CopyState::Idle) return trap(std::string(op.noun()) + " is busy");
  if (!opts->async && e->set())
    return trap("waitable cannot be used synchronously while added to a waitable set");
  FLINT_ASSIGN(e->buffer, GuestBuffer::make(store, *opts, op.element(), ptr, length));
  const uint32_t code = op.future ? (op.readable ? kEventFutureRead : kEventFutureWrite)
                                  : (op.readable ? kEventStreamRead : kEventStreamWrite);
  const bool future = op.future;
  // The event a finished copy reports: the result, and for a stream the
  // number of elements copied above it.
  auto event = [e, index, code, future](CopyResult result, std::function<void()> reclaim) {
    return [e, index, code, future, result, reclaim = std::move(reclaim)] {
      if (reclaim) reclaim();
      const bool done =
          result == CopyResult::Dropped || (future && result == CopyResult::Completed);
      e->state = done ? CopyState::Done : CopyState::Idle;
      const uint32_t progress = e->buffer ? e->buffer->progress() : 0;
      e->buffer.reset();
      const uint32_t payload = future ? uint32_t(result) : uint32_t(result) | (progress << 4);
      return Waitable::Event{code, index, payload};
    };
  };
  OnCopy on_copy = [e, event](std::function<void()> reclaim) {
    e->set_pending_event(event(CopyResult::Completed, std::move(reclaim)));
  };
  OnCopyDone on_done = [e, event](CopyResult result) {
    e->set_pending_event(event(result, nullptr));
  };
  FLINT_TRY(e->shared()->copy(op.readable, *e->buffer, std::move(on_copy), std::move(on_done)));
  if (!e->has_pending_event()) {
    if (opts->async) {
      e->state = CopyState::AsyncCopying;
      results[0] = Value::i32_(kBlocked);
      return {};
    }
    e->state = CopyState::SyncCopying;
    FLINT_TRY(
        Scheduler::of(store).wait_until(*thread, [e] { return e->has_pending_event(); }, false));
  }
  results[0] = Value::i32_(e->take_pending_event().payload);
  return {};
}

/// The spec's cancel_copy.
Status cancel_copy(Store& store, InstanceState& inst, const ChannelOp& op, bool async,
                   uint32_t index, std::span<Value> results) {
  Thread* thread = nullptr;
  if (!async) {
    FLINT_ASSIGN(thread, blocking_thread(store));
  }
  FLINT_ASSIGN(ChannelEnd * e, end_at(inst, index, op));
  if (!async && e->set())
    return trap("waitable cannot be used synchronously while added to a waitable set");
  if (e->state != CopyState::AsyncCopying)
    return trap(std::string("no ") + op.noun() + " copy is in progress to cancel");
  e->state = CopyState::CancellingCopy;
  if (!e->has_pending_event()) {
    e->shared()->cancel();
    if (!e->has_pending_event()) {
      if (async) {
        results[0] = Value::i32_(kBlocked);
        return {};
      }
      FLINT_TRY(
          Scheduler::of(store).wait_until(*thread, [e] { return e->has_pending_event(); }, false));
    }
  }
  uint32_t payload = e->take_pending_event().payload;
  // A stream copy that moved elements before it was cancelled reports
  // CANCELLED with their count, as wasmtime does: the copy did not finish.
  if (!op.future && (payload & 0xf) == uint32_t(CopyResult::Completed))
    payload = (payload & ~0xfu) | uint32_t(CopyResult::Cancelled);
  results[0] = Value::i32_(payload);
  return {};
}

/// The spec's drop of a stream or future end.
Status drop_end(InstanceState& inst, const ChannelOp& op, uint32_t index) {
  FLINT_ASSIGN(ChannelEnd * e, end_at(inst, index, op));
  if (e->copying()) return trap(std::string("cannot drop busy ") + op.noun());
  if (op.future && !op.readable && e->state != CopyState::Done)
    return trap("cannot drop future write end without first writing a value");
  FLINT_ASSIGN(canon::Handle h, inst.handles.remove(index));
  static_cast<ChannelEnd*>(h.object.get())->shared()->drop();
  return {};
}

}  // namespace

std::optional<Extern> make_async_builtin(Store& store, const Canon& c, AsyncBuiltinInputs in) {
  std::optional<flint::FuncType> sig = builtin_signature(c.kind);
  if (!sig) return std::nullopt;
  const bool flag = c.flag;
  Body body;
  switch (c.kind) {
    case CanonKind::TaskCancel:
      body = [](Store& store, InstanceState&, auto, auto) -> Status {
        FLINT_ASSIGN(Thread * thread, current_thread(store));
        Task& task = *thread->task;
        if (!task.opts->async) return trap("`task.cancel` called by a synchronous task");
        return task.cancel();
      };
      break;
    case CanonKind::ThreadYield:
      body = [flag](Store& store, InstanceState&, auto, std::span<Value> results) -> Status {
        // Without a thread (a start function) there is nothing to yield to.
        Thread* thread = Scheduler::of(store).current();
        Cancelled c = Cancelled::No;
        if (thread) {
          FLINT_ASSIGN(c, Scheduler::of(store).yield_until(*thread, [] { return true; }, flag));
        }
        results[0] = Value::i32_(uint32_t(c));
        return {};
      };
      break;
    case CanonKind::WaitableSetNew:
      body = [](Store&, InstanceState& inst, auto, std::span<Value> results) -> Status {
        canon::Handle h;
        h.object = std::make_shared<WaitableSet>();
        FLINT_ASSIGN(uint32_t index, inst.handles.add(std::move(h)));
        results[0] = Value::i32_(index);
        return {};
      };
      break;
    case CanonKind::WaitableSetWait:
    case CanonKind::WaitableSetPoll: {
      const bool wait = c.kind == CanonKind::WaitableSetWait;
      body = [wait, flag, memory = *in.memory](Store& store, InstanceState& inst,
                                               std::span<const Value> args,
                                               std::span<Value> results) -> Status {
        Thread* thread = Scheduler::of(store).current();
        if (wait) {
          FLINT_ASSIGN(thread, blocking_thread(store));
        }
        FLINT_ASSIGN(WaitableSet * set,
                     object_at<WaitableSet>(inst, args[0].i32, "a waitable set"));
        Waitable::Event event;
        if (wait) {
          FLINT_ASSIGN(
              event, Scheduler::of(store).wait_for_event(*thread, *set, [] { return true; }, flag));
        } else if (thread && thread->task->deliver_pending_cancel(flag)) {
          event = {kEventTaskCancelled, 0, 0};
        } else if (set->has_pending_event()) {
          event = set->take_pending_event();
        }
        FLINT_TRY(write_event(store, memory, args[1].i32, event));
        results[0] = Value::i32_(event.code);
        return {};
      };
      break;
    }
    case CanonKind::WaitableSetDrop:
      body = [](Store&, InstanceState& inst, std::span<const Value> args, auto) -> Status {
        FLINT_ASSIGN(WaitableSet * set,
                     object_at<WaitableSet>(inst, args[0].i32, "a waitable set"));
        if (set->num_waiting > 0) return trap("cannot drop waitable set with waiters");
        if (!set->members.empty()) return trap("cannot drop waitable set with members");
        return without_value(inst.handles.remove(args[0].i32));
      };
      break;
    case CanonKind::WaitableJoin:
      body = [](Store&, InstanceState& inst, std::span<const Value> args, auto) -> Status {
        FLINT_ASSIGN(Waitable * w, object_at<Waitable>(inst, args[0].i32, "a waitable"));
        if (args[1].i32 == 0) {
          w->join(nullptr);
          return {};
        }
        FLINT_ASSIGN(WaitableSet * set,
                     object_at<WaitableSet>(inst, args[1].i32, "a waitable set"));
        w->join(set);
        return {};
      };
      break;
    case CanonKind::SubtaskDrop:
      body = [](Store&, InstanceState& inst, std::span<const Value> args, auto) -> Status {
        FLINT_ASSIGN(Subtask * s, object_at<Subtask>(inst, args[0].i32, "a subtask"));
        if (!s->resolve_delivered) return trap("cannot drop a subtask which has not yet resolved");
        return without_value(inst.handles.remove(args[0].i32));
      };
      break;
    case CanonKind::SubtaskCancel:
      body = [async = flag](Store& store, InstanceState& inst, std::span<const Value> args,
                            std::span<Value> results) -> Status {
        Thread* thread = nullptr;
        if (!async) {
          FLINT_ASSIGN(thread, blocking_thread(store));
        }
        FLINT_ASSIGN(Subtask * s, object_at<Subtask>(inst, args[0].i32, "a subtask"));
        if (!async && s->set())
          return trap("waitable cannot be used synchronously while added to a waitable set");
        if (s->resolve_delivered) return trap("subtask has already resolved");
        if (s->cancellation_requested) return trap("subtask cancellation already requested");
        if (!s->resolved()) {
          s->cancellation_requested = true;
          if (std::shared_ptr<Task> callee = s->callee.lock())
            FLINT_TRY(callee->request_cancellation());
          if (!s->resolved()) {
            if (async) {
              results[0] = Value::i32_(kBlocked);
              return {};
            }
            FLINT_TRY(
                Scheduler::of(store).wait_until(*thread, [s] { return s->resolved(); }, false));
          }
        }
        if (s->has_pending_event()) s->take_pending_event();
        s->deliver_resolve();
        results[0] = Value::i32_(uint32_t(s->state));
        return {};
      };
      break;
    case CanonKind::ErrorContextNew:
      body = [opts = std::make_shared<const CanonOptions>(std::move(in.options))](
                 Store& store, InstanceState& inst, std::span<const Value> args,
                 std::span<Value> results) -> Status {
        canon::CallScope scope;
        std::optional<StoreMemory> memory;
        canon::CallContext cx = opts->context(store, scope, memory);
        FLINT_ASSIGN(std::string message,
                     canon::load_string_from_range(cx, args[0].i32, args[1].i32));
        canon::Handle h;
        h.object = std::make_shared<ErrorContext>(std::move(message));
        FLINT_ASSIGN(uint32_t index, inst.handles.add(std::move(h)));
        results[0] = Value::i32_(index);
        return {};
      };
      break;
    case CanonKind::ErrorContextDebugMessage:
      body = [opts = std::make_shared<const CanonOptions>(std::move(in.options))](
                 Store& store, InstanceState& inst, std::span<const Value> args, auto) -> Status {
        FLINT_ASSIGN(ErrorContext * e,
                     object_at<ErrorContext>(inst, args[0].i32, "an error context"));
        canon::CallScope scope;
        std::optional<StoreMemory> memory;
        canon::CallContext cx = opts->context(store, scope, memory);
        FLINT_ASSIGN(auto range, canon::store_string_into_range(cx, e->debug_message));
        std::span<uint8_t> bytes = cx.memory->bytes();
        const uint32_t ptr = args[1].i32;
        if (ptr % 4 != 0 || uint64_t(ptr) + 8 > bytes.size()) return trap("pointer out of bounds");
        std::memcpy(bytes.data() + ptr, &range.first, 4);
        std::memcpy(bytes.data() + ptr + 4, &range.second, 4);
        return {};
      };
      break;
    case CanonKind::ErrorContextDrop:
      body = [](Store&, InstanceState& inst, std::span<const Value> args, auto) -> Status {
        return without_value(remove_object<ErrorContext>(inst, args[0].i32, "an error context"));
      };
      break;
    case CanonKind::ThreadIndex:
      body = [](Store& store, InstanceState&, auto, std::span<Value> results) -> Status {
        FLINT_ASSIGN(Thread * thread, current_thread(store));
        results[0] = Value::i32_(thread->index);
        return {};
      };
      break;
    case CanonKind::ThreadNewIndirect:
      body = [table = *in.table](Store& store, InstanceState&, std::span<const Value> args,
                                 std::span<Value> results) -> Status {
        FLINT_ASSIGN(Thread * thread, current_thread(store));
        const auto& elements = table.table->elements;
        const uint32_t fi = args[0].i32;
        if (fi >= elements.size() || !elements[fi])
          return trap("thread start function " + std::to_string(fi) + " is not in the table");
        Extern start;
        start.kind = ExternKind::Func;
        start.func = static_cast<FuncInst*>(elements[fi]);
        const flint::FuncType& t = start.func->type;
        if (t.params.size() != 1 || !t.results.empty())
          return trap("thread start function has the wrong type");
        const Value arg = t.params[0] == flint::ValType::I64 ? Value::i64_(args[1].i32)
                                                             : Value::i32_(args[1].i32);
        std::shared_ptr<Task> task = thread->task;
        Thread& made = Scheduler::of(store).make_suspended_thread(
            task, [&store, start, arg](Thread& self) -> Status {
              const Value call_args[] = {arg};
              FLINT_TRY(store.call(start, call_args));
              return self.task->unregister_thread(self);
            });
        task->register_thread(made);
        results[0] = Value::i32_(made.index);
        return {};
      };
      break;
    case CanonKind::ThreadSuspend:
      body = [flag](Store& store, InstanceState&, auto, std::span<Value> results) -> Status {
        FLINT_ASSIGN(Thread * thread, blocking_thread(store));
        FLINT_ASSIGN(Cancelled c, Scheduler::of(store).suspend_thread(*thread, flag));
        results[0] = Value::i32_(uint32_t(c));
        return {};
      };
      break;
    case CanonKind::ThreadSuspendThenResume:
    case CanonKind::ThreadYieldThenResume: {
      const bool stay_ready = c.kind == CanonKind::ThreadYieldThenResume;
      body = [flag, stay_ready](Store& store, InstanceState& inst, std::span<const Value> args,
                                std::span<Value> results) -> Status {
        FLINT_ASSIGN(Thread * thread, current_thread(store));
        FLINT_ASSIGN(Thread * other, suspended_thread(inst, args[0].i32, false));
        FLINT_ASSIGN(Cancelled c,
                     Scheduler::of(store).switch_to(*thread, *other, flag, stay_ready));
        results[0] = Value::i32_(uint32_t(c));
        return {};
      };
      break;
    }
    case CanonKind::ThreadResumeLater:
      body = [](Store& store, InstanceState& inst, std::span<const Value> args, auto) -> Status {
        FLINT_ASSIGN(Thread * other, suspended_thread(inst, args[0].i32, true));
        Scheduler::of(store).resume_later(*other);
        return {};
      };
      break;
    case CanonKind::StreamNew:
    case CanonKind::FutureNew: {
      const bool future = c.kind == CanonKind::FutureNew;
      body = [element = in.channel->element, future](Store&, InstanceState& inst, auto,
                                                     std::span<Value> results) -> Status {
        auto shared = std::make_shared<SharedChannel>(element, future);
        canon::Handle readable, writable;
        readable.object = std::make_shared<ChannelEnd>(shared, true);
        writable.object = std::make_shared<ChannelEnd>(shared, false);
        FLINT_ASSIGN(uint32_t r, inst.handles.add(std::move(readable)));
        FLINT_ASSIGN(uint32_t w, inst.handles.add(std::move(writable)));
        results[0] = Value::i64_(uint64_t(r) | (uint64_t(w) << 32));
        return {};
      };
      break;
    }
    case CanonKind::StreamRead:
    case CanonKind::StreamWrite:
    case CanonKind::FutureRead:
    case CanonKind::FutureWrite: {
      ChannelOp op{in.channel, c.kind == CanonKind::FutureRead || c.kind == CanonKind::FutureWrite,
                   c.kind == CanonKind::StreamRead || c.kind == CanonKind::FutureRead};
      body = [op, opts = std::make_shared<const CanonOptions>(std::move(in.options))](
                 Store& store, InstanceState& inst, std::span<const Value> args,
                 std::span<Value> results) -> Status {
        const uint32_t length = op.future ? 1 : args[2].i32;
        return copy(store, inst, op, opts, args[0].i32, args[1].i32, length, results);
      };
      break;
    }
    case CanonKind::StreamCancelRead:
    case CanonKind::StreamCancelWrite:
    case CanonKind::FutureCancelRead:
    case CanonKind::FutureCancelWrite: {
      ChannelOp op{in.channel,
                   c.kind == CanonKind::FutureCancelRead || c.kind == CanonKind::FutureCancelWrite,
                   c.kind == CanonKind::StreamCancelRead || c.kind == CanonKind::FutureCancelRead};
      body = [op, async = flag](Store& store, InstanceState& inst, std::span<const Value> args,
                                std::span<Value> results) -> Status {
        return cancel_copy(store, inst, op, async, args[0].i32, results);
      };
      break;
    }
    case CanonKind::StreamDropReadable:
    case CanonKind::StreamDropWritable:
    case CanonKind::FutureDropReadable:
    case CanonKind::FutureDropWritable: {
      ChannelOp op{
          in.channel,
          c.kind == CanonKind::FutureDropReadable || c.kind == CanonKind::FutureDropWritable,
          c.kind == CanonKind::StreamDropReadable || c.kind == CanonKind::FutureDropReadable};
      body = [op](Store&, InstanceState& inst, std::span<const Value> args, auto) -> Status {
        return drop_end(inst, op, args[0].i32);
      };
      break;
    }
    default: return std::nullopt;
  }
  auto run = [body = std::move(body), inst = in.instance](
                 Caller& caller, std::span<const Value> args, std::span<Value> results) -> Status {
    if (!inst->may_leave) return make_error(ErrorCode::CannotLeaveComponent);
    return body(caller.store(), *inst, args, results);
  };
  return store.host_function(std::move(*sig), std::move(run), canon_info(c.kind).text);
}

}  // namespace flint::component
