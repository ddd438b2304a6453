// The state wasi:http@0.2's host functions share for one request's store:
// one HostResourceTable per wasi:http resource type, over the WASI 0.2
// host (src/wasip2) whose streams, pollables and errors the bodies use.
// The server's side of a request is an IncomingRequestData in and a
// ResponseWriter out; an Exchange records what became of the response.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "outbound/allowed_hosts.h"
#include "wasihttp/client.h"
#include "wasihttp/fields.h"
#include "wasip2/host.h"

namespace flint::wasihttp {

using component::ComponentValue;
using component::HostResourceTable;

/// A request body as the server gives it: a stream, and the trailers once
/// it has been read to its end.
class BodySource : public wasip2::StreamSource {
 public:
  /// The request's trailers, once read() has given the end (none: no
  /// trailers, or the body is not read to its end).
  virtual std::optional<Fields> trailers() { return std::nullopt; }
};

/// A request as the server received it, for wasi:http's incoming-request.
struct IncomingRequestData {
  std::string method;                    ///< as on the wire: "GET", "PURGE"
  std::string path_with_query;           ///< the origin-form target: "/a/b?q=1"
  std::optional<std::string> authority;  ///< the Host header
  bool https = false;
  Fields headers;
  std::shared_ptr<BodySource> body;  ///< null: an empty body
  /// The client's address, "IP:PORT" ("[V6]:PORT"); empty when unknown.
  std::string client_address;
};

/// A response made without blocking, by a thread that serves many
/// requests at once (the instance of a wasi:http@0.3 service, whose event
/// loop must never wait on one client). Calls come in order from one
/// thread at a time: start once, then offer any number of times, then
/// finish; done always last.
class AsyncResponseWriter {
 public:
  virtual ~AsyncResponseWriter() = default;
  /// The status and headers.
  virtual void start(uint16_t status, const Fields& headers) = 0;
  /// Queues all of `data` when the connection has room and returns true;
  /// returns false having taken nothing while earlier bytes are still on
  /// their way: offer again once ready_fd() polls readable. Bytes offered
  /// after the client went away are dropped (see gone()).
  virtual bool offer(std::span<const uint8_t> data) = 0;
  /// A descriptor poll(2) finds readable once offer() may take more; -1
  /// when offer() never refuses.
  virtual int ready_fd() = 0;
  /// The client went away or a write failed: nothing more reaches it.
  virtual bool gone() = 0;
  /// The body is complete; trailers may be null.
  virtual void finish(const Fields* trailers) = 0;
  /// The exchange is over, finished or not (an unfinished response cuts the
  /// connection; one never started is answered 500). The writer is not
  /// used after this.
  virtual void done() = 0;
};

/// Where a response goes; the server implements it. Calls come in order:
/// start once, then write any number of times, then finish, all on the
/// thread that runs the guest.
class ResponseWriter {
 public:
  virtual ~ResponseWriter() = default;
  /// The status and headers (response-outparam.set with a response).
  virtual void start(uint16_t status, const Fields& headers) = 0;
  /// Body bytes; false when the client is gone.
  virtual bool write(std::span<const uint8_t> data) = 0;
  /// The body is complete (outgoing-body.finish); trailers may be null.
  virtual void finish(const Fields* trailers) = 0;
  /// Hands the response over to a writer that outlives the handler's call:
  /// the handler may return at once and answer later, from another thread,
  /// without blocking. Called before start(), if at all; after it this
  /// writer is not used. Null when this writer cannot be deferred (the
  /// handler then answers before it returns).
  virtual std::shared_ptr<AsyncResponseWriter> defer() { return nullptr; }
};

/// A ResponseWriter used as an AsyncResponseWriter: offer() always takes
/// everything, waiting for the connection as the writer's write() does (for
/// callers of a service that are not a server able to defer). `on_done`
/// runs at done().
class BlockingResponseWriter : public AsyncResponseWriter {
 public:
  explicit BlockingResponseWriter(ResponseWriter& inner, std::function<void()> on_done = nullptr)
      : inner_(inner), on_done_(std::move(on_done)) {}
  void start(uint16_t status, const Fields& headers) override { inner_.start(status, headers); }
  bool offer(std::span<const uint8_t> data) override {
    gone_ = gone_ || !inner_.write(data);
    return true;
  }
  int ready_fd() override { return -1; }
  bool gone() override { return gone_; }
  void finish(const Fields* trailers) override { inner_.finish(trailers); }
  void done() override {
    if (on_done_) on_done_();
  }

