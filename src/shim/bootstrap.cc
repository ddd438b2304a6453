#include "shim/bootstrap.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <iterator>

#include "aot/sha256.h"
#include "runtime/bootstrap/v1/bootstrap.pb.h"
#include "runtime/task/v2/shim.pb.h"
#include "shim/bundle_spec.h"
#include "shim/daemon.h"
#include "shim/rootfs_mount.h"

namespace flint::shim {

namespace {

namespace fs = std::filesystem;

/// What `start` learnt about the containerd that runs it.
struct StartContext {
  bool bootstrap_protocol = false;  ///< stdin held BootstrapParams (containerd 2.3+)
  std::string ttrpc_address;        ///< where events go
  std::string grpc_address;         ///< containerd's gRPC API (the content store)
  std::string socket_dir = "/run/containerd/s";
};

StartContext read_start_context(const ShimFlags& flags) {
  StartContext context;
  std::string input((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  containerd::runtime::bootstrap::v1::BootstrapParams params;
  // Older containerds write an Any of runtime options here, whose field 1
  // (a type URL) would parse as the instance id: BootstrapParams is
  // recognised by the id and namespace it must repeat.
  if (!input.empty() && params.ParseFromString(input) && params.instance_id() == flags.id &&
      params.namespace_() == flags.name_space) {
    context.bootstrap_protocol = true;
    context.ttrpc_address = params.containerd_ttrpc_address();
    if (params.has_socket_dir() && !params.socket_dir().empty())
      context.socket_dir = params.socket_dir();
  }
  context.grpc_address = context.bootstrap_protocol && !params.containerd_grpc_address().empty()
                             ? params.containerd_grpc_address()
                             : flags.address;
  if (context.ttrpc_address.empty()) {
    const char* env = std::getenv("TTRPC_ADDRESS");
    context.ttrpc_address = env ? env : flags.address + ".ttrpc";
  }
  return context;
}

/// Whether a shim already answers on `path`.
bool listening(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.data(), path.size());
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  bool connected = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  ::close(fd);
  return connected;
}

/// A listening socket bound at `path` (a stale file there is replaced).
int listen_at(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.data(), path.size());
  ::unlink(path.c_str());
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || ::listen(fd, 64) != 0) {
    ::close(fd);
    return -1;
  }
  ::chmod(path.c_str(), 0600);
  return fd;
}

/// Prints the answer containerd parses: a BootstrapResult to a containerd
/// that spoke the bootstrap protocol, the plain address otherwise.
void print_address(const StartContext& context, const std::string& address) {
  if (context.bootstrap_protocol) {
    containerd::runtime::bootstrap::v1::BootstrapResult result;
    result.set_version(3);
    result.set_address(address);
    result.set_protocol("ttrpc");
    std::cout << result.SerializeAsString();
  } else {
    std::cout << address;
  }
  std::cout.flush();
}

/// The shim's log: the bundle's `log` fifo when containerd reads it (its
/// lines then appear in containerd's log), else /dev/null.
int open_log(const std::string& bundle) {
  int fd = ::open((fs::path(bundle) / "log").c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd >= 0) {
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    return fd;
  }
  return ::open("/dev/null", O_WRONLY | O_CLOEXEC);
}

}  // namespace

std::string shim_socket_path(const std::string& socket_dir, const std::string& containerd_address,
                             const std::string& name_space, const std::string& group) {
  std::string key = containerd_address + "/" + name_space + "/" + group;
  return (fs::path(socket_dir) / aot::to_hex(aot::sha256(std::string_view(key)))).string();
}

int run_start(const ShimFlags& flags, const std::string& self_path) {
  StartContext context = read_start_context(flags);
  std::string bundle = fs::current_path().string();
  std::string group = flags.id;
  if (auto spec = read_bundle_spec(bundle); spec.ok() && !spec->sandbox_id().empty())
    group = spec->sandbox_id();
  std::string path = shim_socket_path(context.socket_dir, flags.address, flags.name_space, group);
  std::string address = "unix://" + path;
  if (path.size() >= sizeof(sockaddr_un::sun_path)) {
    std::cerr << "containerd-shim-flint-v1: socket path too long: " << path << "\n";
    return 1;
  }
  if (listening(path)) {  // the pod's shim runs already
    print_address(context, address);
    return 0;
  }
  std::error_code ignored;
  fs::create_directories(context.socket_dir, ignored);
  int listen_fd = listen_at(path);
  if (listen_fd < 0) {
    std::cerr << "containerd-shim-flint-v1: cannot listen on " << path << ": "
              << std::strerror(errno) << "\n";
    return 1;
  }
  // No thread runs yet, so the child may go on without exec.
  pid_t pid = ::fork();
  if (pid < 0) {
    std::cerr << "containerd-shim-flint-v1: fork: " << std::strerror(errno) << "\n";
    return 1;
  }
  if (pid == 0) {
    ::setsid();
    int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    int log = open_log(bundle);
    ::dup2(null, 0);
    ::dup2(null, 1);  // containerd reads start's stdout to its end: let go of it
    ::dup2(log, 2);
    ::close(null);
    ::close(log);
    if (::chdir("/") != 0) {
    }
    DaemonOptions options{flags.name_space, context.ttrpc_address, context.grpc_address, path,
                          self_path};
    ::_exit(run_daemon(listen_fd, options));
  }
  ::close(listen_fd);
  print_address(context, address);
  return 0;
}

int run_delete(const ShimFlags& flags) {
  std::string bundle = flags.bundle.empty() ? fs::current_path().string() : flags.bundle;
  std::string root = (fs::path(bundle) / "rootfs").string();
  if (auto spec = read_bundle_spec(bundle); spec.ok()) root = spec->root_path;
  unmount_rootfs(root);
  // The task's own process is gone with its shim: report it killed, as
  // runc's and runwasi's shims do.
  containerd::task::v2::DeleteResponse response;
  response.set_exit_status(128 + 9);
  auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
  response.mutable_exited_at()->set_seconds(nanos / 1'000'000'000);
  response.mutable_exited_at()->set_nanos(static_cast<int32_t>(nanos % 1'000'000'000));
  std::cout << response.SerializeAsString();
  std::cout.flush();
  return 0;
}

}  // namespace flint::shim
