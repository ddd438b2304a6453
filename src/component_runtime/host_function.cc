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

Status wait_in_host(Store& store, const std::function<bool()>& ready, HostWait wait) {
  Scheduler& scheduler = Scheduler::of(store);
  Thread* thread = scheduler.current();
  // A host function's own task (no instance) on a fiber: it may suspend.
  if (thread && thread->fiber && thread->task && !thread->task->inst) {
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

}  // namespace flint::component
