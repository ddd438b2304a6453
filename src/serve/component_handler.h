// A wasi:http component as the server's RequestHandler, compiled once at
// start-up. A wasi:http/incoming-handler@0.2.x handler gets per request a
// fresh Store and instance, over a linker reused from an earlier request
// with its hosts renewed (linker_pool.h: every table empty, every field
// new), so nothing one request does reaches another (issue 13). A wasi:http/handler@0.3.x
// service's instances serve many requests at once, as Spin and wasmtime
// serve reuse them (shared_instances.h, bounded by InstanceReuse). A trap,
// or a component that sets an error-code or no response, answers 500 with
// a short message; the trap and its wasm backtrace go to stderr, and the
// server goes on.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "component_runtime/compiled_component.h"
#include "outbound/allowed_hosts.h"
#include "serve/server.h"
#include "wasi/context.h"
#include "wasip2/host.h"

namespace flint::serve {

/// How one instance of a wasi:http@0.3 service is reused across requests
/// (`wasmtime serve`'s --max-instance-reuse-count,
/// --max-instance-concurrent-reuse-count and --idle-instance-timeout, with
/// their WASI 0.3 defaults). A 0.2 handler gets a fresh instance per request.
struct InstanceReuse {
  size_t max_requests = 128;   ///< requests one instance serves in its life
  size_t max_concurrent = 16;  ///< requests one instance serves at once
  /// How long an instance with no request is kept for the next one.
  std::chrono::nanoseconds idle_timeout = std::chrono::seconds(1);
};

/// What each request's instance is granted.
struct HandlerOptions {
  /// --env and --dir, as `flint run` grants them (arguments: the component's name).
  wasi::WasiOptions wasi;
  /// -S cli: all of WASI 0.2's wasi:cli (environment, exit, terminals) and
  /// wasi:filesystem too, not only the wasi:http/proxy world's imports.
  bool cli = false;
  /// The engine and limits each request's Store gets (the component's).
  Config config;
  /// How long one request's guest may run (the engine's interruption: the
  /// component must be compiled with Config::interruptible); none: no limit.
  std::optional<std::chrono::nanoseconds> timeout;
  /// The --timeout flag as written, for messages.
  std::string timeout_spec;
  /// The component's file name, for messages.
  std::string name;
  /// Where the guest may connect (Spin's allowed_outbound_hosts, or
  /// `--allow-outbound-host`): outbound HTTP, and with `cli` wasi:sockets
  /// too; null: nowhere (deny by default).
  std::shared_ptr<const outbound::AllowedHosts> allowed_hosts;
  /// More host interfaces for each request's linker, after WASI and
  /// wasi:http (`flint up`: Spin's). A 0.2 handler's linkers are reused
  /// from one request to the next (linker_pool.h): what these interfaces
  /// keep per store must be registered with
  /// ComponentLinker::renew_with_each_store.
  std::function<void(component::ComponentLinker&)> define_more;
  /// How a wasi:http@0.3 service's instances serve many requests.
  InstanceReuse reuse;
  /// Told of every request whose guest trapped or could not be instantiated
  /// (the metrics' trap count); may be empty.
  std::function<void(const Error&)> on_failure;
  /// Told of every instance made (the metrics' instance count); may be empty.
  std::function<void()> on_instance;
};

/// The handler serving `component`. Before serving, check_component()
/// instantiates it once so that a component that cannot link or exports no
/// handler is refused at start-up, not per request.
RequestHandler component_handler(std::shared_ptr<const component::CompiledComponent> component,
                                 HandlerOptions options);

/// Checks, before compiling, that every import of the component in `bytes`
/// names something the handler's linker defines: a component that cannot
/// link is refused in a moment, not after minutes of compiling a 25 MB
/// Python app (check_component then checks the types, once compiled).
Status check_imports(std::span<const uint8_t> bytes, const HandlerOptions& options);

/// Instantiates `component` once with the handler's imports and checks that
/// it exports wasi:http/incoming-handler@0.2.x or wasi:http/handler@0.3.x.
Status check_component(const std::shared_ptr<const component::CompiledComponent>& component,
                       const HandlerOptions& options);

}  // namespace flint::serve
