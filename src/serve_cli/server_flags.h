// The HTTP server's limits as flags, shared by `flint serve` and `flint up`:
// --max-header-size, --max-body-size, --idle-timeout, --read-timeout,
// --write-timeout (defaults: serve::ServerOptions'); and what an operator
// watches: --access-log FILE|- and --metrics-addr HOST:PORT (Prometheus).
#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "cli/engine_flag.h"
#include "flint/result.h"
#include "flint/runtime.h"
#include "serve/component_handler.h"
#include "serve/observer.h"
#include "serve/server.h"

namespace flint::serve_cli {

/// The flags as written (empty: the default).
struct ServerFlags {
  std::string max_header_size;
  std::string max_body_size;
  std::string idle_timeout;
  std::string read_timeout;
  std::string write_timeout;
  std::string access_log;    ///< a file to append to, or "-" for stdout
  std::string metrics_addr;  ///< where GET /metrics answers
};

/// The access log and metrics the flags ask for, running.
struct Observability {
  std::shared_ptr<serve::Observer> observer;  ///< null: neither flag given
  std::unique_ptr<serve::Server> metrics;     ///< the --metrics-addr server
  std::thread metrics_thread;
  std::FILE* log = nullptr;  ///< owned unless stdout
  ~Observability();
};

/// Opens the access log and starts the metrics server.
Result<std::unique_ptr<Observability>> start_observability(const ServerFlags& flags);

/// `Metrics on http://ADDR:PORT/metrics` on stderr, when there is a metrics
/// server (after the serving line, which must come first).
void print_metrics_address(const Observability& o);

/// Registers the flags on `cmd`.
void add_server_flags(CLI::App* cmd, ServerFlags& flags);

/// How each request's guest runs: --engine, --tier-up-after, --no-cache,
/// --timeout, --max-memory, and how a wasi:http@0.3 service's instances are reused
/// (wasmtime serve's --max-instance-reuse-count,
/// --max-instance-concurrent-reuse-count, --idle-instance-timeout), as
/// written.
struct GuestFlags {
  cli::EngineFlags engine;
  std::string timeout;
  std::string max_memory;
  std::optional<size_t> max_instance_reuse_count;
  std::optional<size_t> max_instance_concurrent_reuse_count;
  std::string idle_instance_timeout;
};

/// Registers the guest flags on `cmd`.
void add_guest_flags(CLI::App* cmd, GuestFlags& flags);

/// The guest flags applied: the engine (and the compiled-code cache) and
/// the memory limit into `config`; the per-request deadline into `timeout`
/// (and `config.interruptible`, so that it can stop a guest); the reuse
/// bounds into `reuse`.
Status apply_guest_flags(const GuestFlags& flags, Config& config,
                         std::optional<std::chrono::nanoseconds>& timeout,
                         serve::InstanceReuse& reuse);

/// Applies the flags to `options`; an error names the bad flag.
Status apply_server_flags(const ServerFlags& flags, serve::ServerOptions& options);

}  // namespace flint::serve_cli
