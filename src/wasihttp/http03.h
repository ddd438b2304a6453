// wasi:http@0.3 (wit/types.wit, handler.wit): HTTP requests and responses
// whose bodies are a stream<u8> and whose trailers are a future, and the
// `handle` a service exports, which `flint serve` calls per request
// (src/serve/shared_instances.h, many calls at once on one instance).
//
// The server's side is wasi:http@0.2's (src/wasihttp): an
// IncomingRequestData in, an AsyncResponseWriter out, the same Fields
// rules. A request's body streams from the server's BodySource as the
// guest reads it; a response's body goes to the writer as the guest writes
// it, the store's event loop running the guest's task until the body's
// writer drops its end (a guest may go on writing after `handle` returned).
//
//   auto http = wasihttp::v03::define_http(linker);
//   auto instance = component::instantiate(store, compiled, linker);
//   wasihttp::v03::start_handle(store, **instance, *http, std::move(request), writer, done);
//   component::Scheduler::of(store).run_until([&] { return answered; });
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "component_runtime/host_channels.h"
#include "component_runtime/instantiate.h"
#include "wasihttp/host.h"
#include "wasihttp/wasihttp.h"
#include "wasip3/wasip3.h"

namespace flint::wasihttp::v03 {

/// A request's or response's body: its contents (null: empty), its
/// trailers (a future<result<option<trailers>, error-code>>), and the
/// future `new` gave the body's producer, which reports how the consumer
/// fared (written when consume-body's `res` is, or by the server).
struct HttpBody {
  std::shared_ptr<component::SharedChannel> contents;
  std::shared_ptr<component::SharedChannel> trailers;
  std::optional<component::HostFuture> transmitted;
};

/// request-options: the timeouts of an outgoing request, in nanoseconds.
struct HttpRequestOptions {
  std::optional<uint64_t> connect_timeout, first_byte_timeout, between_bytes_timeout;
  /// Once part of a request, its options may not change.
  bool immutable = false;
};

/// `request`: what the guest builds, or what the server received.
struct HttpRequest {
  component::ComponentValue method;
  std::optional<component::ComponentValue> scheme;
  std::optional<std::string> authority, path_with_query;
  Fields headers;
  std::optional<HttpRequestOptions> options;
  HttpBody body;
};

/// `response`.
struct HttpResponse {
  uint16_t status = 200;
  Fields headers;
  HttpBody body;
};

/// All wasi:http@0.3 state of one store.
struct HttpHost {
  /// Makes this host as a new one would be, for another store over the
  /// same linker: every table empty, the resource types and the allowed
  /// hosts kept.
  void renew();

  /// Where wasi:http/client may send requests; null: nowhere.
  std::shared_ptr<const outbound::AllowedHosts> allowed_hosts;
  component::HostResourceTable<Fields> fields{"wasi:http/types.fields"};
  component::HostResourceTable<HttpRequest> requests{"wasi:http/types.request"};
  component::HostResourceTable<HttpResponse> responses{"wasi:http/types.response"};
  component::HostResourceTable<HttpRequestOptions> options{"wasi:http/types.request-options"};
};

/// The guest stream's chunk for one read `r` of a body: its bytes, and
/// once it ends (or failed) the body's trailers future (a
/// future<result<option<trailers>, error-code>>) resolved: ok with what
/// `at_end` gives, or err with the failure's error-code.
component::SourceChunk body_chunk(wasip2::StreamSource::Read r,
                                  const component::HostFuture& trailers, HttpHost& host,
                                  const std::function<std::optional<Fields>()>& at_end);

/// Defines wasi:http/types@0.3 (at each of wasip3::kVersions) in `linker`,
/// lazily: built when a component first imports it.
std::shared_ptr<HttpHost> define_http(
    component::ComponentLinker& linker,
    std::shared_ptr<const outbound::AllowedHosts> allowed_hosts = nullptr);

/// Defines wasi:http/types at `version` over `host` (http_types.cc).
void define_http_types(component::ComponentLinker& linker, const std::shared_ptr<HttpHost>& host,
                       const std::string& version);

/// Defines wasi:http/client at `version` over `host` (http03_client.cc):
/// `send` reaches the allowed hosts only.
void define_http_client(component::ComponentLinker& linker, const std::shared_ptr<HttpHost>& host,
                        const std::string& version);

/// The instance's exported wasi:http/handler@0.3.x (or release candidate)
/// `handle`; an error when it exports none.
Result<component::FunctionPtr> find_handler(const component::ComponentInstanceItem& instance);

/// Starts a call of the instance's handler with `request`, driven by the
/// store's loop (Scheduler::run_until): `writer` gets the response as the
/// guest makes it (never blocking the loop: a connection that is behind
/// holds the guest's writes back), and `done` runs once with the outcome when the response
/// ended (or failed). Many calls may be in flight in one instance, as the
/// async ABI allows (a wasi:http/handler@0.3 service serving requests
/// concurrently). A trap ends the loop's run_until instead, with the calls
/// in flight unfinished. An error: the call could not start.
Status start_handle(Store& store, const component::ComponentInstanceItem& instance, HttpHost& host,
                    IncomingRequestData request, std::shared_ptr<AsyncResponseWriter> writer,
                    std::function<void(Outcome)> done);

}  // namespace flint::wasihttp::v03
