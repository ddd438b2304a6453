// The async component model's run-time state (component-model
// CanonicalABI.md, "Thread State", "Waitable State", "Task State",
// "Subtask State"): the tasks a call of a lifted function makes, the threads
// that run them, the subtasks a caller keeps of its calls, waitables and
// waitable sets, and the store's scheduler that resumes whichever waiting
// thread is ready.
//
// A thread that may block runs on a fiber of its own (runtime/fiber.h):
// blocking suspends it back to whoever resumed it, and the scheduler's loop
// (driven by the host call waiting for a result) resumes it once ready. A
// call that can never block (a synchronous function lifted without
// `async`) runs inline on its caller's stack, as it always did: WASI 0.2's
// calls pay no fiber. All of it runs on the store's one OS thread.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "canon/handle_table.h"
#include "component/types.h"
#include "component/value.h"
#include "flint/result.h"
#include "flint/runtime.h"
#include "runtime/fiber.h"

namespace flint::component {

struct CanonOptions;
struct InstanceState;
class Scheduler;
struct Task;
class WaitableSet;

/// Whether a blocked thread was resumed by cancellation of its task.
enum class Cancelled : uint32_t { No = 0, Yes = 1 };

/// What a call delivers to its caller: a result (for a function with one),
/// or cancellation before it returned.
struct CallOutcome {
  bool cancelled = false;
  std::optional<ComponentValue> result;
};

/// Gives a starting callee its arguments (lifted from the caller).
using OnStart = std::function<Result<std::vector<ComponentValue>>()>;
/// Hands the callee's outcome to the caller (lowered into it).
using OnResolve = std::function<Status(CallOutcome)>;

/// Who made a call (the spec's Supertask): a task of a component instance,
/// or the host (`inst` null) with the task that called into the host, if any.
struct Supertask {
  InstanceState* inst = nullptr;
  Supertask* supertask = nullptr;
};

/// What a waiting thread also waits for outside the store (a host
/// function's task: a timer, a descriptor): when no thread is ready, the
/// loop sleeps in poll(2) until one of these may have made one ready.
struct HostWait {
  /// A time on the monotonic clock (steady_clock) the wait ends by.
  std::optional<std::chrono::steady_clock::time_point> deadline;
  /// A descriptor whose readiness for `events` (POLLIN, POLLOUT) ends it; -1: none.
  int fd = -1;
  short events = 0;

  bool any() const { return deadline || fd >= 0; }
};

/// A thread of a task: the core code of a lifted call (and its callback
/// loop) runs on one; so does a host function's `async` body.
struct Thread {
  /// The task it runs; the thread keeps it alive.
  std::shared_ptr<Task> task;
  /// Its fiber; null for a thread running inline on its caller's stack,
  /// which never blocks.
  std::unique_ptr<WasmFiber> fiber;
  /// While it waits: what must hold for the scheduler to resume it.
  std::function<bool()> ready;
  /// Whether its current wait may be ended by cancelling its task.
  bool cancellable = false;
  /// What else its current wait waits for, outside the store.
  HostWait host_wait;
  /// Why its last wait ended.
  Cancelled cancelled = Cancelled::No;
  /// `context.get` / `context.set` storage.
  std::array<uint32_t, 2> storage{};
  /// Its index in its instance's thread table (`thread.index`).
  uint32_t index = 0;
  bool running = false;

  bool waiting() const { return !running && ready != nullptr; }
  bool suspended() const { return !running && ready == nullptr; }
};

/// Base of everything a task can wait for (subtasks, stream and future
/// ends): at most one pending event, and the waitable set it is in.
class Waitable : public canon::TableObject {
 public:
  /// An event as waitable-set.wait reports it: code, index, payload.
  struct Event {
    uint32_t code = 0;
    uint32_t index = 0;
    uint32_t payload = 0;
  };
  /// Computes the event when it is delivered (it may update state then).
  using PendingEvent = std::function<Event()>;

  void set_pending_event(PendingEvent e) { pending_ = std::move(e); }
  bool has_pending_event() const { return pending_ != nullptr; }
  /// Takes the pending event.
  Event take_pending_event();
  /// Moves it into `set` (null: out of any set).
  void join(WaitableSet* set);
  WaitableSet* set() const { return set_; }
  /// Leaves its set as it is dropped.
  virtual ~Waitable();

