// The state of one WASI guest: what it was granted (arguments, environment,
// preopened directories and sockets), its fd table, and how it exited.
// Deny by default: a default-constructed WasiOptions grants nothing beyond
// stdin, stdout and stderr.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "flint/result.h"
#include "flint/runtime.h"
#include "wasi/fd_table.h"
#include "wasi/guest_memory.h"

namespace flint::wasi {

/// A host directory made visible to the guest under `guest_path`.
struct PreopenDir {
  std::string host_path;
  std::string guest_path;
  bool read_only = false;
};

struct WasiOptions {
  std::vector<std::string> args;  ///< argv, argv[0] included
  std::vector<std::pair<std::string, std::string>> env;
  std::vector<PreopenDir> dirs;
  /// Host addresses ("HOST:PORT") to listen on; each becomes a preopened
  /// listening socket after the directories, for sock_accept.
  std::vector<std::string> tcp_listen;
  /// The host descriptors the guest's stdin, stdout and stderr (fds 0, 1,
  /// 2, and WASI 0.2's wasi:cli stdio) duplicate: the host's own by default;
  /// a server running a guest as CGI (`flint up`'s WAGI) gives it a request
  /// body file and a response file instead. Each is duplicated at create(),
  /// so the caller keeps (and closes) its own; -1 is a closed stdio.
  std::array<int, 3> stdio = {0, 1, 2};
};

class WasiContext {
 public:
  /// Opens the preopens and listening sockets; a directory that cannot be
  /// opened or an address that cannot be bound is an Io error naming it.
  static Result<std::shared_ptr<WasiContext>> create(WasiOptions options);

  const std::vector<std::string>& args() const { return args_; }
  const std::vector<std::string>& env() const { return env_; }  ///< "NAME=VALUE"
  FdTable& fds() { return fds_; }

  /// proc_exit records the code here before unwinding the guest.
  std::optional<uint32_t> exit_code;

 private:
  WasiContext() = default;

  std::vector<std::string> args_;
  std::vector<std::string> env_;
  FdTable fds_;
};

}  // namespace flint::wasi
