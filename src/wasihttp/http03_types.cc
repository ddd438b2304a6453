// wasi:http/types@0.3 (wit/types.wit): fields (0.2's, src/wasihttp),
// request, response and request-options, whose bodies are streams and
// whose trailers are futures (http.h).
#include <cctype>
#include <cstring>

#include "wasihttp/http03.h"

namespace flint::wasihttp::v03 {

using namespace component;

namespace {

using Args = std::span<const ComponentValue>;
using HostPtr = std::shared_ptr<HttpHost>;

ValueTypePtr header_error_type() {
  static const ValueTypePtr type = wit::variant({{"invalid-syntax", nullptr},
                                                 {"forbidden", nullptr},
                                                 {"immutable", nullptr},
                                                 {"size-exceeded", nullptr},
                                                 {"other", wit::option(wit::string())}});
  return type;
}

ValueTypePtr options_error_type() {
  static const ValueTypePtr type = wit::variant(
      {{"not-supported", nullptr}, {"immutable", nullptr}, {"other", wit::option(wit::string())}});
  return type;
}

/// future<result<option<trailers>, error-code>>'s value type.
ValueTypePtr trailers_result(const ResourceTypePtr& fields) {
  return wit::result(wit::option(wit::own(fields)), error_code_type());
}

/// The resource a borrow or own argument names.
uint32_t rep_of(const ComponentValue& v) { return v.as_handle().rep; }

/// RFC 3986's unreserved, pct-encoded's "%" and sub-delims.
bool uri_char(unsigned char c) { return std::isalnum(c) || std::strchr("-._~%!$&'()*+,;=", c); }

/// A request target's path and query: any byte but controls, space and
/// what RFC 3986 never allows in one (raw UTF-8 is taken, as servers do).
bool valid_path(const std::string& s) {
  for (unsigned char c : s)
    if (c <= 0x20 || c == 0x7f || std::strchr("\"<>\\^`{|}", c)) return false;
  return true;
}

/// An authority: [userinfo "@"] host [":" port] (RFC 3986 section 3.2),
/// the host a reg-name or an IP literal in brackets, the port digits.
bool valid_authority(const std::string& s) {
  const size_t at = s.rfind('@');
  if (at != std::string::npos && s.find('@') != at) return false;
  const std::string userinfo = at == std::string::npos ? "" : s.substr(0, at);
  const std::string hostport = at == std::string::npos ? s : s.substr(at + 1);
  for (unsigned char c : userinfo)
    if (!uri_char(c) && c != ':') return false;
  std::string host, port;
  if (!hostport.empty() && hostport[0] == '[') {
    const size_t close = hostport.find(']');
    if (close == std::string::npos) return false;
    for (unsigned char c : hostport.substr(1, close - 1))
      if (!std::isxdigit(c) && c != ':' && c != '.') return false;
    host = hostport.substr(0, close + 1);
    const std::string rest = hostport.substr(close + 1);
    if (!rest.empty() && rest[0] != ':') return false;
    if (!rest.empty()) port = rest.substr(1);
  } else {
    const size_t colon = hostport.rfind(':');
    host = hostport.substr(0, colon);
    if (colon != std::string::npos) port = hostport.substr(colon + 1);
    for (unsigned char c : host)
      if (!uri_char(c)) return false;
  }
  if (host.empty() || host == "[]") return false;
  for (unsigned char c : port)
    if (!std::isdigit(c)) return false;
  return true;
}

/// A scheme's `other` name: RFC 3986's ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).
bool valid_scheme(const ComponentValue& scheme) {
  const auto& c = scheme.as_case();
  if (!c.payload) return true;
  const std::string& s = c.payload->as_string();
  if (s.empty() || !std::isalpha(static_cast<unsigned char>(s[0]))) return false;
  for (unsigned char ch : s)
    if (!std::isalnum(ch) && ch != '+' && ch != '-' && ch != '.') return false;
  return true;
}

/// `other("https")` is HTTPS, `other("HTTP")` HTTP: schemes compare
/// case-insensitively (RFC 3986 section 3.1).
ComponentValue normal_scheme(const ComponentValue& scheme) {
  const auto& c = scheme.as_case();
  if (!c.payload) return scheme;
  const std::string name = lowercase(c.payload->as_string());
  if (name == "http") return val::variant_case(0);
  if (name == "https") return val::variant_case(1);
  return scheme;
}

/// A body made by `new`: the guest's contents and trailers, and the future
/// telling the producer how its consumer fared.
HttpBody body_of(const ComponentValue& contents, const ComponentValue& trailers) {
  HttpBody body;
  if (contents.as_case().payload) body.contents = channel_of(*contents.as_case().payload);
  body.trailers = channel_of(trailers);
  body.transmitted.emplace(wit::result(nullptr, error_code_type()));
  return body;
}

/// consume-body: the body's stream and trailers, its `res` passed on to
/// the future its producer holds.
ComponentValue consume(HttpBody body, const ComponentValue& res) {
  if (std::shared_ptr<SharedChannel> outcome = channel_of(res)) {
    std::optional<HostFuture> transmitted = body.transmitted;
    read_future(outcome, [transmitted](std::optional<ComponentValue> v) {
      if (transmitted) (void)transmitted->write(v ? std::move(*v) : val::ok());
    });
  }
  std::shared_ptr<SharedChannel> contents = body.contents;
  if (!contents)  // an empty body: a stream that ends at once
    contents =
        source_stream(wit::u8(), [](uint32_t) { return SourceChunk{{}, {}, true, std::nullopt}; });
  return val::tuple({channel_value(contents), channel_value(body.trailers)});
}

void define_request_options(HostInterface& iface, const HostPtr& host) {
  ResourceTypePtr r = host->options.type();
  Param self{"self", wit::borrow(r)};
  iface.constructor("request-options", wit::func({}, wit::own(r)),
                    [host](Store&, Args) -> HostReturn { return host->options.insert_own({}); });
  using Member = std::optional<uint64_t> HttpRequestOptions::*;
  const std::pair<const char*, Member> timeouts[] = {
      {"connect-timeout", &HttpRequestOptions::connect_timeout},
      {"first-byte-timeout", &HttpRequestOptions::first_byte_timeout},
      {"between-bytes-timeout", &HttpRequestOptions::between_bytes_timeout}};
  for (const auto& [name, member] : timeouts) {
    iface.method("request-options", std::string("get-") + name,
                 wit::func({self}, wit::option(wit::u64())),
                 [host, member](Store&, Args a) -> HostReturn {
                   FLINT_ASSIGN(HttpRequestOptions * o, host->options.get(a[0]));
                   const auto& v = o->*member;
                   return v ? val::some(val::u64(*v)) : val::none();
                 });
    iface.method("request-options", std::string("set-") + name,
                 wit::func({self, {"duration", wit::option(wit::u64())}},
                           wit::result(nullptr, options_error_type())),
                 [host, member](Store&, Args a) -> HostReturn {
                   FLINT_ASSIGN(HttpRequestOptions * o, host->options.get(a[0]));
                   if (o->immutable) return val::err(val::variant_case(1));
                   const auto& c = a[1].as_case();
                   o->*member =
                       c.payload ? std::optional<uint64_t>(c.payload->as_unsigned()) : std::nullopt;
                   return val::ok();
                 });
  }
  iface.method("request-options", "clone", wit::func({self}, wit::own(r)),
               [host](Store&, Args a) -> HostReturn {
                 FLINT_ASSIGN(HttpRequestOptions * o, host->options.get(a[0]));
                 HttpRequestOptions copy = *o;
                 copy.immutable = false;
                 return host->options.insert_own(copy);
               });
}

void define_request(HostInterface& iface, const HostPtr& host) {
  ResourceTypePtr r = host->requests.type();
  ResourceTypePtr fields = host->fields.type();
  Param self{"self", wit::borrow(r)};
  ValueTypePtr transmitted = wit::future(wit::result(nullptr, error_code_type()));
  iface.static_function(
      "request", "new",
      wit::func({{"headers", wit::own(fields)},
                 {"contents", wit::option(wit::stream(wit::u8()))},
                 {"trailers", wit::future(trailers_result(fields))},
                 {"options", wit::option(wit::own(host->options.type()))}},
                wit::tuple({wit::own(r), transmitted})),
      [host](Store&, Args a) -> HostReturn {
        HttpRequest q;
        q.method = method_value("GET");
        FLINT_ASSIGN(Fields headers, host->fields.take(rep_of(a[0])));
        q.headers = Fields::immutable_copy(headers);
        if (a[3].as_case().payload) {
          FLINT_ASSIGN(q.options, host->options.take(rep_of(*a[3].as_case().payload)));
          q.options->immutable = true;
        }
        q.body = body_of(a[1], a[2]);
        ComponentValue future = q.body.transmitted->value();
        FLINT_ASSIGN(ComponentValue handle, host->requests.insert_own(std::move(q)));
        return val::tuple({std::move(handle), std::move(future)});
      });
  iface.method("request", "get-method", wit::func({self}, method_type()),
               [host](Store&, Args a) -> HostReturn {
                 FLINT_ASSIGN(HttpRequest * q, host->requests.get(a[0]));
                 return q->method;
               });
  iface.method("request", "set-method",
               wit::func({self, {"method", method_type()}}, wit::result(nullptr, nullptr)),
               [host](Store&, Args a) -> HostReturn {
                 FLINT_ASSIGN(HttpRequest * q, host->requests.get(a[0]));
                 const auto& c = a[1].as_case();
                 if (c.payload && !valid_field_name(c.payload->as_string()))
                   return val::err();  // `other` must be a token
                 // other("GET") is GET: the method's own case.
                 q->method = c.payload ? method_value(c.payload->as_string()) : a[1];
                 return val::ok();
               });
  auto optional_string = [&](const char* name, std::optional<std::string> HttpRequest::* member,
                             bool (*valid)(const std::string&)) {
    iface.method("request", std::string("get-") + name,
                 wit::func({self}, wit::option(wit::string())),
                 [host, member](Store&, Args a) -> HostReturn {
                   FLINT_ASSIGN(HttpRequest * q, host->requests.get(a[0]));
                   const auto& v = q->*member;
                   return v ? val::some(val::string(*v)) : val::none();
                 });
    iface.method(
        "request", std::string("set-") + name,
        wit::func({self, {name, wit::option(wit::string())}}, wit::result(nullptr, nullptr)),
        [host, member, valid](Store&, Args a) -> HostReturn {
          FLINT_ASSIGN(HttpRequest * q, host->requests.get(a[0]));
          const auto& c = a[1].as_case();
          if (c.payload && !valid(c.payload->as_string())) return val::err();
          std::optional<std::string> v;
          if (c.payload) v = c.payload->as_string();
          // An empty path is the root: a request line needs one.
          if (v && v->empty() && member == &HttpRequest::path_with_query) v = "/";
          q->*member = std::move(v);
          return val::ok();
        });
  };
  optional_string("path-with-query", &HttpRequest::path_with_query, valid_path);
  optional_string("authority", &HttpRequest::authority, valid_authority);
  iface.method("request", "get-scheme", wit::func({self}, wit::option(scheme_type())),
               [host](Store&, Args a) -> HostReturn {
                 FLINT_ASSIGN(HttpRequest * q, host->requests.get(a[0]));
                 return q->scheme ? val::some(*q->scheme) : val::none();
               });
  iface.method(
      "request", "set-scheme",
      wit::func({self, {"scheme", wit::option(scheme_type())}}, wit::result(nullptr, nullptr)),
      [host](Store&, Args a) -> HostReturn {
        FLINT_ASSIGN(HttpRequest * q, host->requests.get(a[0]));
        const auto& c = a[1].as_case();
        if (c.payload && !valid_scheme(*c.payload)) return val::err();
        q->scheme = c.payload ? std::optional(normal_scheme(*c.payload)) : std::nullopt;
        return val::ok();
      });
  iface.method("request", "get-options",
               wit::func({self}, wit::option(wit::own(host->options.type()))),
               [host](Store&, Args a) -> HostReturn {
                 FLINT_ASSIGN(HttpRequest * q, host->requests.get(a[0]));
                 if (!q->options) return val::none();
                 // A copy the guest may read but not change, as the request's own.
                 FLINT_ASSIGN(ComponentValue o, host->options.insert_own(*q->options));
                 return val::some(std::move(o));
               });
  iface.method("request", "get-headers", wit::func({self}, wit::own(fields)),
               [host](Store&, Args a) -> HostReturn {
                 FLINT_ASSIGN(HttpRequest * q, host->requests.get(a[0]));
                 return host->fields.insert_own(Fields::immutable_copy(q->headers));
               });
  iface.static_function(
      "request", "consume-body",
      wit::func({{"this", wit::own(r)}, {"res", transmitted}},
                wit::tuple({wit::stream(wit::u8()), wit::future(trailers_result(fields))})),
      [host](Store&, Args a) -> HostReturn {
        FLINT_ASSIGN(HttpRequest q, host->requests.take(rep_of(a[0])));
        return consume(std::move(q.body), a[1]);
      });
}

void define_response(HostInterface& iface, const HostPtr& host) {
  ResourceTypePtr r = host->responses.type();
  ResourceTypePtr fields = host->fields.type();
  Param self{"self", wit::borrow(r)};
  ValueTypePtr transmitted = wit::future(wit::result(nullptr, error_code_type()));
  iface.static_function("response", "new",
                        wit::func({{"headers", wit::own(fields)},
                                   {"contents", wit::option(wit::stream(wit::u8()))},
                                   {"trailers", wit::future(trailers_result(fields))}},
                                  wit::tuple({wit::own(r), transmitted})),
                        [host](Store&, Args a) -> HostReturn {
                          HttpResponse p;
                          FLINT_ASSIGN(Fields headers, host->fields.take(rep_of(a[0])));
                          p.headers = Fields::immutable_copy(headers);
                          p.body = body_of(a[1], a[2]);
                          ComponentValue future = p.body.transmitted->value();
                          FLINT_ASSIGN(ComponentValue handle,
                                       host->responses.insert_own(std::move(p)));
                          return val::tuple({std::move(handle), std::move(future)});
                        });
  iface.method("response", "get-status-code", wit::func({self}, wit::u16()),
               [host](Store&, Args a) -> HostReturn {
                 FLINT_ASSIGN(HttpResponse * p, host->responses.get(a[0]));
                 return val::u16(p->status);
               });
  iface.method("response", "set-status-code",
               wit::func({self, {"status-code", wit::u16()}}, wit::result(nullptr, nullptr)),
               [host](Store&, Args a) -> HostReturn {
                 FLINT_ASSIGN(HttpResponse * p, host->responses.get(a[0]));
                 const uint64_t status = a[1].as_unsigned();
                 // An HTTP status: 1xx to 5xx (RFC 9110 section 15).
                 if (status < 100 || status > 599) return val::err();
                 p->status = uint16_t(status);
                 return val::ok();
               });
  iface.method("response", "get-headers", wit::func({self}, wit::own(fields)),
               [host](Store&, Args a) -> HostReturn {
                 FLINT_ASSIGN(HttpResponse * p, host->responses.get(a[0]));
                 return host->fields.insert_own(Fields::immutable_copy(p->headers));
               });
  iface.static_function(
      "response", "consume-body",
      wit::func({{"this", wit::own(r)}, {"res", transmitted}},
                wit::tuple({wit::stream(wit::u8()), wit::future(trailers_result(fields))})),
      [host](Store&, Args a) -> HostReturn {
        FLINT_ASSIGN(HttpResponse p, host->responses.take(rep_of(a[0])));
        return consume(std::move(p.body), a[1]);
      });
}

}  // namespace

SourceChunk body_chunk(wasip2::StreamSource::Read r, const HostFuture& trailers, HttpHost& host,
                       const std::function<std::optional<Fields>()>& at_end) {
  constexpr uint32_t kInternalError = 38;  // error-code's internal-error
  SourceChunk chunk;
  chunk.bytes = std::move(r.bytes);
  if (r.error) {
    chunk.end = true;
    (void)trailers.write(val::err(error_code_value(r.code.value_or(kInternalError), *r.error)));
  } else if (r.end) {
    chunk.end = true;
    ComponentValue given = val::ok(val::none());
    if (std::optional<Fields> got = at_end()) {
      Result<ComponentValue> handle = host.fields.insert_own(Fields::immutable_copy(*got));
      if (handle) given = val::ok(val::some(std::move(*handle)));
    }
    (void)trailers.write(std::move(given));
  }
  return chunk;
}

void define_http_types(ComponentLinker& linker, const std::shared_ptr<HttpHost>& host,
                       const std::string& version) {
  HostInterface iface("wasi:http/types", version);
  iface.resource("fields", host->fields.type());
  iface.resource("request", host->requests.type());
  iface.resource("response", host->responses.type());
  iface.resource("request-options", host->options.type());
  iface.type("duration", wit::u64());
  iface.type("field-name", wit::string());
  iface.type("field-value", wit::list(wit::u8()));
  iface.type("status-code", wit::u16());
  iface.type("method", method_type());
  iface.type("scheme", scheme_type());
  ValueTypePtr error_code = error_code_type();
  iface.type("error-code", error_code);
  // The records error-code's cases carry, named as types.wit names them.
  iface.type("DNS-error-payload", error_code->fields.at(1).type);
  iface.type("TLS-alert-received-payload", error_code->fields.at(14).type);
  iface.type("field-size-payload", error_code->fields.at(24).type);
  iface.type("header-error", header_error_type());
  iface.type("request-options-error", options_error_type());
  // `headers` and `trailers` are aliases of fields: the same resource.
  iface.resource("headers", host->fields.type());
  iface.resource("trailers", host->fields.type());
  define_fields(iface, std::shared_ptr<HostResourceTable<Fields>>(host, &host->fields),
                header_error_type(), /*wasi03=*/true);
  define_request_options(iface, host);
  define_request(iface, host);
  define_response(iface, host);
  define(linker, iface);
}

}  // namespace flint::wasihttp::v03