 private:
  PendingEvent pending_;
  WaitableSet* set_ = nullptr;
};

/// Event codes (CanonicalABI.md, EventCode).
enum EventCode : uint32_t {
  kEventNone = 0,
  kEventSubtask = 1,
  kEventStreamRead = 2,
  kEventStreamWrite = 3,
  kEventFutureRead = 4,
  kEventFutureWrite = 5,
  kEventTaskCancelled = 6,
};

/// `waitable-set.new`'s object.
class WaitableSet : public canon::TableObject {
 public:
  ~WaitableSet() override;
  bool has_pending_event() const;
  /// The first member's pending event (there must be one).
  Waitable::Event take_pending_event();

  std::vector<Waitable*> members;
  /// Threads waiting on it: it cannot be dropped while any are.
  uint32_t num_waiting = 0;
};

/// `error-context.new`'s object.
class ErrorContext : public canon::TableObject {
 public:
  explicit ErrorContext(std::string message) : debug_message(std::move(message)) {}
  std::string debug_message;
};

/// A call of a lifted function (the spec's Task): one per call, whichever
/// way it runs.
struct Task : Supertask {
  enum class State { Initial, PendingCancel, CancelDelivered, Resolved };

  State state = State::Initial;
  std::shared_ptr<const CanonOptions> opts;
  const FunctionType* type = nullptr;
  OnResolve on_resolve;
  /// Borrow handles lent to this call that its instance still holds.
  canon::CallScope borrows;
  /// The thread waiting for backpressure to let the task in, if any.
  Thread* waiting_to_enter = nullptr;
  std::vector<Thread*> threads;
  /// Where `task.return` and the result of a synchronous lift are checked
  /// against the function's result type.
  Scheduler* scheduler = nullptr;

  /// A task that must run alone in its instance: synchronous, or with a callback.
  bool needs_exclusive() const;
  /// Whether it may block: an `async` function, or once it has resolved.
  bool may_block() const { return type->async || state == State::Resolved; }

  /// Enters the instance (may wait for backpressure): false when cancelled
  /// while waiting.
  Result<bool> enter(Thread& thread);
  /// Leaves it: traps when the last thread leaves a task not yet resolved.
  Status exit(Thread& thread);
  /// Adds a thread to the task and gives it an index in the instance.
  void register_thread(Thread& thread);
  /// Removes one: traps when it was the last and the task has not resolved.
  Status unregister_thread(Thread& thread);
  /// The caller asks the task to end early.
  Status request_cancellation();
  /// Delivers a pending cancellation to a cancellable wait.
  bool deliver_pending_cancel(bool cancellable);
  /// `task.return` (or a synchronous lift's result).
  Status return_(std::optional<ComponentValue> result);
  /// `task.cancel`.
  Status cancel();
};

/// A caller's view of a call in progress (the spec's Subtask): a waitable
/// in the caller's table once an async lower returned before the callee
/// resolved.
class Subtask final : public Waitable {
 public:
  enum State : uint32_t {
    kStarting = 0,
    kStarted = 1,
    kReturned = 2,
    kCancelledBeforeStarted = 3,
    kCancelledBeforeReturned = 4,
  };

  State state = kStarting;
  /// The callee's task (for cancellation), while it lives: its thread
  /// keeps it, not the subtask. Why weak: the task's on_resolve holds what
  /// reaches this subtask, so a task the store abandoned unresolved (a
  /// trap, a deadlock) would otherwise keep both, and the caller's
  /// instance, alive for ever. Empty for a callee without a task.
  std::weak_ptr<Task> callee;
  /// Own handles the caller lent to the call, released at deliver_resolve.
  canon::CallScope lenders;
  bool resolve_delivered = false;
  bool cancellation_requested = false;
  /// Its index in the caller's table once the async lower returned
  /// without a resolution (0 before): from then on, progress is an event.
  uint32_t index = 0;

  bool resolved() const { return state >= kReturned; }
  /// The caller has seen the resolution: lent handles come back.
  void deliver_resolve();
  /// The callee started or resolved: an event for the caller once it holds
  /// the subtask in its table.
  void progress();
};

/// A store's event loop for async tasks: the waiting threads and the one
/// running now.
class Scheduler {
 public:
  explicit Scheduler(Store& store) : store_(store) {}
  /// Abandons the fibers of threads still blocked (the store is going away).
  ~Scheduler();

