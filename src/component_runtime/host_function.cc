// Host functions as tasks, and their waits (host_function.h).
#include "component_runtime/host_function.h"

#include <poll.h>

#include <cerrno>
#include <thread>

namespace flint::component {

Status HostFunction::start(Store& store, Supertask& caller, OnStart on_start, OnResolve on_resolve,
                           std::shared_ptr<Task>* task_out) {
  if (!type().async)
    return ComponentFunction::start(store, caller, std::move(on_start), std::move(on_resolve),
                                    task_out);
  auto task = std::make_shared<Task>();
  task->type = &type();
  task->on_resolve = std::move(on_resolve);
  if (task_out) *task_out = task;
  // `this` outlives the task: the caller's subtask keeps the function's
  // instance alive, and so the function.
  return Scheduler::of(store).spawn(
      std::move(task), [this, &store, on_start = std::move(on_start)](Thread& thread) -> Status {
        FLINT_ASSIGN(std::vector<ComponentValue> args, on_start());
        FLINT_ASSIGN(std::optional<ComponentValue> result, body_(store, args));
        return thread.task->return_(std::move(result));
      });
}

namespace {

/// The thread of the host function's own task (no instance) running on a
/// fiber, which may suspend; null when the host function runs inline.
Thread* host_task_thread(Scheduler& scheduler) {
  Thread* thread = scheduler.current();
  return thread && thread->fiber && thread->task && !thread->task->inst ? thread : nullptr;
}

}  // namespace

Status wait_in_host(Store& store, const std::function<bool()>& ready, HostWait wait) {
  Scheduler& scheduler = Scheduler::of(store);
  if (Thread* thread = host_task_thread(scheduler)) {
    FLINT_ASSIGN(Cancelled c, scheduler.wait_until(*thread, ready, false, wait));
    (void)c;
    return {};
  }
  while (!ready()) {
    int timeout_ms = -1;
    if (wait.deadline) {
      auto left = std::chrono::ceil<std::chrono::milliseconds>(*wait.deadline -
                                                               std::chrono::steady_clock::now());
      timeout_ms = int(std::clamp<int64_t>(left.count(), 0, 86'400'000));
    }
    if (wait.fd < 0 && timeout_ms < 0) return make_error(ErrorCode::Deadlock);
    pollfd pfd{wait.fd, wait.events, 0};
    while (::poll(&pfd, wait.fd >= 0 ? 1 : 0, timeout_ms) < 0 && errno == EINTR) {
    }
  }
  return {};
}

Status wait_for_fd(Store& store, int fd, short events) {
  Scheduler& scheduler = Scheduler::of(store);
  if (!host_task_thread(scheduler)) {
    pollfd pfd{fd, events, 0};
    while (::poll(&pfd, 1, -1) < 0 && errno == EINTR) {
    }
    return {};
  }
  // The loop's watch wakes the task; nothing polls the descriptor per tick.
  auto fired = std::make_shared<bool>(false);
  scheduler.watch(HostWait{std::nullopt, fd, events}, [fired] {
    *fired = true;
    return Status{};
  });
  return wait_in_host(store, [fired] { return *fired; }, {});
}

}  // namespace flint::component