 private:
  ResponseWriter& inner_;
  std::function<void()> on_done_;
  bool gone_ = false;
};

/// What became of one request's response.
struct Exchange {
  enum class State : uint8_t {
    Waiting,   ///< response-outparam.set not called
    Started,   ///< the head went out; the body is not finished
    Finished,  ///< the whole response went out
    Failed,    ///< set with an error-code (`error` says which)
  };
  ResponseWriter* writer = nullptr;  ///< null once the handler returned
  State state = State::Waiting;
  std::string error;
};

/// An outgoing body's bytes: held until the response is set or the request
/// handed to outgoing-handler.handle (a guest may write before either),
/// then passed on: to the server's writer, or to the outbound transfer.
struct BodyState {
  std::shared_ptr<Exchange> exchange;      ///< set for a response's body
  bool attached = false;                   ///< the response is set: write through
  std::shared_ptr<ClientExchange> upload;  ///< a sent request's body: write to it
  bool finished = false;
  std::vector<uint8_t> pending;
  std::optional<Fields> trailers;
};

/// incoming-request: the request, and whether its body was taken.
struct IncomingRequest {
  IncomingRequestData data;
  bool consumed = false;
};
/// incoming-body: the request body's source, streamed once.
struct IncomingBody {
  std::shared_ptr<BodySource> source;
  bool stream_taken = false;
};
/// future-trailers: the body's trailers, ready once the body is read to its
/// end (get reads what the guest left unread).
struct FutureTrailers {
  std::shared_ptr<BodySource> source;
  bool taken = false;
};
/// outgoing-response: what the guest builds before response-outparam.set.
struct OutgoingResponse {
  uint16_t status = 200;
  Fields headers;
  std::shared_ptr<BodyState> body = std::make_shared<BodyState>();
  bool body_taken = false;
};
/// outgoing-body: a response's or request's body, written through one stream.
/// A sent request's body dropped unfinished fails the request (types.wit:
/// dropping without finish means the body was corrupted).
struct OutgoingBody {
  std::shared_ptr<BodyState> state;
  bool stream_taken = false;

  OutgoingBody(std::shared_ptr<BodyState> s) : state(std::move(s)) {}
  OutgoingBody(OutgoingBody&&) noexcept = default;
  OutgoingBody& operator=(OutgoingBody&&) noexcept = default;
  ~OutgoingBody() {
    if (state && state->upload && !state->finished) state->upload->abort_body();
  }
};
/// response-outparam: where the one response of the request goes.
struct ResponseOutparam {
  std::shared_ptr<Exchange> exchange;
};
/// outgoing-request: built by the guest for outgoing-handler.
struct OutgoingRequest {
  ComponentValue method = ComponentValue::case_of(component::TypeKind::Variant, 0, std::nullopt);
  std::optional<std::string> path_with_query, authority;
  std::optional<ComponentValue> scheme;
  Fields headers;
  std::shared_ptr<BodyState> body = std::make_shared<BodyState>();
  bool body_taken = false;
};
/// request-options: the timeouts of an outgoing request, in nanoseconds.
struct RequestOptions {
  std::optional<uint64_t> connect_timeout, first_byte_timeout, between_bytes_timeout;
};
/// incoming-response: an outbound request's response head, and its body
/// (streamed by the transfer) once consumed.
struct IncomingResponse {
  uint16_t status = 0;
  Fields headers;
  std::shared_ptr<BodySource> body;
  bool consumed = false;
};
/// future-incoming-response: a sent request, ready once its head (or its
/// failure) is known; or a request refused before it was sent (`refused`,
/// ready at once).
struct FutureIncomingResponse {
  std::shared_ptr<ClientExchange> exchange;
  std::optional<ClientError> refused;
  bool taken = false;
};

/// All wasi:http state of one store.
struct HttpHost {
  explicit HttpHost(std::shared_ptr<wasip2::Host> wasi) : io(std::move(wasi)) {}

  /// Makes this host as a new one would be, for another store over the
  /// same linker (wasip2::Host::renew, which `io` needs too): every table
  /// empty, the resource types, `io` and the allowed hosts kept.
  void renew();

