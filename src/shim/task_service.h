// containerd's task service (api/runtime/task/v2/shim.proto; v3 has the
// same messages in another package) for wasm guests: one shim process holds
// every container of a pod, each a GuestProcess running flint. The methods
// containerd, the CRI plugin, kubelet and Docker call (FACTS.md §2.3) are
// served: Create, Start, Wait, Kill, Delete, State, Connect, Shutdown,
// Stats (the guest's memory and CPU), Pids; CloseIO and Update are accepted
// and change nothing. Exec, Pause, Resume, Checkpoint and ResizePty answer
// Unimplemented, as runwasi's do.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "shim/event_publisher.h"
#include "shim/guest_process.h"
#include "shim/ttrpc_server.h"

namespace flint::shim {

/// What the task service needs from the process it runs in.
struct TaskServiceOptions {
  std::string flint;                  ///< the flint executable guests run under
  std::vector<std::string> base_env;  ///< flint's own environment
  std::string grpc_address;           ///< containerd's gRPC socket, for its content store
  std::string name_space;             ///< the containerd namespace this shim serves
};

/// The task service of one shim process.
class TaskService {
 public:
  TaskService(TaskServiceOptions options, EventPublisher& events, TtrpcServer& server);

  /// Registers every method under containerd.task.v2.Task and v3.Task.
  void register_methods();

  /// Records that process `pid` ended with wait status `status` (the
  /// reaper's report; a pid that is no container's is ignored).
  void on_exit(pid_t pid, int status);

 private:
  enum class Status { Created, Running, Stopped };
  struct Container {
    std::string id, bundle, root_path;
    StdioPaths stdio;
    bool mounted = false;
    std::unique_ptr<GuestProcess> process;
    Status status = Status::Created;
    uint32_t exit_status = 0;
    std::chrono::system_clock::time_point exited_at;
  };

  RpcResult create(const std::string& payload);
  RpcResult start(const std::string& payload);
  RpcResult wait(const std::string& payload);
  RpcResult kill(const std::string& payload);
  RpcResult remove(const std::string& payload);
  RpcResult state(const std::string& payload);
  RpcResult connect(const std::string& payload);
  RpcResult shutdown(const std::string& payload);
  RpcResult stats(const std::string& payload);
  RpcResult pids(const std::string& payload);

  /// Marks `container` stopped with wait status `status` and publishes
  /// /tasks/exit; mutex_ held.
  void record_exit_locked(Container& container, int status);
  /// The container `id` or a NotFound failure; mutex_ held.
  Container* find_locked(const std::string& id, RpcFailure& failure);
  /// The common start of a call on one container: parses `payload` as a
  /// `Request`, refuses exec processes, takes mutex_ and finds the
  /// container; then `body(request, container, lock)` answers.
  template <class Request, class Body>
  RpcResult on_container(const std::string& payload, Body&& body);

  TaskServiceOptions options_;
  EventPublisher& events_;
  TtrpcServer& server_;
  std::mutex mutex_;
  std::condition_variable exited_;
  std::map<std::string, std::unique_ptr<Container>> containers_;
  /// Exits reaped before their container was registered (a child that
  /// failed at once), by pid.
  std::map<pid_t, int> early_exits_;
};

}  // namespace flint::shim
