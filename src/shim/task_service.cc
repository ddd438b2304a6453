#include "shim/task_service.h"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "cgroups/v1/metrics.pb.h"
#include "events/task.pb.h"
#include "runtime/task/v2/shim.pb.h"
#include "shim/bundle_spec.h"
#include "shim/content_store.h"
#include "shim/guest_command.h"
#include "shim/image_fetch.h"
#include "shim/rootfs_mount.h"

namespace flint::shim {

namespace task = containerd::task::v2;

namespace {

constexpr const char* kShimVersion = "flint";

/// Parses `payload` as a `Request`, or fails the call.
template <class Request>
bool parse(const std::string& payload, Request& request, RpcFailure& failure) {
  if (request.ParseFromString(payload)) return true;
  failure = {RpcCode::InvalidArgument, "malformed " + request.GetTypeName()};
  return false;
}

void set_time(google::protobuf::Timestamp* out, std::chrono::system_clock::time_point when) {
  auto nanos =
      std::chrono::duration_cast<std::chrono::nanoseconds>(when.time_since_epoch()).count();
  out->set_seconds(nanos / 1'000'000'000);
  out->set_nanos(static_cast<int32_t>(nanos % 1'000'000'000));
}

/// An exec process (exec_id set): this shim runs only each container's
/// own process.
RpcFailure no_exec() { return {RpcCode::Unimplemented, "exec processes are not supported"}; }

/// Resident memory in bytes and CPU time in nanoseconds (user, kernel) of
/// `pid`, from /proc.
struct Usage {
  uint64_t rss = 0, peak_rss = 0, user_ns = 0, kernel_ns = 0;
};

Usage usage_of(pid_t pid) {
  Usage usage;
  std::ifstream status(fmt::format("/proc/{}/status", pid));
  std::string line;
  while (std::getline(status, line))
    if (line.starts_with("VmRSS:"))
      usage.rss = std::stoull(line.substr(6)) * 1024;
    else if (line.starts_with("VmHWM:"))
      usage.peak_rss = std::stoull(line.substr(6)) * 1024;
  std::ifstream stat(fmt::format("/proc/{}/stat", pid));
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  // Fields after the command name, which may hold spaces, in parentheses.
  auto close = text.rfind(')');
  if (close != std::string::npos) {
    std::istringstream fields(text.substr(close + 2));
    std::string field;
    uint64_t ticks_per_second = static_cast<uint64_t>(::sysconf(_SC_CLK_TCK));
    for (int index = 3; fields >> field; ++index) {
      if (index == 14) usage.user_ns = std::stoull(field) * 1'000'000'000 / ticks_per_second;
      if (index == 15) {
        usage.kernel_ns = std::stoull(field) * 1'000'000'000 / ticks_per_second;
        break;
      }
    }
  }
  return usage;
}

}  // namespace

TaskService::TaskService(TaskServiceOptions options, EventPublisher& events, TtrpcServer& server)
    : options_(std::move(options)), events_(events), server_(server) {}

void TaskService::register_methods() {
  using Method = RpcResult (TaskService::*)(const std::string&);
  const std::pair<const char*, Method> served[] = {
      {"Create", &TaskService::create},   {"Start", &TaskService::start},
      {"Wait", &TaskService::wait},       {"Kill", &TaskService::kill},
      {"Delete", &TaskService::remove},   {"State", &TaskService::state},
      {"Connect", &TaskService::connect}, {"Shutdown", &TaskService::shutdown},
      {"Stats", &TaskService::stats},     {"Pids", &TaskService::pids},
  };
  for (const char* service : {"containerd.task.v2.Task", "containerd.task.v3.Task"}) {
    for (const auto& [name, method] : served)
      server_.add_method(service, name, [this, method](const std::string& payload) {
        return (this->*method)(payload);
      });
    // Accepted, nothing to do: stdin belongs to the guest process, and a
    // wasm guest's limits are flint's, not a cgroup's.
    for (const char* name : {"CloseIO", "Update"})
      server_.add_method(service, name,
                         [](const std::string&) { return RpcResult(std::string()); });
    for (const char* name : {"Exec", "Pause", "Resume", "Checkpoint", "ResizePty"})
      server_.add_method(service, name, [name](const std::string&) {
        return RpcResult(RpcFailure{RpcCode::Unimplemented,
                                    fmt::format("{} is not supported by the flint shim", name)});
      });
  }
}

TaskService::Container* TaskService::find_locked(const std::string& id, RpcFailure& failure) {
  auto found = containers_.find(id);
  if (found != containers_.end()) return found->second.get();
  failure = {RpcCode::NotFound, fmt::format("container {} not found", id)};
  return nullptr;
}

template <class Request, class Body>
RpcResult TaskService::on_container(const std::string& payload, Body&& body) {
  Request request;
  RpcFailure failure;
  if (!parse(payload, request, failure)) return failure;
  if constexpr (requires { request.exec_id(); }) {
    if (!request.exec_id().empty()) return no_exec();
  }
  std::unique_lock lock(mutex_);
  Container* container = find_locked(request.id(), failure);
  if (!container) return failure;
  return body(request, *container, lock);
}

RpcResult TaskService::create(const std::string& payload) {
  task::CreateTaskRequest request;
  RpcFailure failure;
  if (!parse(payload, request, failure)) return failure;
  if (request.terminal())
    return RpcFailure{RpcCode::InvalidArgument, "terminals are not supported"};
  if (!request.checkpoint().empty())
    return RpcFailure{RpcCode::InvalidArgument, "checkpoints are not supported"};
  {
    std::lock_guard lock(mutex_);
    if (containers_.count(request.id()))
      return RpcFailure{RpcCode::AlreadyExists, fmt::format("container {} exists", request.id())};
  }
  auto spec = read_bundle_spec(request.bundle());
  if (!spec.ok()) return RpcFailure{RpcCode::InvalidArgument, spec.error().detail};

  auto container = std::make_unique<Container>();
  container->id = request.id();
  container->bundle = request.bundle();
  container->root_path = spec->root_path;
  container->stdio = {request.stdin(), request.stdout(), request.stderr()};
  if (request.rootfs_size() > 0) {
    std::vector<RootfsMount> mounts;
    for (const auto& mount : request.rootfs())
      mounts.push_back(
          {mount.type(), mount.source(), {mount.options().begin(), mount.options().end()}});
    auto mounted = mount_rootfs(mounts, spec->root_path);
    if (!mounted.ok()) return RpcFailure{RpcCode::Internal, mounted.error().detail};
    container->mounted = true;
  }
  auto undo_mount = [&] {
    if (container->mounted) unmount_rootfs(container->root_path);
  };
  auto command = plan_guest(*spec, options_.flint, options_.base_env);
  if (!command.ok() && !options_.grpc_address.empty()) {
    // Nothing runnable in the rootfs: the wasm may be in the image's
    // wasm-typed layers, which only containerd's content store holds.
    ContentStore store(options_.grpc_address, options_.name_space);
    auto fetched = fetch_image(store, request.id(), request.bundle() + "/flint-image");
    if (fetched.ok() && fetched->kind != FetchedImage::Kind::None)
      command = plan_fetched_guest(*spec, *fetched, options_.flint, options_.base_env);
    else if (!fetched.ok())
      command =
          make_error(ErrorCode::Usage, fmt::format("{}; and reading the image from "
                                                   "containerd's content store: {}",
                                                   command.error().detail, fetched.error().detail));
  }
  if (!command.ok()) {
    undo_mount();
    return RpcFailure{RpcCode::InvalidArgument,
                      fmt::format("container {}: {}", request.id(), command.error().detail)};
  }
  auto process = GuestProcess::spawn(*command, container->stdio, spec->network_namespace);
  if (!process.ok()) {
    undo_mount();
    return RpcFailure{RpcCode::Internal,
                      fmt::format("container {}: {}", request.id(), process.error().detail)};
  }
  container->process = std::make_unique<GuestProcess>(std::move(process).value());
  pid_t pid = container->process->pid();

  containerd::events::TaskCreate event;
  event.set_container_id(request.id());
  event.set_bundle(request.bundle());
  *event.mutable_rootfs() = request.rootfs();
  event.mutable_io()->set_stdin(request.stdin());
  event.mutable_io()->set_stdout(request.stdout());
  event.mutable_io()->set_stderr(request.stderr());
  event.set_pid(static_cast<uint32_t>(pid));
  {
    std::lock_guard lock(mutex_);
    if (containers_.count(request.id())) {  // a concurrent Create of the same id won
      ::kill(pid, SIGKILL);
      if (container->mounted) unmount_rootfs(container->root_path);
      return RpcFailure{RpcCode::AlreadyExists, fmt::format("container {} exists", request.id())};
    }
    Container& registered = *(containers_[request.id()] = std::move(container));
    events_.publish("/tasks/create", event);
    if (auto early = early_exits_.find(pid); early != early_exits_.end()) {
      record_exit_locked(registered, early->second);
      early_exits_.erase(early);
    }
  }
  task::CreateTaskResponse response;
  response.set_pid(static_cast<uint32_t>(pid));
  return response.SerializeAsString();
}

RpcResult TaskService::start(const std::string& payload) {
  return on_container<task::StartRequest>(
      payload, [this](const auto& request, Container& container, auto&) -> RpcResult {
        if (container.status != Status::Created)
          return RpcFailure{RpcCode::FailedPrecondition,
                            fmt::format("container {} was started already", request.id())};
        container.process->release();
        container.status = Status::Running;
        uint32_t pid = static_cast<uint32_t>(container.process->pid());
        containerd::events::TaskStart event;
        event.set_container_id(request.id());
        event.set_pid(pid);
        events_.publish("/tasks/start", event);
        task::StartResponse response;
        response.set_pid(pid);
        return response.SerializeAsString();
      });
}

void TaskService::on_exit(pid_t pid, int status) {
  std::lock_guard lock(mutex_);
  Container* exited = nullptr;
  for (auto& [id, container] : containers_)
    if (container->process && container->process->pid() == pid &&
        container->status != Status::Stopped)
      exited = container.get();
  if (!exited) {
    // Perhaps a container whose Create has not registered it yet; kept
    // briefly (bounded: reaped grandchildren such as flint-compile would
    // otherwise accumulate).
    if (early_exits_.size() > 64) early_exits_.erase(early_exits_.begin());
    early_exits_[pid] = status;
    return;
  }
  record_exit_locked(*exited, status);
}

void TaskService::record_exit_locked(Container& container, int status) {
  container.status = Status::Stopped;
  // A signal's death is 128 + its number, as shells and runc report it.
  container.exit_status = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
  container.exited_at = std::chrono::system_clock::now();
  exited_.notify_all();
  containerd::events::TaskExit event;
  event.set_container_id(container.id);
  event.set_id(container.id);
  event.set_pid(static_cast<uint32_t>(container.process->pid()));
  event.set_exit_status(container.exit_status);
  set_time(event.mutable_exited_at(), container.exited_at);
  events_.publish("/tasks/exit", event);
}

RpcResult TaskService::wait(const std::string& payload) {
  return on_container<task::WaitRequest>(
      payload,
      [this](const auto& request, Container&, std::unique_lock<std::mutex>& lock) -> RpcResult {
        // The container may be deleted while we wait: look it up each time.
        const std::string& id = request.id();
        exited_.wait(lock, [&] {
          auto found = containers_.find(id);
          return found == containers_.end() || found->second->status == Status::Stopped;
        });
        auto found = containers_.find(id);
        if (found == containers_.end())
          return RpcFailure{RpcCode::NotFound, fmt::format("container {} was deleted", id)};
        task::WaitResponse response;
        response.set_exit_status(found->second->exit_status);
        set_time(response.mutable_exited_at(), found->second->exited_at);
        return response.SerializeAsString();
      });
}

RpcResult TaskService::kill(const std::string& payload) {
  return on_container<task::KillRequest>(
      payload, [](const auto& request, Container& container, auto&) -> RpcResult {
        if (container.status == Status::Stopped)
          return RpcFailure{RpcCode::NotFound, "process already finished"};
        pid_t pid = container.process->pid();
        int signal = request.signal() ? static_cast<int>(request.signal()) : SIGKILL;
        // The process leads its own group: `all` reaches flint-compile too.
        if (::kill(request.all() ? -pid : pid, signal) != 0 && errno != ESRCH)
          return RpcFailure{RpcCode::Internal, fmt::format("kill {} with signal {}: {}", pid,
                                                           signal, std::strerror(errno))};
        return std::string();
      });
}

RpcResult TaskService::remove(const std::string& payload) {
  return on_container<task::DeleteRequest>(
      payload,
      [this](const auto& request, Container& container,
             std::unique_lock<std::mutex>& lock) -> RpcResult {
        if (container.status == Status::Running)
          return RpcFailure{
              RpcCode::FailedPrecondition,
              fmt::format("container {} is still running; kill it first", request.id())};
        if (container.status == Status::Created) {
          // Never started: the parked child ends; wait for the reaper to see it.
          ::kill(container.process->pid(), SIGKILL);
          exited_.wait_for(lock, std::chrono::seconds(5), [&] {
            auto found = containers_.find(request.id());
            return found == containers_.end() || found->second->status == Status::Stopped;
          });
        }
        // The lock was let go while waiting: a concurrent Delete may have won.
        auto found = containers_.find(request.id());
        if (found == containers_.end())
          return RpcFailure{RpcCode::NotFound, fmt::format("container {} not found", request.id())};
        std::unique_ptr<Container> removed = std::move(found->second);
        containers_.erase(found);
        exited_.notify_all();  // a Wait on it returns NotFound
        lock.unlock();
        if (removed->mounted) unmount_rootfs(removed->root_path);

        uint32_t pid = static_cast<uint32_t>(removed->process->pid());
        containerd::events::TaskDelete event;
        event.set_container_id(removed->id);
        event.set_pid(pid);
        event.set_exit_status(removed->exit_status);
        set_time(event.mutable_exited_at(), removed->exited_at);
        events_.publish("/tasks/delete", event);
        task::DeleteResponse response;
        response.set_pid(pid);
        response.set_exit_status(removed->exit_status);
        set_time(response.mutable_exited_at(), removed->exited_at);
        return response.SerializeAsString();
      });
}

RpcResult TaskService::state(const std::string& payload) {
  return on_container<task::StateRequest>(
      payload, [](const auto&, Container& container, auto&) -> RpcResult {
        task::StateResponse response;
        response.set_id(container.id);
        response.set_bundle(container.bundle);
        response.set_pid(static_cast<uint32_t>(container.process->pid()));
        switch (container.status) {
          case Status::Created: response.set_status(containerd::v1::types::CREATED); break;
          case Status::Running: response.set_status(containerd::v1::types::RUNNING); break;
          case Status::Stopped: response.set_status(containerd::v1::types::STOPPED); break;
        }
        response.set_stdin(container.stdio.in);
        response.set_stdout(container.stdio.out);
        response.set_stderr(container.stdio.err);
        if (container.status == Status::Stopped) {
          response.set_exit_status(container.exit_status);
          set_time(response.mutable_exited_at(), container.exited_at);
        }
        return response.SerializeAsString();
      });
}

RpcResult TaskService::connect(const std::string& payload) {
  task::ConnectRequest request;
  RpcFailure failure;
  if (!parse(payload, request, failure)) return failure;
  std::lock_guard lock(mutex_);
  task::ConnectResponse response;
  response.set_shim_pid(static_cast<uint32_t>(::getpid()));
  response.set_version(kShimVersion);
  if (auto found = containers_.find(request.id()); found != containers_.end())
    response.set_task_pid(static_cast<uint32_t>(found->second->process->pid()));
  return response.SerializeAsString();
}

RpcResult TaskService::shutdown(const std::string& payload) {
  task::ShutdownRequest request;
  RpcFailure failure;
  if (!parse(payload, request, failure)) return failure;
  std::lock_guard lock(mutex_);
  // A pod's shim gets one Shutdown per container: it stays while any is left.
  if (containers_.empty() || request.now()) server_.stop_after_reply();
  return std::string();
}

RpcResult TaskService::stats(const std::string& payload) {
  pid_t pid = -1;
  RpcResult found =
      on_container<task::StatsRequest>(payload, [&](const auto&, Container& container, auto&) {
        pid = container.process->pid();
        return RpcResult(std::string());
      });
  if (std::holds_alternative<RpcFailure>(found)) return found;
  Usage usage = usage_of(pid);
  // The cgroup v1 metrics the CRI plugin, `ctr task metrics` and Docker
  // decode. Every message a real cgroup fills is present (Docker reads
  // cpu.throttling without checking); the limit is the machine's memory,
  // as for a cgroup without one.
  io::containerd::cgroups::v1::Metrics metrics;
  metrics.mutable_memory()->set_rss(usage.rss);
  metrics.mutable_memory()->set_total_rss(usage.rss);
  metrics.mutable_memory()->mutable_usage()->set_usage(usage.rss);
  metrics.mutable_memory()->mutable_usage()->set_max(usage.peak_rss);
  metrics.mutable_memory()->mutable_usage()->set_limit(
      static_cast<uint64_t>(::sysconf(_SC_PHYS_PAGES)) *
      static_cast<uint64_t>(::sysconf(_SC_PAGESIZE)));
  metrics.mutable_memory()->mutable_swap();
  metrics.mutable_memory()->mutable_kernel();
  metrics.mutable_memory()->mutable_kernel_tcp();
  metrics.mutable_cpu()->mutable_throttling();
  metrics.mutable_cpu()->mutable_usage()->set_total(usage.user_ns + usage.kernel_ns);
  metrics.mutable_cpu()->mutable_usage()->set_user(usage.user_ns);
  metrics.mutable_cpu()->mutable_usage()->set_kernel(usage.kernel_ns);
  metrics.mutable_pids()->set_current(1);
  task::StatsResponse response;
  response.mutable_stats()->set_type_url(metrics.GetTypeName());
  response.mutable_stats()->set_value(metrics.SerializeAsString());
  return response.SerializeAsString();
}

RpcResult TaskService::pids(const std::string& payload) {
  return on_container<task::PidsRequest>(payload, [](const auto&, Container& container, auto&) {
    task::PidsResponse response;
    response.add_processes()->set_pid(static_cast<uint32_t>(container.process->pid()));
    return RpcResult(response.SerializeAsString());
  });
}

}  // namespace flint::shim