  /// The WASI 0.2 host whose streams and pollables wasi:http's use.
  std::shared_ptr<wasip2::Host> io;
  /// Where outgoing-handler may send requests; null: nowhere.
  std::shared_ptr<const outbound::AllowedHosts> allowed_hosts;

  // One table per wasi:http resource type (headers and trailers are fields).
  HostResourceTable<Fields> fields{"wasi:http/types.fields"};
  HostResourceTable<IncomingRequest> incoming_requests{"wasi:http/types.incoming-request"};
  HostResourceTable<OutgoingRequest> outgoing_requests{"wasi:http/types.outgoing-request"};
  HostResourceTable<RequestOptions> request_options{"wasi:http/types.request-options"};
  HostResourceTable<ResponseOutparam> response_outparams{"wasi:http/types.response-outparam"};
  HostResourceTable<IncomingResponse> incoming_responses{"wasi:http/types.incoming-response"};
  HostResourceTable<IncomingBody> incoming_bodies{"wasi:http/types.incoming-body"};
  HostResourceTable<FutureTrailers> future_trailers{"wasi:http/types.future-trailers"};
  HostResourceTable<OutgoingResponse> outgoing_responses{"wasi:http/types.outgoing-response"};
  HostResourceTable<OutgoingBody> outgoing_bodies{"wasi:http/types.outgoing-body"};
  HostResourceTable<FutureIncomingResponse> future_incoming_responses{
      "wasi:http/types.future-incoming-response"};
};

// ---- Mapping between the wire and WIT values ---------------------------------

/// wasi:http/types.method for a request line's method: a known one's case,
/// else `other(name)`.
ComponentValue method_value(std::string_view method);
/// The wire name of a method value ("GET"; `other`'s string).
std::string method_name(const ComponentValue& method);
/// wasi:http/types.error-code's case names, in WIT order (for messages).
std::string_view error_code_name(uint32_t index);
/// wasi:http/types.error-code, the variant (the same in 0.2 and 0.3).
component::ValueTypePtr error_code_type();
/// wasi:http/types.method: the known methods, then other(string).
component::ValueTypePtr method_type();
/// wasi:http/types.scheme: HTTP, HTTPS, other(string).
component::ValueTypePtr scheme_type();
/// error-code's case HTTP-request-denied.
inline constexpr uint32_t kHttpRequestDenied = 15;
/// An error-code value of case `index`, its payload empty or (for the
/// cases that carry a string: internal-error, the content codings) `message`.
ComponentValue error_code_value(uint32_t index, const std::string& message = {});

/// The wasi:http version Flint defines its interfaces at; the linker's
/// semver-compatible resolution gives it to imports of any 0.2.x.
inline constexpr const char* kVersion = "0.2.6";

/// Defines `fields`' constructor and methods in `iface` over `table` (its
/// owner kept alive through it): 0.2's, or with `wasi03` 0.3's (entries
/// renamed copy-all, and get-and-delete), `header_error` being the
/// version's header-error (0.3 adds cases after 0.2's three).
void define_fields(component::HostInterface& iface,
                   std::shared_ptr<component::HostResourceTable<Fields>> table,
                   component::ValueTypePtr header_error, bool wasi03);

/// Defines wasi:http/types in `linker` over `host` (types.cc).
void define_types(component::ComponentLinker& linker, const std::shared_ptr<HttpHost>& host);
/// Checks an outgoing request and fills `request` (method, URL, headers
/// for curl, and body_size from a valid content-length): what 0.2's
/// outgoing-handler and 0.3's client share. No scheme is HTTPS, as
/// Wasmtime; the authority must be host[:port] and the path origin-form.
/// Returns why it cannot go: a malformed request's error-code, or
/// HTTP-request-denied for a URL `allowed_hosts` (null: none) does not allow.
std::optional<ClientError> prepare_request(
    const ComponentValue& method, const std::optional<ComponentValue>& scheme,
    const std::optional<std::string>& authority, const std::optional<std::string>& path_with_query,
    const Fields& headers, const outbound::AllowedHosts* allowed_hosts, ClientRequest& request);

/// Defines wasi:http/outgoing-handler: requests to the allowed hosts are
/// sent with libcurl, others denied (outgoing.cc).
void define_outgoing_handler(component::ComponentLinker& linker,
                             const std::shared_ptr<HttpHost>& host);

}  // namespace flint::wasihttp
