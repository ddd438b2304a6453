// wasi:http/client@0.3 (wit/client.wit): `send`, an async function that
// sends a request with the 0.2 client's transfer (client.h: libcurl on a
// thread of its own) and resolves once the response head arrives. Deny by
// default, as 0.2's outgoing-handler: only the allowed hosts are reached,
// any other request is `HTTP-request-denied`.
//
// The request's body is the guest's stream, handed to the transfer as the
// guest writes it; when the guest drops it, its trailers future gives the
// trailers sent after a chunked body. The response's body is a stream the
// host writes from the transfer: a read with nothing arrived yet waits on
// the store's loop (the transfer's eventfd), so the guest's other tasks run.
#include <poll.h>

#include "component_runtime/host_function.h"
#include "wasihttp/http03.h"

namespace flint::wasihttp::v03 {

using namespace component;

namespace {

using Args = std::span<const ComponentValue>;

/// future<result<option<trailers>, error-code>>'s value type.
ValueTypePtr trailers_result(const HttpHost& host) {
  return wit::result(wit::option(wit::own(host.fields.type())), error_code_type());
}

/// Streams the guest's request body to the transfer, then its trailers;
/// `transmitted` (the future request.new gave the guest) reports the end.
void upload_body(Store& store, HttpHost& host, HttpBody body,
                 const std::shared_ptr<ClientExchange>& exchange) {
  std::optional<HostFuture> transmitted = body.transmitted;
  auto report = [transmitted](ComponentValue v) {
    if (transmitted) (void)transmitted->write(std::move(v));
  };
  std::shared_ptr<SharedChannel> trailers = body.trailers;
  HttpHost* h = &host;  // the host outlives the store's tasks
  read_stream(
      store, body.contents,
      [exchange](std::span<const uint8_t> bytes) {
        SinkResult r;
        r.stop = !exchange->write_body(bytes);
        r.taken = bytes.size();
        return r;
      },
      [exchange, trailers, h, report] {
        if (!trailers) {
          exchange->finish_body();
          return report(val::ok());
        }
        read_future(trailers, [exchange, h, report](std::optional<ComponentValue> v) {
          // err(e): the guest's body failed, and the request with it.
          if (v && v->as_case().index == 1) {
            exchange->abort_body();
            return report(*v);
          }
          // ok(some(trailers)) are sent; ok(none), or a future dropped
          // unwritten, ends the body without any.
          std::optional<Fields> sent;
          const ComponentValue* option = v ? &*v->as_case().payload : nullptr;
          if (option && option->as_case().payload) {
            Result<Fields> f = h->fields.take(option->as_case().payload->as_handle().rep);
            if (f) sent = std::move(*f);
          }
          exchange->finish_body(std::move(sent));
          report(val::ok());
        });
      });
}

/// The response's body: a stream read from the transfer as the guest reads
/// it, and the future of its trailers, written once the body ended.
HttpBody response_body(Store& store, HttpHost& host,
                       const std::shared_ptr<ClientExchange>& exchange) {
  HttpBody body;
  HostFuture trailers(trailers_result(host));
  body.trailers = channel_of(trailers.value());
  HttpHost* h = &host;
  body.contents = source_stream(
      wit::u8(),
      [exchange, trailers, h](uint32_t max) {
        SourceChunk chunk;
        if (!exchange->body_ready()) {
          chunk.wait = HostWait{std::nullopt, exchange->body_fd()->get(), POLLIN};
          return chunk;
        }
        return body_chunk(exchange->read_body(max), trailers, *h,
                          [&] { return exchange->trailers(); });
      },
      &store);
  return body;
}

/// `send`: checks and sends the request, then waits (an async task's wait
/// on the loop) for the response head.
HostReturn send(Store& store, HttpHost& host, Args a) {
  FLINT_ASSIGN(HttpRequest q, host.requests.take(a[0].as_handle().rep));
  // The future request.new gave the guest: ok once the request went out,
  // else the error that stopped it (the first report wins).
  std::optional<HostFuture> transmitted = q.body.transmitted;
  auto fail = [&transmitted](const ClientError& e) -> HostReturn {
    ComponentValue error = val::err(error_code_value(e.code, e.message));
    if (transmitted) (void)transmitted->write(error);
    return error;
  };
  ClientRequest request;
  if (std::optional<ClientError> refused =
          prepare_request(q.method, q.scheme, q.authority, q.path_with_query, q.headers,
                          host.allowed_hosts.get(), request))
    return fail(*refused);
  request.has_body = q.body.contents != nullptr;
  if (!request.has_body && request.body_size && *request.body_size == 0) {
    request.has_body = true;  // an explicit empty body: `content-length: 0`
    request.body_finished = true;
  }
  if (q.options) {
    request.connect_timeout = q.options->connect_timeout;
    request.first_byte_timeout = q.options->first_byte_timeout;
    request.between_bytes_timeout = q.options->between_bytes_timeout;
  }
  const bool uploading = q.body.contents != nullptr;
  std::shared_ptr<ClientExchange> exchange = ClientExchange::start(std::move(request));
  if (uploading) upload_body(store, host, std::move(q.body), exchange);

  while (!exchange->head_ready()) FLINT_TRY(wait_for_fd(store, exchange->head_fd()->get(), POLLIN));
  auto head = exchange->head();
  if (auto* failed = std::get_if<ClientError>(&head)) return fail(*failed);
  // A body still being written reports its own end.
  if (transmitted && !uploading) (void)transmitted->write(val::ok());
  ClientHead& got = std::get<ClientHead>(head);
  HttpResponse response;
  response.status = got.status;
  response.headers = Fields::immutable_copy(got.headers);
  response.body = response_body(store, host, exchange);
  FLINT_ASSIGN(ComponentValue handle, host.responses.insert_own(std::move(response)));
  return val::ok(std::move(handle));
}

}  // namespace

void define_http_client(ComponentLinker& linker, const std::shared_ptr<HttpHost>& host,
                        const std::string& version) {
  HostInterface iface("wasi:http/client", version);
  iface.resource("request", host->requests.type());
  iface.resource("response", host->responses.type());
  iface.type("error-code", error_code_type());
  iface.function("send",
                 wit::async_func({{"request", wit::own(host->requests.type())}},
                                 wit::result(wit::own(host->responses.type()), error_code_type())),
                 [host](Store& store, Args a) { return send(store, *host, a); });
  define(linker, iface);
}

}  // namespace flint::wasihttp::v03
