// What serving a wasi:http component needs per instance, whether the
// instance serves one request (a 0.2 handler) or many (a 0.3 service,
// shared_instances.h): its Store, linker, hosts and instance, how a
// failure is logged, and how a request's outcome becomes the answer.
#pragma once

#include <memory>

#include "component_runtime/compiled_component.h"
#include "component_runtime/instantiate.h"
#include "serve/component_handler.h"
#include "wasihttp/http03.h"
#include "wasihttp/wasihttp.h"

namespace flint::serve {

/// One instance of the served component: its Store, the WASI and wasi:http
/// hosts its linker was given, and the instance.
struct RequestInstance {
  explicit RequestInstance(const Config& config) : store(config) {}
  Store store;
  component::ComponentLinker linker;
  std::shared_ptr<wasihttp::HttpHost> http;        ///< wasi:http@0.2
  std::shared_ptr<wasihttp::v03::HttpHost> http3;  ///< wasi:http@0.3
  component::InstancePtr instance;
};

/// The WASI and wasi:http hosts of one linker.
struct DefinedHosts {
  std::shared_ptr<wasip2::Host> wasi;
  std::shared_ptr<wasihttp::HttpHost> http;        ///< wasi:http@0.2
  std::shared_ptr<wasihttp::v03::HttpHost> http3;  ///< wasi:http@0.3
};

/// Defines WASI and wasi:http in `linker` as the options grant them, over
/// `ctx` (everything but options.define_more).
DefinedHosts define_hosts(component::ComponentLinker& linker,
                          std::shared_ptr<wasi::WasiContext> ctx, const HandlerOptions& options);

/// Defines in `r`'s linker what every instance is granted.
Status define_imports(RequestInstance& r, const HandlerOptions& options);

/// A new instance of `component` with the options' grants; its store's
/// deadline (--timeout) covers instantiation (start functions) too.
Result<std::unique_ptr<RequestInstance>> instantiate(
    const std::shared_ptr<const component::CompiledComponent>& component,
    const HandlerOptions& options);

/// Reports `error` on stderr as `flint run` reports a trap, with `store`'s
/// wasm backtrace when there is one, and tells options.on_failure.
void log_failure(const HandlerOptions& options, Error error, const Store* store);

/// Answers a short 500 through `writer` (the details are in the server's
/// log): start, body, finish, done.
void internal_error(wasihttp::AsyncResponseWriter& writer, std::string_view message);

/// Ends `writer`'s exchange as `out` says: nothing more once the guest's
/// response went out; a 500 when it set an error-code, trapped or set no
/// response (each logged). Calls writer.done().
void answer(const HandlerOptions& options, const wasihttp::Outcome& out,
            wasihttp::AsyncResponseWriter& writer, const Store* store);

}  // namespace flint::serve
