#include "shim/daemon.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <thread>

#include "shim/event_publisher.h"
#include "shim/guest_command.h"
#include "shim/task_service.h"
#include "shim/ttrpc_server.h"

extern char** environ;

namespace flint::shim {

namespace {

/// Reaps every child (and, as subreaper, every orphaned descendant, such as
/// a flint-compile whose flint was killed) and reports each exit.
[[noreturn]] void reap_forever(TaskService& tasks) {
  sigset_t chld;
  ::sigemptyset(&chld);
  ::sigaddset(&chld, SIGCHLD);
  for (;;) {
    int signal = 0;
    ::sigwait(&chld, &signal);
    int status = 0;
    pid_t pid;
    while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0) tasks.on_exit(pid, status);
  }
}

}  // namespace

int run_daemon(int listen_fd, const DaemonOptions& options) {
  // SIGCHLD is taken by the reaper's sigwait: blocked here, before any
  // thread exists, so that every thread inherits the mask.
  sigset_t blocked;
  ::sigemptyset(&blocked);
  ::sigaddset(&blocked, SIGCHLD);
  ::pthread_sigmask(SIG_BLOCK, &blocked, nullptr);
  ::signal(SIGPIPE, SIG_IGN);  // a client gone mid-reply is a failed write
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);

  std::vector<std::string> base_env;
  for (char** entry = environ; *entry; ++entry) base_env.emplace_back(*entry);
  EventPublisher events(options.ttrpc_address, options.name_space);
  TtrpcServer server;
  TaskService tasks(
      {find_flint(options.self_path), base_env, options.grpc_address, options.name_space}, events,
      server);
  tasks.register_methods();
  std::thread([&tasks] { reap_forever(tasks); }).detach();

  server.serve(listen_fd);
  events.flush();
  ::unlink(options.socket_path.c_str());
  return 0;
}

}  // namespace flint::shim
