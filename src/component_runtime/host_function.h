// A component function implemented by the host: the building block of host
// interfaces (WASI 0.2, wasi:http, Spin's APIs) and of test harnesses.
//
// A host function of an `async func` type called through the async ABI
// runs as a task of its own on a fiber (task.h): its body may wait
// (wait_in_host) and the guest's other tasks run meanwhile. Called by the
// host, or through a synchronous lowering that may not block, the same
// body runs to its end and a wait blocks the thread.
#pragma once

#include <functional>

#include "component_runtime/items.h"

namespace flint::component {

/// The body of a host component function: the arguments, lifted, and the
/// result to lower (std::nullopt when the type has none). An Error traps
/// the calling component.
using HostBody = std::function<Result<std::optional<ComponentValue>>(
    Store& store, std::span<const ComponentValue> args)>;

class HostFunction final : public ComponentFunction {
 public:
  HostFunction(FunctionTypePtr type, HostBody body)
      : ComponentFunction(std::move(type)), body_(std::move(body)) {}

  Result<std::optional<ComponentValue>> invoke(Store& store, std::span<const ComponentValue> args,
                                               bool) override {
    return body_(store, args);
  }

  /// An async function's body runs as a task on a fiber; others resolve
  /// before this returns.
  Status start(Store& store, Supertask& caller, OnStart on_start, OnResolve on_resolve,
               std::shared_ptr<Task>* task) override;

 private:
  HostBody body_;
};

/// Waits, in a host function's body, until `ready()`: on the function's
/// own task when it runs as one (the store's other tasks run meanwhile,
/// and the loop sleeps on `wait`'s deadline or descriptor when nothing
/// else can run), else blocking this thread on `wait` until `ready()`.
Status wait_in_host(Store& store, const std::function<bool()>& ready, HostWait wait);

/// Waits, in a host function's body, until `fd` is ready for `events`
/// (POLLIN, POLLOUT) or fails or hangs up: as wait_in_host, the store's
/// other tasks run meanwhile when the function runs as a task.
Status wait_for_fd(Store& store, int fd, short events);

}  // namespace flint::component
