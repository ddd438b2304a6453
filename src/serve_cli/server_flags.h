// The HTTP server's limits as flags, shared by `flint serve` and `flint up`:
// --max-header-size, --max-body-size, --idle-timeout, --read-timeout,
// --write-timeout (defaults: serve::ServerOptions').
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "flint/result.h"
#include "serve/server.h"

namespace flint::serve_cli {

/// The flags as written (empty: the default).
struct ServerFlags {
  std::string max_header_size;
  std::string max_body_size;
  std::string idle_timeout;
  std::string read_timeout;
  std::string write_timeout;
};

/// Registers the flags on `cmd`.
void add_server_flags(CLI::App* cmd, ServerFlags& flags);

/// Applies the flags to `options`; an error names the bad flag.
Status apply_server_flags(const ServerFlags& flags, serve::ServerOptions& options);

}  // namespace flint::serve_cli
