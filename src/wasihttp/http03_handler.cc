// wasi:http@0.3's handler: serving one request through a service's
// exported `handle` (http.h).
#include <poll.h>

#include "runtime/fiber.h"
#include "wasihttp/http03.h"

namespace flint::wasihttp::v03 {

using namespace component;

std::shared_ptr<HttpHost> define_http(ComponentLinker& linker,
                                      std::shared_ptr<const outbound::AllowedHosts> allowed_hosts) {
  auto host = std::make_shared<HttpHost>();
  host->allowed_hosts = std::move(allowed_hosts);
  linker.define_group_lazily("wasip3-http", [host](ComponentLinker& l) {
    for (const char* version : wasip3::kVersions) {
      define_http_types(l, host, version);
      define_http_client(l, host, version);
    }
  });
  return host;
}

// renew() resets HttpHost's fields one by one: a field added to it must be
// added there too (or, for a table, its objects would outlive the request).
// The size stands guard on the platform CI builds.
#if defined(__x86_64__) && defined(__GLIBCXX__)
static_assert(sizeof(HttpHost) == 208, "a field was added to HttpHost: reset it in renew()");
#endif

void HttpHost::renew() {
  // Only the tables change from one store to the next.
  fields.renew();
  requests.renew();
  responses.renew();
  options.renew();
}

Result<FunctionPtr> find_handler(const ComponentInstanceItem& instance) {
  // Any 0.3.x, or a release candidate: the name carries the guest's version.
  for (const auto& [name, item] : instance.exports)
    if (name.starts_with("wasi:http/handler@0.3.") && std::get_if<InstancePtr>(&item))
      return find_function(instance, name + "#handle");
  return make_error(ErrorCode::UnknownImport,
                    "the component exports no wasi:http/handler@0.3.x instance");
}

namespace {

// error-code cases.
constexpr uint32_t kConnectionTerminated = 7;
constexpr uint32_t kInternalError = 38;

/// The request the server received, as the guest's `request`: its body
/// streamed from the server's source as the guest reads it, its trailers
/// ready once the body has been read to its end.
Result<ComponentValue> incoming_request(Store& store, HttpHost& host, IncomingRequestData data) {
  HttpRequest q;
  q.method = method_value(data.method);
  q.scheme = val::variant_case(data.https ? 1 : 0);
  q.authority = data.authority;
  q.path_with_query = data.path_with_query;
  q.headers = Fields::immutable_copy(data.headers);
  ResourceTypePtr fields = host.fields.type();
  HostFuture trailers(wit::result(wit::option(wit::own(fields)), error_code_type()));
  q.body.trailers = channel_of(trailers.value());
  std::shared_ptr<BodySource> source = data.body;
  HttpHost* h = &host;  // the host outlives the request's store use
  q.body.contents = source_stream(
      wit::u8(),
      [source, trailers, h](uint32_t max) {
        SourceChunk chunk;
        if (!source) {
          chunk.end = true;
          (void)trailers.write(val::ok(val::none()));
          return chunk;
        }
        // A source that may have nothing yet (the server's connection) is read
        // once its descriptor says a read will not wait; meanwhile the loop
        // runs the instance's other tasks (other requests).
        if (wasip2::SharedFd fd = source->ready_fd(); fd) {
          pollfd p{fd->get(), POLLIN, 0};
          if (::poll(&p, 1, 0) <= 0) {
            chunk.wait = HostWait{.deadline = std::nullopt, .fd = fd->get(), .events = POLLIN};
            return chunk;
          }
        }
        return body_chunk(source->read(max), trailers, *h, [&] { return source->trailers(); });
      },
      &store);
  // A guest that never reads the body still gets its trailers' future answered.
  q.body.contents->on_drop([trailers] { (void)trailers.write(val::ok(val::none())); });
  return host.requests.insert_own(std::move(q));
}

/// The case name of an error-code value, for messages.
std::string error_name(const ComponentValue& code) {
  return std::string(error_code_name(code.as_case().index));
}

}  // namespace

namespace {

/// One request through a service, driven by the store's loop: the call of
/// `handle`, then the response's body and trailers to the writer. Each
/// step is a callback of the loop, so one instance's loop can carry many.
struct HandleCall : std::enable_shared_from_this<HandleCall> {
  HandleCall(Store& s, HttpHost& h, std::shared_ptr<AsyncResponseWriter> w,
             std::function<void(Outcome)> d)
      : store(s), host(h), writer(std::move(w)), done(std::move(d)) {}

