#include "shim/guest_process.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sched.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace flint::shim {

namespace {

/// Opens one stdio end. Fifos: stdin is opened non-blocking (a blocking
/// open waits forever when the client has no writer: FACTS.md §2.3), then
/// made blocking again for the guest.
Result<int> open_stdio(const std::string& where, bool input) {
  std::string path = where;
  bool file = false;
  if (path.starts_with("file://")) {
    path = path.substr(7);
    file = true;
  } else if (path.starts_with("binary://")) {
    return make_error(ErrorCode::Usage,
                      fmt::format("stdio `{}`: binary:// loggers are not supported", where));
  }
  if (path.empty()) path = "/dev/null";
  int flags = O_CLOEXEC | (input ? O_RDONLY | O_NONBLOCK : O_WRONLY);
  if (file && !input) flags |= O_CREAT | O_APPEND;
  int fd = ::open(path.c_str(), flags, 0644);
  if (fd < 0)
    return make_error(ErrorCode::Io, fmt::format("open {}: {}", path, std::strerror(errno)));
  if (input) ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  return fd;
}

/// Writes `message` to stderr and exits: only async-signal-safe calls, as
/// the parent has threads.
[[noreturn]] void child_fail(const char* message, int code) {
  ssize_t ignored = ::write(2, message, std::strlen(message));
  (void)ignored;
  ::_exit(code);
}

}  // namespace

Result<GuestProcess> GuestProcess::spawn(const GuestCommand& command, const StdioPaths& stdio,
                                         const std::optional<std::string>& network_namespace) {
  int fds[3] = {-1, -1, -1};
  auto close_all = [&] {
    for (int fd : fds)
      if (fd >= 0) ::close(fd);
  };
  const std::string* paths[3] = {&stdio.in, &stdio.out, &stdio.err};
  for (int i = 0; i < 3; ++i) {
    auto opened = open_stdio(*paths[i], i == 0);
    if (!opened.ok()) {
      close_all();
      return std::move(opened).error();
    }
    fds[i] = *opened;
  }
  int netns_fd = -1;
  bool new_netns = network_namespace && network_namespace->empty();
  if (network_namespace && !network_namespace->empty()) {
    netns_fd = ::open(network_namespace->c_str(), O_RDONLY | O_CLOEXEC);
    if (netns_fd < 0) {
      close_all();
      return make_error(ErrorCode::Io, fmt::format("open network namespace {}: {}",
                                                   *network_namespace, std::strerror(errno)));
    }
  }
  int release[2];
  if (::pipe2(release, O_CLOEXEC) != 0) {
    close_all();
    if (netns_fd >= 0) ::close(netns_fd);
    return make_error(ErrorCode::Io, fmt::format("pipe: {}", std::strerror(errno)));
  }
  // Everything the child needs is built before fork: it may not allocate.
  std::vector<char*> argv, envp;
  for (const auto& word : command.argv) argv.push_back(const_cast<char*>(word.c_str()));
  argv.push_back(nullptr);
  for (const auto& entry : command.env) envp.push_back(const_cast<char*>(entry.c_str()));
  envp.push_back(nullptr);
  bool sandbox = command.kind == GuestKind::PodSandbox;

  pid_t pid = ::fork();
  if (pid == 0) {
    sigset_t all;
    ::sigemptyset(&all);
    ::sigprocmask(SIG_SETMASK, &all, nullptr);  // the shim blocks SIGCHLD for its reaper
    struct sigaction defaults{};
    defaults.sa_handler = SIG_DFL;
    for (int sig : {SIGPIPE, SIGTERM, SIGINT, SIGHUP}) ::sigaction(sig, &defaults, nullptr);
    ::close(release[1]);
    ::setpgid(0, 0);
    for (int i = 0; i < 3; ++i)
      if (::dup2(fds[i], i) < 0) child_fail("flint shim: dup2 of stdio failed\n", 126);
    if (netns_fd >= 0 && ::setns(netns_fd, CLONE_NEWNET) != 0)
      child_fail("flint shim: cannot join the pod's network namespace\n", 126);
    if (new_netns && ::unshare(CLONE_NEWNET) != 0)
      child_fail("flint shim: cannot create a network namespace\n", 126);
    // Nothing of the shim's stays open in the guest (sockets to containerd,
    // other containers' stdio): all but stdio and the release pipe close.
    if (release[0] > 3) ::close_range(3, static_cast<unsigned>(release[0]) - 1, 0);
    ::close_range(static_cast<unsigned>(release[0]) + 1, ~0U, 0);
    char go = 0;
    ssize_t got;
    while ((got = ::read(release[0], &go, 1)) < 0 && errno == EINTR) {
    }
    if (got != 1) ::_exit(0);  // deleted before it was started
    if (sandbox)
      for (;;) ::pause();  // holds the pod's namespaces until killed
    ::execve(argv[0], argv.data(), envp.data());
    child_fail("flint shim: cannot execute flint\n", 127);
  }
  int saved = errno;
  close_all();
  if (netns_fd >= 0) ::close(netns_fd);
  ::close(release[0]);
  if (pid < 0) {
    ::close(release[1]);
    return make_error(ErrorCode::Io, fmt::format("fork: {}", std::strerror(saved)));
  }
  return GuestProcess(pid, release[1]);
}

GuestProcess::GuestProcess(GuestProcess&& other) noexcept
    : pid_(other.pid_), release_fd_(other.release_fd_) {
  other.release_fd_ = -1;
}

GuestProcess& GuestProcess::operator=(GuestProcess&& other) noexcept {
  if (this != &other) {
    if (release_fd_ >= 0) ::close(release_fd_);
    pid_ = other.pid_;
    release_fd_ = other.release_fd_;
    other.release_fd_ = -1;
  }
  return *this;
}

GuestProcess::~GuestProcess() {
  if (release_fd_ >= 0) ::close(release_fd_);
}

void GuestProcess::release() {
  if (release_fd_ < 0) return;
  char go = 1;
  ssize_t ignored = ::write(release_fd_, &go, 1);
  (void)ignored;
  ::close(release_fd_);
  release_fd_ = -1;
}

}  // namespace flint::shim