  /// The store's scheduler, made at first use.
  static Scheduler& of(Store& store);

  Store& store() { return store_; }
  /// Marks `thread` current while `f` runs (a start function has none).
  Thread* exchange_current(Thread* thread) { return std::exchange(current_, thread); }
  /// The thread whose core code runs now (null: the host, or a start function).
  Thread* current() const { return current_; }

  /// Runs `task`'s body on a new thread: inline when it can never block,
  /// else on a fiber resumed at once (until it first blocks or finishes).
  Status spawn(std::shared_ptr<Task> task, std::function<Status(Thread&)> body);

  /// Resumes one waiting thread that is ready. False when none is: then
  /// nothing can make progress until the host does something.
  Result<bool> tick();
  /// Runs the loop until `done()`; "deadlock detected" when it cannot get
  /// there. With no thread ready but some waiting on a host wait, it sleeps
  /// until the first of those may be ready.
  Status run_until(const std::function<bool()>& done);

  /// The current thread waits until `ready()` (the spec's wait_until):
  /// `Cancelled::Yes` when its task's cancellation ended the wait.
  Result<Cancelled> wait_until(Thread& thread, std::function<bool()> ready, bool cancellable,
                               HostWait host_wait = {});
  /// Lets other threads run first when it may block; at once otherwise.
  Result<Cancelled> yield_until(Thread& thread, std::function<bool()> ready, bool cancellable);
  /// Waits for an event of `set`.
  Result<Waitable::Event> wait_for_event(Thread& thread, WaitableSet& set,
                                         std::function<bool()> ready, bool cancellable);
  /// Resumes a waiting or suspended thread now (task cancellation).
  Status resume(Thread& thread, Cancelled cancelled);

  /// A new thread of `task` on a fiber running `body`, suspended until
  /// something resumes it (`thread.new-indirect`).
  Thread& make_suspended_thread(std::shared_ptr<Task> task, std::function<Status(Thread&)> body);
  /// The cooperative-thread switches (CanonicalABI.md, "Thread State"):
  /// `self` suspends (`thread.suspend`), or lets `other` run in its place
  /// (`thread.suspend-then-resume`), or does so staying ready itself
  /// (`thread.yield-then-resume`). A thread running inline on its caller's
  /// stack runs `other` nested instead, and must be resumed by it.
  Result<Cancelled> suspend_thread(Thread& self, bool cancellable);
  Result<Cancelled> switch_to(Thread& self, Thread& other, bool cancellable, bool stay_ready);
  /// Makes a suspended thread ready to be resumed by the loop (`thread.resume-later`).
  void resume_later(Thread& other);

  /// The first trap of any fiber thread: a trap ends the store's async work.
  const std::optional<Error>& trap() const { return trap_; }

  /// Runs `on_ready` once, from the loop, when `wait` ends (its descriptor
  /// is ready for its events, or hung up, or its deadline passed): how a
  /// host end of a stream that found its socket not ready resumes without
  /// a thread of its own. An error it returns ends the loop's run_until.
  void watch(HostWait wait, std::function<Status()> on_ready);

 private:
  Status suspend(Thread& thread);
  /// Polls the host waits of waiting threads and the watches (sleeping
  /// until the first may have ended when `block`), then runs the watches
  /// whose wait ended. False when `block` and nothing waits on the host.
  Result<bool> poll_host(bool block);
  /// Takes an ended thread out of its instance's thread table and its task.
  void forget_index(Thread& thread);
  Status resume_fiber(Thread& thread);
  void finish(Thread& thread);

  Store& store_;
  Thread* current_ = nullptr;
  /// The thread a switching thread hands over to: resumed by whoever the
  /// switching one suspends back to.
  Thread* run_next_ = nullptr;
  std::vector<Thread*> waiting_;
  /// watch()'s pending calls.
  struct Watch {
    HostWait wait;
    std::function<Status()> on_ready;
  };
  std::vector<Watch> watches_;
  /// Fiber threads alive (running, waiting or suspended).
  std::vector<std::unique_ptr<Thread>> threads_;
  std::optional<Error> trap_;
};

}  // namespace flint::component