  Store& store;
  HttpHost& host;
  std::shared_ptr<AsyncResponseWriter> writer;
  std::function<void(Outcome)> done;
  Outcome out;
  bool finished = false;
  bool client_gone = false;
  HttpResponse response;

  void finish() {
    if (finished) return;
    finished = true;
    std::function<void(Outcome)> d = std::move(done);
    d(std::move(out));
  }
  void fail(Error e) {
    out.call = std::move(e);
    finish();
  }

  /// `handle` returned (or was cancelled).
  Status resolved(CallOutcome r) {
    if (r.cancelled || !r.result) {
      fail(make_error(ErrorCode::ComponentTrap, "the handler was cancelled before it returned"));
      return {};
    }
    const ComponentValue::Case& c = r.result->as_case();
    if (c.index != 0) {
      out.state = Exchange::State::Failed;
      out.error = error_name(*c.payload);
      finish();
      return {};
    }
    Result<HttpResponse> taken = host.responses.take(c.payload->as_handle().rep);
    if (!taken) return taken.error();
    response = std::move(*taken);
    writer->start(response.status, response.headers);
    out.state = Exchange::State::Started;
    // The body, to its end: the guest may go on writing after `handle`
    // returned, its task running on the loop meanwhile.
    auto self = shared_from_this();
    if (!response.body.contents) {
      read_trailers();
      return {};
    }
    read_stream(
        store, response.body.contents,
        [self](std::span<const uint8_t> bytes) {
          SinkResult r;
          if (self->finished || self->writer->gone()) {
            self->client_gone = !self->finished;
            r.stop = true;
          } else if (self->writer->offer(bytes)) {
            r.taken = bytes.size();
          } else {
            // The connection is behind: the guest's next write waits.
            r.wait = HostWait{
                .deadline = std::nullopt, .fd = self->writer->ready_fd(), .events = POLLIN};
          }
          return r;
        },
        [self] { self->read_trailers(); });
    return {};
  }

  void read_trailers() {
    auto self = shared_from_this();
    read_future(response.body.trailers,
                [self](std::optional<ComponentValue> v) { self->complete(std::move(v)); });
  }

  /// The trailers' future resolved (or was dropped): the response ends.
  void complete(std::optional<ComponentValue> trailers) {
    std::optional<Fields> trailer_fields;
    std::optional<std::string> body_error;
    if (!trailers) {
      body_error = "the response's trailers were dropped unwritten";
    } else if (trailers->as_case().index != 0) {
      body_error = error_name(*trailers->as_case().payload);
    } else if (const auto& some = trailers->as_case().payload; some && some->as_case().payload) {
      Result<Fields> t = host.fields.take(some->as_case().payload->as_handle().rep);
      if (t) trailer_fields = std::move(*t);
    }
    if (body_error || client_gone) {
      // The head went out: the server ends the connection without finishing.
      if (response.body.transmitted)
        (void)response.body.transmitted->write(val::err(error_code_value(
            client_gone ? kConnectionTerminated : kInternalError, body_error.value_or(""))));
      if (body_error) out.error = *body_error;
      return finish();
    }
    writer->finish(trailer_fields ? &*trailer_fields : nullptr);
    out.state = Exchange::State::Finished;
    // Tell the guest its response went out.
    if (response.body.transmitted) (void)response.body.transmitted->write(val::ok());
    finish();
  }
};

}  // namespace

Status start_handle(Store& store, const ComponentInstanceItem& instance, HttpHost& host,
                    IncomingRequestData request, std::shared_ptr<AsyncResponseWriter> writer,
                    std::function<void(Outcome)> done) {
  FLINT_ASSIGN(FunctionPtr handler, find_handler(instance));
  FLINT_ASSIGN(ComponentValue req, incoming_request(store, host, std::move(request)));
  auto call = std::make_shared<HandleCall>(store, host, std::move(writer), std::move(done));
  auto args = std::make_shared<std::vector<ComponentValue>>();
  args->push_back(std::move(req));
  Supertask from_host;
  begin_host_call(store);
  return handler->start(
      store, from_host, [args] { return Result<std::vector<ComponentValue>>(std::move(*args)); },
      [call](CallOutcome r) { return call->resolved(std::move(r)); }, nullptr);
}

}  // namespace flint::wasihttp::v03
