// The server's limits as flags (server_flags.h).
#include "serve_cli/server_flags.h"

#include <chrono>

#include "cli/run_flags.h"
#include "serve_cli/listen_address.h"

namespace flint::serve_cli {

void add_server_flags(CLI::App* cmd, ServerFlags& f) {
  cmd->add_option("--max-header-size", f.max_header_size,
                  "Largest request line and headers, e.g. 64K (beyond: 431)")
      ->type_name("SIZE");
  cmd->add_option("--max-body-size", f.max_body_size,
                  "Largest request body, e.g. 64M (beyond: 413)")
      ->type_name("SIZE");
  cmd->add_option("--idle-timeout", f.idle_timeout,
                  "Close a keep-alive connection idle this long (default 60s)")
      ->type_name("DURATION");
  cmd->add_option("--read-timeout", f.read_timeout,
                  "Give up on a request not received within this long (default 30s)")
      ->type_name("DURATION");
  cmd->add_option("--write-timeout", f.write_timeout,
                  "Give up on a client that does not take a response write within this long "
                  "(default 30s)")
      ->type_name("DURATION");
  cmd->add_option("--access-log", f.access_log,
                  "Log every request (combined log format, the component and milliseconds) to "
                  "this file, or - for stdout")
      ->type_name("FILE|-");
  cmd->add_option("--metrics-addr", f.metrics_addr,
                  "Serve Prometheus metrics (requests, latency, instances, traps per component) "
                  "at http://HOST:PORT/metrics")
      ->type_name("HOST:PORT");
}

void add_guest_flags(CLI::App* cmd, GuestFlags& f) {
  cli::add_engine_flags(cmd, f.engine);
  cmd->add_option("--timeout", f.timeout,
                  "Stop a request's guest after this long, e.g. 10s or 500ms (answered 500)")
      ->type_name("DURATION");
  cmd->add_option("--max-memory", f.max_memory,
                  "Upper bound on each linear memory of a request's instance, e.g. 64M")
      ->type_name("SIZE");
  cmd->add_option("--max-instance-reuse-count", f.max_instance_reuse_count,
                  "Requests one instance of a WASI 0.3 service serves before it is dropped "
                  "(default 128; a WASI 0.2 handler's instance serves one)")
      ->check(CLI::Range(size_t(1), size_t(1) << 32))
      ->type_name("N");
  cmd->add_option("--max-instance-concurrent-reuse-count", f.max_instance_concurrent_reuse_count,
                  "Requests one instance of a WASI 0.3 service serves at once (default 16)")
      ->check(CLI::Range(size_t(1), size_t(1) << 32))
      ->type_name("N");
  cmd->add_option("--idle-instance-timeout", f.idle_instance_timeout,
                  "How long an idle instance of a WASI 0.3 service is kept for the next "
                  "request, e.g. 1s (the default) or 500ms")
      ->type_name("DURATION");
}

Status apply_guest_flags(const GuestFlags& f, Config& config,
                         std::optional<std::chrono::nanoseconds>& timeout,
                         serve::InstanceReuse& reuse) {
  if (f.max_instance_reuse_count) reuse.max_requests = *f.max_instance_reuse_count;
  if (f.max_instance_concurrent_reuse_count)
    reuse.max_concurrent = *f.max_instance_concurrent_reuse_count;
  if (!f.idle_instance_timeout.empty()) {
    FLINT_ASSIGN(reuse.idle_timeout,
                 cli::parse_duration(f.idle_instance_timeout, "--idle-instance-timeout"));
  }
  if (!f.timeout.empty()) {
    FLINT_ASSIGN(timeout, cli::parse_duration(f.timeout));
    config.interruptible = true;  // checks compiled in: the deadline can stop a guest
  }
  if (!f.max_memory.empty()) {
    FLINT_ASSIGN(config.max_memory_pages, cli::parse_memory_pages(f.max_memory));
  }
  cli::apply_engine_flags(f.engine, config);
  return {};
}

Observability::~Observability() {
  if (metrics) {
    metrics->stop();
    if (metrics_thread.joinable()) metrics_thread.join();
  }
  if (log && log != stdout) std::fclose(log);
}

Result<std::unique_ptr<Observability>> start_observability(const ServerFlags& f) {
  auto o = std::make_unique<Observability>();
  if (f.access_log.empty() && f.metrics_addr.empty()) return o;
  if (f.access_log == "-") {
    o->log = stdout;
  } else if (!f.access_log.empty()) {
    o->log = std::fopen(f.access_log.c_str(), "a");
    if (!o->log)
      return make_error(ErrorCode::Io,
                        "--access-log " + f.access_log + ": cannot open for writing");
  }
  o->observer = std::make_shared<serve::Observer>(o->log);
  if (!f.metrics_addr.empty()) {
    FLINT_ASSIGN(auto addr, parse_listen_address(f.metrics_addr, "--metrics-addr"));
    serve::ServerOptions options;
    options.host = addr.first;
    options.port = addr.second;
    options.io_threads = 1;
    options.workers = 1;
    FLINT_ASSIGN(o->metrics, serve::Server::listen(options, serve::metrics_handler(o->observer)));
    o->metrics_thread = std::thread([server = o->metrics.get()] { server->run(false); });
  }
  return o;
}

void print_metrics_address(const Observability& o) {
  if (!o.metrics) return;
  std::string host = o.metrics->host();
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  std::fprintf(stderr, "Metrics on http://%s:%u/metrics\n", host.c_str(), o.metrics->port());
  std::fflush(stderr);
}

Status apply_server_flags(const ServerFlags& f, serve::ServerOptions& o) {
  if (!f.max_header_size.empty()) {
    FLINT_ASSIGN(uint64_t bytes, cli::parse_byte_count(f.max_header_size, "--max-header-size"));
    if (bytes < 256 || bytes > (1u << 30))
      return make_error(ErrorCode::Usage, "--max-header-size: expected 256 bytes to 1G");
    o.max_header_bytes = uint32_t(bytes);
  }
  if (!f.max_body_size.empty()) {
    FLINT_ASSIGN(o.max_body_bytes, cli::parse_byte_count(f.max_body_size, "--max-body-size"));
  }
  auto duration = [](const std::string& spec, std::string_view flag,
                     std::chrono::milliseconds& out) -> Status {
    if (spec.empty()) return {};
    FLINT_ASSIGN(auto d, cli::parse_duration(spec, flag));
    out = std::max(std::chrono::milliseconds(1),
                   std::chrono::duration_cast<std::chrono::milliseconds>(d));
    return {};
  };
  FLINT_TRY(duration(f.idle_timeout, "--idle-timeout", o.idle_timeout));
  FLINT_TRY(duration(f.read_timeout, "--read-timeout", o.read_timeout));
  FLINT_TRY(duration(f.write_timeout, "--write-timeout", o.write_timeout));
  return {};
}

}  // namespace flint::serve_cli
