// Tasks, threads, subtasks, waitables and the store's scheduler
// (CanonicalABI.md, "Thread State" to "Subtask State").
#include "component_runtime/task.h"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <utility>

#include "component_runtime/canon_options.h"
#include "component_runtime/instance_state.h"
#include "runtime/fiber.h"

namespace flint::component {

// ---- waitables ------------------------------------------------------------

Waitable::Event Waitable::take_pending_event() {
  PendingEvent e = std::move(pending_);
  pending_ = nullptr;
  return e();
}

void Waitable::join(WaitableSet* set) {
  if (set_) std::erase(set_->members, this);
  set_ = set;
  if (set_) set_->members.push_back(this);
}

Waitable::~Waitable() { join(nullptr); }

WaitableSet::~WaitableSet() {
  // Only when the instance goes away with members still in it.
  for (Waitable* w : std::vector<Waitable*>(members)) w->join(nullptr);
}

bool WaitableSet::has_pending_event() const {
  return std::any_of(members.begin(), members.end(),
                     [](const Waitable* w) { return w->has_pending_event(); });
}

Waitable::Event WaitableSet::take_pending_event() {
  for (Waitable* w : members)
    if (w->has_pending_event()) return w->take_pending_event();
  return {};
}

// ---- tasks ----------------------------------------------------------------

bool Task::needs_exclusive() const { return !opts->async || opts->callback; }

Result<bool> Task::enter(Thread& thread) {
  if (type->async) {
    auto has_backpressure = [this] {
      return inst->backpressure > 0 || (needs_exclusive() && inst->exclusive);
    };
    if (has_backpressure() || inst->num_waiting_to_enter > 0) {
      ++inst->num_waiting_to_enter;
      waiting_to_enter = &thread;
      Result<Cancelled> waited =
          scheduler->wait_until(thread, [has_backpressure] { return !has_backpressure(); }, true);
      waiting_to_enter = nullptr;
      --inst->num_waiting_to_enter;
      if (!waited) return std::move(waited).error();
      if (*waited == Cancelled::Yes) {
        FLINT_TRY(cancel());
        return false;
      }
    }
    if (needs_exclusive()) inst->exclusive = this;
  }
  register_thread(thread);
  return true;
}

Status Task::exit(Thread& thread) {
  if (type->async && needs_exclusive() && inst->exclusive == this) inst->exclusive = nullptr;
  return unregister_thread(thread);
}

void Task::register_thread(Thread& thread) {
  threads.push_back(&thread);
  if (!inst->free_thread_indices.empty()) {
    thread.index = inst->free_thread_indices.back();
    inst->free_thread_indices.pop_back();
    inst->threads[thread.index] = &thread;
  } else {
    thread.index = uint32_t(inst->threads.size());
    inst->threads.push_back(&thread);
  }
}

Status Task::unregister_thread(Thread& thread) {
  std::erase(threads, &thread);
  if (thread.index && thread.index < inst->threads.size()) {
    inst->threads[thread.index] = nullptr;
    inst->free_thread_indices.push_back(thread.index);
    thread.index = 0;
  }
  if (threads.empty() && state != State::Resolved) return make_error(ErrorCode::TaskNoResult);
  return {};
}

Status Task::request_cancellation() {
  // A host function's task ends when its body returns: it is not cancelled.
  if (!inst) {
    state = State::PendingCancel;
    return {};
  }
  if (waiting_to_enter) {
    state = State::CancelDelivered;
    return scheduler->resume(*waiting_to_enter, Cancelled::Yes);
  }
  if (!needs_exclusive() || !inst->exclusive || inst->exclusive == this) {
    for (Thread* t : threads) {
      if (t->cancellable && !t->running) {
        state = State::CancelDelivered;
        return scheduler->resume(*t, Cancelled::Yes);
      }
    }
  }
  state = State::PendingCancel;
  return {};
}

bool Task::deliver_pending_cancel(bool cancellable) {
  if (cancellable && state == State::PendingCancel) {
    state = State::CancelDelivered;
    return true;
  }
  return false;
}

Status Task::return_(std::optional<ComponentValue> result) {
  if (state == State::Resolved) return make_error(ErrorCode::TaskReturnTwice);
  FLINT_TRY(borrows.finish());
  state = State::Resolved;
  // Taken out: the caller's callback holds what holds this task.
  OnResolve deliver = std::move(on_resolve);
  return deliver(CallOutcome{false, std::move(result)});
}

Status Task::cancel() {
  if (state != State::CancelDelivered)
    return make_error(ErrorCode::ComponentTrap,
                      "`task.cancel` called by task which has not been cancelled");
  FLINT_TRY(borrows.finish());
  state = State::Resolved;
  OnResolve deliver = std::move(on_resolve);
  return deliver(CallOutcome{true, std::nullopt});
}

void Subtask::deliver_resolve() {
  if (resolve_delivered) return;
  resolve_delivered = true;
  (void)lenders.finish();  // only lent handles: nothing is borrowed in this scope
}

void Subtask::progress() {
  if (!index) return;
  set_pending_event([this] {
    if (resolved()) deliver_resolve();
    return Event{kEventSubtask, index, uint32_t(state)};
  });
}

// ---- the scheduler --------------------------------------------------------

namespace {
const char kSchedulerKey = 0;
}  // namespace

Scheduler& Scheduler::of(Store& store) {
  std::shared_ptr<void>& slot = store.attachment(&kSchedulerKey);
  if (!slot) slot = std::make_shared<Scheduler>(store);
  return *static_cast<Scheduler*>(slot.get());
}

Scheduler::~Scheduler() {
  // Blocked threads unwind (their waits fail) so nothing is left on their stacks.
  waiting_.clear();
  for (size_t i = 0; i < threads_.size(); ++i)
    if (threads_[i]->fiber) threads_[i]->fiber->abandon();
}

Status Scheduler::spawn(std::shared_ptr<Task> task, std::function<Status(Thread&)> body) {
  task->scheduler = this;
  if (!task->type->async) {
    // Never blocks: runs on the caller's stack.
    Thread thread;
    thread.task = std::move(task);
    thread.running = true;
    Thread* outer = std::exchange(current_, &thread);
    Status status = body(thread);
    current_ = outer;
    forget_index(thread);
    return status;
  }
  return resume_fiber(make_suspended_thread(std::move(task), std::move(body)));
}

void Scheduler::forget_index(Thread& thread) {
  // A thread a trap ended never unregistered: its index must not outlive it.
  InstanceState* inst = thread.task ? thread.task->inst : nullptr;
  if (!inst || !thread.index || thread.index >= inst->threads.size()) return;
  if (inst->threads[thread.index] == &thread) {
    inst->threads[thread.index] = nullptr;
    inst->free_thread_indices.push_back(thread.index);
  }
  std::erase(thread.task->threads, &thread);
  thread.index = 0;
}

Status Scheduler::resume_fiber(Thread& first) {
  Thread* outer = current_;
  // A thread that switches to another suspends back here; the other runs
  // next, from this same stack (a loop, so switching back and forth does
  // not nest). Handing back to the thread that called this ends the loop.
  for (Thread* thread = &first; thread;) {
    current_ = thread;
    thread->running = true;
    thread->fiber->resume();
    thread->running = false;
    if (thread->fiber->finished()) finish(*thread);
    Thread* next = std::exchange(run_next_, nullptr);
    thread = next && next != outer && next->fiber ? next : nullptr;
    if (next && next == outer) outer->running = true;
  }
  current_ = outer;
  // The trap unwinds the resumer's stack from here (once).
  if (trap_) {
    Error e = std::move(*trap_);
    trap_.reset();
    return e;
  }
  return {};
}

void Scheduler::finish(Thread& thread) {
  std::erase(waiting_, &thread);
  forget_index(thread);
  auto it = std::find_if(threads_.begin(), threads_.end(),
                         [&](const std::unique_ptr<Thread>& t) { return t.get() == &thread; });
  if (it != threads_.end()) threads_.erase(it);
}

Status Scheduler::suspend(Thread& thread) {
  if (!thread.fiber) return make_error(ErrorCode::CannotBlockSyncTask);
  thread.running = false;
  Status status = thread.fiber->suspend();
  thread.running = true;
  return status;
}

Result<bool> Scheduler::tick() {
  for (size_t i = 0; i < waiting_.size(); ++i) {
    Thread* t = waiting_[i];
    if (!t->ready()) continue;
    waiting_.erase(waiting_.begin() + ptrdiff_t(i));
    t->ready = nullptr;
    t->cancelled = Cancelled::No;
    FLINT_TRY(resume_fiber(*t));
    return true;
  }
  return false;
}

Status Scheduler::run_until(const std::function<bool()>& done) {
  while (!done()) {
    FLINT_ASSIGN(bool progressed, tick());
    // A loop that always has a ready thread still looks at the host, so
    // a guest that yields while it waits for a socket sees it.
    if (progressed) {
      if (!watches_.empty()) FLINT_TRY(poll_host(false));
      continue;
    }
    FLINT_ASSIGN(bool waited, poll_host(true));
    if (!waited) return make_error(ErrorCode::Deadlock);
  }
  return {};
}

void Scheduler::watch(HostWait wait, std::function<Status()> on_ready) {
  watches_.push_back({wait, std::move(on_ready)});
}

Result<bool> Scheduler::poll_host(bool block) {
  std::vector<pollfd> fds;
  std::optional<std::chrono::steady_clock::time_point> first;
  auto add = [&](const HostWait& w) {
    if (w.fd >= 0) fds.push_back({w.fd, w.events, 0});
    if (w.deadline && (!first || *w.deadline < *first)) first = w.deadline;
  };
  for (const Thread* t : waiting_) add(t->host_wait);
  for (const Watch& w : watches_) add(w.wait);
  if (fds.empty() && !first && block) return false;
  int timeout_ms = 0;
  if (block) {
    timeout_ms = -1;
    if (first) {
      auto left =
          std::chrono::ceil<std::chrono::milliseconds>(*first - std::chrono::steady_clock::now());
      timeout_ms = int(std::clamp<int64_t>(left.count(), 0, 86'400'000));
    }
  }
  while (::poll(fds.data(), fds.size(), timeout_ms) < 0 && errno == EINTR) {
  }
  // The watches whose wait ended leave the list before they run: running
  // one may add others.
  const auto now = std::chrono::steady_clock::now();
  std::vector<Watch> due;
  for (size_t i = 0; i < watches_.size();) {
    const HostWait& w = watches_[i].wait;
    bool ended = w.deadline && *w.deadline <= now;
    if (w.fd >= 0)
      for (const pollfd& p : fds)
        if (p.fd == w.fd && (p.revents & (w.events | POLLERR | POLLHUP | POLLNVAL))) ended = true;
    if (!ended) {
      ++i;
      continue;
    }
    due.push_back(std::move(watches_[i]));
    watches_.erase(watches_.begin() + ptrdiff_t(i));
  }
  for (Watch& w : due) FLINT_TRY(w.on_ready());
  return true;
}

Result<Cancelled> Scheduler::wait_until(Thread& thread, std::function<bool()> ready,
                                        bool cancellable, HostWait host_wait) {
  if (thread.task->deliver_pending_cancel(cancellable)) return Cancelled::Yes;
  if (ready()) return Cancelled::No;
  thread.host_wait = host_wait;
  // A task that has already resolved and blocks in a synchronous call lets
  // other tasks into its instance meanwhile, as wasmtime does, and resumes
  // once the instance is free again. Before it resolves it keeps the
  // instance: callers see backpressure.
  Task& task = *thread.task;
  InstanceState* inst = task.inst;
  const bool held = inst && inst->exclusive == &task && task.state == Task::State::Resolved;
  if (held) {
    inst->exclusive = nullptr;
    thread.ready = [ready = std::move(ready), inst] { return !inst->exclusive && ready(); };
  } else {
    thread.ready = std::move(ready);
  }
  thread.cancellable = cancellable;
  waiting_.push_back(&thread);
  Status suspended = suspend(thread);
  thread.host_wait = {};
  if (held) inst->exclusive = &task;
  FLINT_TRY(std::move(suspended));
  return thread.cancelled;
}

Result<Cancelled> Scheduler::yield_until(Thread& thread, std::function<bool()> ready,
                                         bool cancellable) {
  if (!thread.task->may_block() || !thread.fiber) return Cancelled::No;
  if (thread.task->deliver_pending_cancel(cancellable)) return Cancelled::Yes;
  // Unlike a wait, a yield suspends even when ready, so others run first.
  thread.ready = std::move(ready);
  thread.cancellable = cancellable;
  waiting_.push_back(&thread);
  FLINT_TRY(suspend(thread));
  return thread.cancelled;
}

Result<Waitable::Event> Scheduler::wait_for_event(Thread& thread, WaitableSet& set,
                                                  std::function<bool()> ready, bool cancellable) {
  ++set.num_waiting;
  Result<Cancelled> waited =
      wait_until(thread, [&set, ready] { return ready() && set.has_pending_event(); }, cancellable);
  --set.num_waiting;
  if (!waited) return std::move(waited).error();
  if (*waited == Cancelled::Yes) return Waitable::Event{kEventTaskCancelled, 0, 0};
  return set.take_pending_event();
}

Thread& Scheduler::make_suspended_thread(std::shared_ptr<Task> task,
                                         std::function<Status(Thread&)> body) {
  threads_.push_back(std::make_unique<Thread>());
  Thread& thread = *threads_.back();
  thread.task = std::move(task);
  thread.fiber = std::make_unique<WasmFiber>(store_, [this, &thread, body = std::move(body)] {
    Status status = body(thread);
    if (!status && !trap_) trap_ = std::move(status).error();
  });
  return thread;
}

Result<Cancelled> Scheduler::suspend_thread(Thread& self, bool cancellable) {
  if (self.task->deliver_pending_cancel(cancellable)) return Cancelled::Yes;
  self.cancellable = cancellable;
  self.cancelled = Cancelled::No;
  FLINT_TRY(suspend(self));
  return self.cancelled;
}

Result<Cancelled> Scheduler::switch_to(Thread& self, Thread& other, bool cancellable,
                                       bool stay_ready) {
  if (self.task->deliver_pending_cancel(cancellable)) return Cancelled::Yes;
  other.cancelled = Cancelled::No;
  if (!self.fiber) {
    // Inline on its caller's stack: `other` runs nested, with `self`
    // suspended meanwhile, and hands back by switching to it.
    self.running = false;
    Status nested = resume_fiber(other);
    self.running = true;
    FLINT_TRY(std::move(nested));
    return Cancelled::No;
  }
  self.cancellable = cancellable;
  if (stay_ready) {
    self.ready = [] { return true; };
    waiting_.push_back(&self);
  }
  run_next_ = &other;
  FLINT_TRY(suspend(self));
  return self.cancelled;
}

void Scheduler::resume_later(Thread& other) {
  other.ready = [] { return true; };
  waiting_.push_back(&other);
}

Status Scheduler::resume(Thread& thread, Cancelled cancelled) {
  std::erase(waiting_, &thread);
  thread.ready = nullptr;
  thread.cancelled = cancelled;
  return resume_fiber(thread);
}

}  // namespace flint::component
