// wasi:http/outgoing-handler@0.2 (wasi-http handler.wit): outbound HTTP.
// Deny by default (issue 13): a request goes out only when the host's
// AllowedHosts (Spin's allowed_outbound_hosts, `flint serve
// --allow-outbound-host`) allows its URL; any other is answered
// `HTTP-request-denied` by its future-incoming-response, as Spin answers
// it (malformed requests are refused by `handle` itself, as Wasmtime). An
// allowed request is sent with libcurl (client.cc) and `handle` returns at
// once with a future-incoming-response whose pollable is ready when the
// response head arrives.
#include <charconv>

#include "wasihttp/host.h"

namespace flint::wasihttp {

using namespace component;

namespace {

// error-code cases this file answers (types.cc's order).
constexpr uint32_t kUriInvalid = 19, kProtocolError = 35, kMethodInvalid = 18;

/// Whether `authority` is host[:port] and nothing else (no userinfo, path,
/// whitespace or control characters that would change the URL curl sends).
bool plain_authority(std::string_view authority) {
  if (authority.empty()) return false;
  for (unsigned char c : authority)
    if (c <= ' ' || c >= 0x7f || c == '/' || c == '?' || c == '#' || c == '@' || c == '\\')
      return false;
  return true;
}

/// Whether `path` is an origin-form target ("/a/b?q") with no whitespace or
/// control characters.
bool plain_path(std::string_view path) {
  if (path.empty() || path.front() != '/') return false;
  for (unsigned char c : path)
    if (c <= ' ' || c == 0x7f || c == '#') return false;
  return true;
}

Result<ComponentValue> deny(uint32_t code, std::string message = {}) {
  return val::err(error_code_value(code, message));
}

/// handle(request, options): checks the request, sends it if allowed.
HostReturn send(HttpHost& host, std::span<const ComponentValue> a) {
  FLINT_ASSIGN(OutgoingRequest q, host.outgoing_requests.take(a[0].as_handle().rep));
  RequestOptions options;
  if (a[1].as_case().payload) {
    FLINT_ASSIGN(options, host.request_options.take(a[1].as_case().payload->as_handle().rep));
  }
  ClientRequest request;
  std::optional<ClientError> refused =
      prepare_request(q.method, q.scheme, q.authority, q.path_with_query, q.headers,
                      host.allowed_hosts.get(), request);
  if (refused && refused->code == kHttpRequestDenied) {
    // As Spin: the future answers the denial (the guest sees it at
    // future-incoming-response.get), not handle.
    FutureIncomingResponse denied;
    denied.refused = std::move(refused);
    FLINT_ASSIGN(ComponentValue future,
                 host.future_incoming_responses.insert_own(std::move(denied)));
    return val::ok(std::move(future));
  }
  if (refused) return deny(refused->code);
  BodyState& body = *q.body;
  request.has_body = q.body_taken;
  if (request.has_body) {
    request.initial_body = std::move(body.pending);
    body.pending.clear();
    request.body_finished = body.finished;
    if (body.finished) request.body_size = request.initial_body.size();
  } else if (request.body_size && *request.body_size == 0) {
    request.has_body = true;  // an explicit empty body: `content-length: 0`
    request.body_finished = true;
  }
  request.connect_timeout = options.connect_timeout;
  request.first_byte_timeout = options.first_byte_timeout;
  request.between_bytes_timeout = options.between_bytes_timeout;
  std::shared_ptr<ClientExchange> exchange = ClientExchange::start(std::move(request));
  // The rest of the body streams to the transfer as the guest writes it.
  if (q.body_taken && !body.finished) body.upload = exchange;
  FutureIncomingResponse sent;
  sent.exchange = exchange;
  FLINT_ASSIGN(ComponentValue future, host.future_incoming_responses.insert_own(std::move(sent)));
  return val::ok(std::move(future));
}

}  // namespace

std::optional<ClientError> prepare_request(
    const ComponentValue& method, const std::optional<ComponentValue>& scheme_value,
    const std::optional<std::string>& authority, const std::optional<std::string>& path_with_query,
    const Fields& headers, const outbound::AllowedHosts* allowed_hosts, ClientRequest& request) {
  // scheme://authority/path-with-query. No scheme: HTTPS, as Wasmtime.
  std::string scheme = "https";
  if (scheme_value) {
    const auto& c = scheme_value->as_case();
    if (c.index == 2) return ClientError{kProtocolError, "neither HTTP nor HTTPS"};
    scheme = c.index == 0 ? "http" : "https";
  }
  if (!authority || !plain_authority(*authority))
    return ClientError{kUriInvalid, "no authority, or one with more than a host and port"};
  std::string path = path_with_query.value_or("/");
  if (path.empty()) path = "/";
  if (!plain_path(path)) return ClientError{kUriInvalid, "not a path: " + path};
  std::string url = scheme + "://" + *authority + path;
  if (!allowed_hosts || !allowed_hosts->allows_url(url))
    return ClientError{kHttpRequestDenied, "not an allowed outbound host: " + url};
  request.method = method_name(method);
  if (request.method.empty()) return ClientError{kMethodInvalid, "no method"};
  request.url = std::move(url);
  for (const auto& [name, value] : headers.entries()) {
    // The host header is the authority's (curl writes it from the URL);
    // content-length is curl's to write from the size it is given.
    if (name == "host") continue;
    if (name == "content-length") {
      uint64_t n = 0;
      auto* end = reinterpret_cast<const char*>(value.data() + value.size());
      auto [p, ec] = std::from_chars(reinterpret_cast<const char*>(value.data()), end, n);
      if (ec == std::errc() && p == end) request.body_size = n;
      continue;
    }
    request.headers.emplace_back(name, value);
  }
  return std::nullopt;
}

void define_outgoing_handler(ComponentLinker& linker, const std::shared_ptr<HttpHost>& host) {
  HostInterface iface("wasi:http/outgoing-handler", kVersion);
  ResourceTypePtr request = host->outgoing_requests.type();
  ResourceTypePtr options = host->request_options.type();
  ResourceTypePtr future = host->future_incoming_responses.type();
  iface.resource("outgoing-request", request);
  iface.resource("request-options", options);
  iface.resource("future-incoming-response", future);
  iface.function(
      "handle",
      wit::func({{"request", wit::own(request)}, {"options", wit::option(wit::own(options))}},
                wit::result(wit::own(future), error_code_type())),
      [host](Store&, std::span<const ComponentValue> a) -> HostReturn { return send(*host, a); });
  iface.type("error-code", error_code_type());
  define(linker, iface);
}

}  // namespace flint::wasihttp
