// Spin's WAGI executor (`[[trigger.http]] executor = { type = "wagi" }`):
// a WASI command run as a CGI script (RFC 3875) per request. The request's
// meta-variables and headers are its environment, the body its stdin, and
// what it writes to stdout is the response: CGI header lines up to a blank
// line, then the body. Semantics follow Spin's trigger-http `wagi.rs` and
// the `wagi` module of spin-http it took from deislabs/wagi (build_headers,
// compose_response), with the differences documented where they are made.
//
// The command is a core module importing wasi_snapshot_preview1 (its
// `entrypoint` export is called, `_start` by default) or a wasi:cli command
// component (its wasi:cli/run is called, as Spin does for both).
//
// Per request: a fresh Store and instance under the app's Config (engine,
// memory limit) and deadline, stdin a sealed memfd holding the request
// body, stdout a memfd of bounded size read back after the run, stderr the
// host's. A trap, a nonzero exit, no output, or output that is not a CGI
// response answers 500; the reason goes to stderr.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "flint/result.h"
#include "flint/runtime.h"
#include "spin/manifest.h"
#include "spin/router.h"
#include "wasi/context.h"
#include "wasihttp/host.h"
#include "wasip2/host.h"

namespace flint::outbound {
class AllowedHosts;  // outbound/allowed_hosts.h
}  // namespace flint::outbound

namespace flint::component {
class ComponentLinker;
class CompiledComponent;
}  // namespace flint::component

namespace flint::spin {

using Environment = std::vector<std::pair<std::string, std::string>>;

/// A script's stdout read as a CGI response (Spin's compose_response).
struct CgiResponse {
  uint16_t status = 200;
  /// Lowercased names, each once (a repeated header keeps its last value,
  /// as Spin's map does), without the framing headers the server sets
  /// (content-length, transfer-encoding, connection, ...).
  Environment headers;
  std::string body;
};

/// Parses a CGI script's output: header lines (CR ignored) up to the first
/// empty line, then the body. `Status: CODE [REASON]` sets the status (a
/// code that is not 100-599 gives 502, as Spin's unparsable one does);
/// `Location:` without a Status gives 302; a line without ':' is ignored.
/// A response needs one of Content-Type, Location or Status: without (or
/// without the blank line) it is an error, whose message Spin sends as
/// the 500's body. Header text that is not UTF-8 or a value with control
/// characters is an error too.
Result<CgiResponse> parse_cgi_response(std::string_view output);

/// The CGI environment of one request: RFC 3875's meta-variables as Spin
/// sets them (REQUEST_METHOD, QUERY_STRING, SCRIPT_NAME, PATH_INFO,
/// PATH_TRANSLATED, SERVER_NAME/PORT/PROTOCOL/SOFTWARE, GATEWAY_INTERFACE,
/// REMOTE_ADDR/HOST/USER, AUTH_TYPE, CONTENT_TYPE, CONTENT_LENGTH), Spin's
/// X_FULL_URL, X_MATCHED_ROUTE, X_RAW_COMPONENT_ROUTE, X_COMPONENT_ROUTE,
/// X_BASE_PATH, X_CLIENT_ADDR, X_RAW_PATH_INFO and X_PATH_MATCH_<NAME>,
/// and HTTP_<NAME> for each request header (Authorization and Connection
/// left out, as RFC 3875 4.1.18 asks).
Environment cgi_environment(const wasihttp::IncomingRequestData& request, const RouteMatch& match,
                            uint64_t content_length);

/// The script's argv from the executor's `argv` template: split on spaces,
/// `${SCRIPT_NAME}` replaced by the request path and `${ARGS}` by the query
/// string's `&`-separated parameters, one argument each, URL-decoded
/// (`+` is a space), as Spin's manifest reference documents
/// (`a=1&b=2` becomes the two arguments `a=1` and `b=2`).
std::vector<std::string> wagi_argv(std::string_view argv_template, std::string_view path,
                                   std::string_view query);

/// What each request's instance is given, besides the request.
struct WagiOptions {
  std::string name;  ///< the component's id, for messages
  WagiExecutor executor;
  /// The engine and limits of each request's Store. compile() reads it too:
  /// with a timeout, it must have `interruptible` set (create() sets it).
  Config config;
  std::optional<std::chrono::nanoseconds> timeout;  ///< none: no limit
  std::string timeout_spec;                         ///< as written, for messages
  /// The component's environment (before the CGI variables: a name set
  /// in both keeps the component's, as the first one set wins under Spin)
  /// and its files; args and stdio are set per request.
  wasi::WasiOptions wasi;
  /// Where a command component may connect (the component's
  /// allowed_outbound_hosts), through wasi:sockets and wasi:http's
  /// outgoing-handler; null: nowhere. A core module has no network.
  std::shared_ptr<const outbound::AllowedHosts> allowed_hosts;
  /// More host interfaces for a command component's linker (`flint up`:
  /// Spin's).
  std::function<void(component::ComponentLinker&)> define_more;
  /// The largest request body read into stdin; beyond it the answer is 413.
  uint64_t max_request_body = 64ull << 20;
  /// The most a script may write to stdout; a write beyond it fails and the
  /// answer is 500.
  uint64_t max_response = 64ull << 20;
};

/// One component served as WAGI: compiled once (create), run fresh per
/// request (handle). Safe to call from many threads at once.
class WagiHandler {
 public:
  /// Compiles `wasm` (a core module or a command component) and checks
  /// that it can run: a core module imports WASI preview 1 functions only
  /// and exports the entrypoint; a component links and exports
  /// wasi:cli/run.
  static Result<std::shared_ptr<WagiHandler>> create(std::vector<uint8_t> wasm,
                                                     WagiOptions options);
  ~WagiHandler();

  /// Runs the script for `request`, routed by `match`, and writes its
  /// response (or a 500) to `writer`. `argv` is the routed trigger's argv
  /// template (several triggers may name one component); null: the
  /// options' executor's.
  void handle(wasihttp::IncomingRequestData request, const RouteMatch& match,
              wasihttp::ResponseWriter& writer, const std::string* argv = nullptr) const;

 private:
  WagiHandler() = default;
  /// One run of the script in a fresh Store with `ctx` (its stdio already
  /// set): exit code 0 or a normal return is success; a trap (logged with
  /// its backtrace) or a nonzero exit an error.
  Status run_module(const std::shared_ptr<wasi::WasiContext>& ctx) const;
  Status run_component(const std::shared_ptr<wasi::WasiContext>& ctx) const;
  /// A command component's imports over `ctx`: WASI 0.2, wasi:http, and
  /// define_more's; the WASI host (its exit code) returned.
  std::shared_ptr<wasip2::Host> link(component::ComponentLinker& linker,
                                     const std::shared_ptr<wasi::WasiContext>& ctx) const;
  /// A trap and its wasm backtrace on stderr, in one write.
  void log_failure(const Error& error, const Store* store) const;

  WagiOptions options_;
  std::shared_ptr<const CompiledModule> module_;                   ///< a core module, or
  std::shared_ptr<const component::CompiledComponent> component_;  ///< a command component
};

}  // namespace flint::spin
