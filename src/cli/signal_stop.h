// Stopping a running guest on SIGINT, SIGTERM or SIGHUP through the
// engine's interruption (`flint run --stop-on-signal`, what the containerd
// shim asks for): the guest traps where it runs, so its wasm backtrace can
// be printed, and the process ends with 128 + the signal's number, the code
// a process the signal had killed ends with (what containerd, Docker and
// Kubernetes expect of a stopped container).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <thread>

#include "flint/runtime.h"

namespace flint::cli {

/// Handles the stop signals for one store while it lives. A guest inside a
/// host call (sleeping, reading stdin) reaches no interruption check: it is
/// ended `kGrace` after the signal, with a message saying so. A second
/// signal ends the process at once. One SignalStop at a time per process.
class SignalStop {
 public:
  /// How long a guest that did not stop after the signal is given.
  static constexpr std::chrono::milliseconds kGrace{1000};

  /// Installs the handlers for `store`, which must be interruptible
  /// (Config::interruptible); `module` names the guest in messages.
  SignalStop(Store& store, std::string module);
  /// Restores the default handlers.
  ~SignalStop();
  SignalStop(const SignalStop&) = delete;
  SignalStop& operator=(const SignalStop&) = delete;

  /// The signal that interrupted the guest, if one arrived.
  static std::optional<int> received();

 private:
  /// Waits for a signal, then for the guest to stop within kGrace.
  void watch();

  std::string module_;
  std::thread watcher_;
};

/// "SIGTERM" for SIGTERM.
std::string signal_name(int signal);

/// The exit code of a process stopped by `signal`: 128 + its number.
constexpr int exit_code_of_signal(int signal) { return 128 + signal; }

}  // namespace flint::cli
