// The stop signals' handler and its watcher (signal_stop.h). The handler
// does only what is async-signal-safe: an atomic exchange, the store's
// interruption flag (an atomic store), one write(2) to wake the watcher.
#include "cli/signal_stop.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>

namespace flint::cli {

namespace {

constexpr int kStopSignals[] = {SIGINT, SIGTERM, SIGHUP};

/// The first stop signal received; 0: none yet.
std::atomic<int> received_signal{0};
/// The store the handler interrupts.
std::atomic<Store*> interrupted_store{nullptr};
/// The watcher's wake-up pipe: the handler writes 1, ~SignalStop writes 0.
int wake_pipe[2] = {-1, -1};

void on_stop_signal(int signal) {
  int first = 0;
  // A second signal: the user insists, so no waiting for the guest.
  if (!received_signal.compare_exchange_strong(first, signal)) _exit(exit_code_of_signal(first));
  if (Store* store = interrupted_store.load()) store->interrupt();
  char byte = 1;
  ssize_t ignored = write(wake_pipe[1], &byte, 1);
  (void)ignored;
}

/// Reads one byte from the wake-up pipe within `timeout_ms` (-1: no limit);
/// nullopt when none came in time.
std::optional<char> wait_for_byte(int timeout_ms) {
  pollfd pfd{wake_pipe[0], POLLIN, 0};
  int ready;
  while ((ready = poll(&pfd, 1, timeout_ms)) < 0 && errno == EINTR) {
  }
  char byte = 0;
  if (ready <= 0 || read(wake_pipe[0], &byte, 1) != 1) return std::nullopt;
  return byte;
}

}  // namespace

std::string signal_name(int signal) {
  const char* abbreviation = sigabbrev_np(signal);
  return abbreviation ? fmt::format("SIG{}", abbreviation) : fmt::format("signal {}", signal);
}

SignalStop::SignalStop(Store& store, std::string module) : module_(std::move(module)) {
  if (pipe2(wake_pipe, O_CLOEXEC) != 0) {
    // Without the pipe the handlers stay the default ones: a signal kills
    // the process, with the same exit status the shell reports.
    std::perror("flint: the stop-signal pipe");
    return;
  }
  interrupted_store.store(&store);
  struct sigaction action = {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  for (int s : kStopSignals) sigaction(s, &action, nullptr);
  watcher_ = std::thread([this] { watch(); });
}

SignalStop::~SignalStop() {
  if (!watcher_.joinable()) return;
  for (int s : kStopSignals) signal(s, SIG_DFL);
  interrupted_store.store(nullptr);
  char quit = 0;
  ssize_t ignored = write(wake_pipe[1], &quit, 1);
  (void)ignored;
  watcher_.join();
  close(wake_pipe[0]);
  close(wake_pipe[1]);
}

std::optional<int> SignalStop::received() {
  int s = received_signal.load();
  if (s == 0) return std::nullopt;
  return s;
}

void SignalStop::watch() {
  std::optional<char> byte = wait_for_byte(-1);
  if (!byte || *byte == 0) return;  // ended without a signal
  // The guest traps at its next interruption check and the main thread
  // ends the process; a quit byte means it did.
  if (wait_for_byte(int(kGrace.count()))) return;
  int signal = received_signal.load();
  std::string message = fmt::format(
      "flint: {}: the guest did not stop within {} ms of {} (it is inside a host "
      "call, which no interruption reaches); ending it\n",
      module_, kGrace.count(), signal_name(signal));
  std::fputs(message.c_str(), stderr);
  std::fflush(nullptr);
  _exit(exit_code_of_signal(signal));
}

}  // namespace flint::cli
