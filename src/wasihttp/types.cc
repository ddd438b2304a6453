// wasi:http/types@0.2 (wasi-http types.wit): fields, the incoming request
// and its body as the handler sees them, the outgoing response and its
// body as the handler builds them, response-outparam, trailers' futures,
// and for outbound requests (sent by outgoing.cc) outgoing-request,
// request-options, future-incoming-response and incoming-response. Bodies are wasi:io streams of
// the WASI 0.2 host: an incoming body reads the server's StreamSource, an outgoing body writes
// through to the server's ResponseWriter once the response is set.
#include <poll.h>

#include <array>

#include "wasihttp/host.h"

namespace flint::wasihttp {

using namespace component;

namespace {

using HostPtr = std::shared_ptr<HttpHost>;
using Args = std::span<const ComponentValue>;
using Return = HostReturn;

constexpr std::array<std::string_view, 9> kMethods = {
    "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"};

constexpr std::array<std::string_view, 39> kErrorCodes = {"DNS-timeout",
                                                          "DNS-error",
                                                          "destination-not-found",
                                                          "destination-unavailable",
                                                          "destination-IP-prohibited",
                                                          "destination-IP-unroutable",
                                                          "connection-refused",
                                                          "connection-terminated",
                                                          "connection-timeout",
                                                          "connection-read-timeout",
                                                          "connection-write-timeout",
                                                          "connection-limit-reached",
                                                          "TLS-protocol-error",
                                                          "TLS-certificate-error",
                                                          "TLS-alert-received",
                                                          "HTTP-request-denied",
                                                          "HTTP-request-length-required",
                                                          "HTTP-request-body-size",
                                                          "HTTP-request-method-invalid",
                                                          "HTTP-request-URI-invalid",
                                                          "HTTP-request-URI-too-long",
                                                          "HTTP-request-header-section-size",
                                                          "HTTP-request-header-size",
                                                          "HTTP-request-trailer-section-size",
                                                          "HTTP-request-trailer-size",
                                                          "HTTP-response-incomplete",
                                                          "HTTP-response-header-section-size",
                                                          "HTTP-response-header-size",
                                                          "HTTP-response-body-size",
                                                          "HTTP-response-trailer-section-size",
                                                          "HTTP-response-trailer-size",
                                                          "HTTP-response-transfer-coding",
                                                          "HTTP-response-content-coding",
                                                          "HTTP-response-timeout",
                                                          "HTTP-upgrade-failed",
                                                          "HTTP-protocol-error",
                                                          "loop-detected",
                                                          "configuration-error",
                                                          "internal-error"};

ValueTypePtr dns_error_payload() {
  static const ValueTypePtr type =
      wit::record({{"rcode", wit::option(wit::string())}, {"info-code", wit::option(wit::u16())}});
  return type;
}
ValueTypePtr tls_alert_payload() {
  static const ValueTypePtr type = wit::record(
      {{"alert-id", wit::option(wit::u8())}, {"alert-message", wit::option(wit::string())}});
  return type;
}
ValueTypePtr field_size_payload() {
  static const ValueTypePtr type = wit::record(
      {{"field-name", wit::option(wit::string())}, {"field-size", wit::option(wit::u32())}});
  return type;
}

}  // namespace

ValueTypePtr error_code_type() {
  static const ValueTypePtr type = [] {
    auto o_u32 = wit::option(wit::u32()), o_u64 = wit::option(wit::u64());
    auto o_str = wit::option(wit::string());
    std::vector<ValueTypePtr> payloads(kErrorCodes.size());
    payloads[1] = dns_error_payload();
    payloads[14] = tls_alert_payload();
    payloads[17] = o_u64;
    payloads[21] = o_u32;
    payloads[22] = wit::option(field_size_payload());
    payloads[23] = o_u32;
    payloads[24] = field_size_payload();
    payloads[26] = o_u32;
    payloads[27] = field_size_payload();
    payloads[28] = o_u64;
    payloads[29] = o_u32;
    payloads[30] = field_size_payload();
    payloads[31] = o_str;
    payloads[32] = o_str;
    payloads[38] = o_str;
    std::vector<Field> cases;
    for (size_t i = 0; i < kErrorCodes.size(); ++i)
      cases.push_back({std::string(kErrorCodes[i]), payloads[i]});
    return wit::variant(std::move(cases));
  }();
  return type;
}

ValueTypePtr method_type() {
  static const ValueTypePtr type = [] {
    std::vector<Field> cases;
    for (std::string_view m : kMethods) cases.push_back({lowercase(m), nullptr});
    cases.push_back({"other", wit::string()});
    return wit::variant(std::move(cases));
  }();
  return type;
}

ValueTypePtr scheme_type() {
  static const ValueTypePtr type =
      wit::variant({{"HTTP", nullptr}, {"HTTPS", nullptr}, {"other", wit::string()}});
  return type;
}

namespace {

ValueTypePtr header_error_type() {
  static const ValueTypePtr type =
      wit::variant({{"invalid-syntax", nullptr}, {"forbidden", nullptr}, {"immutable", nullptr}});
  return type;
}

ValueTypePtr field_value_type() {
  static const ValueTypePtr type = wit::list(wit::u8());
  return type;
}

/// `ok()` or `err(header-error)`.
ComponentValue header_result(std::optional<HeaderError> e) {
  if (!e) return val::ok();
  return val::err(val::variant_case(uint32_t(*e)));
}

std::string name_arg(const ComponentValue& v) { return v.as_string(); }

ComponentValue entries_value(const Fields& f) {
  std::vector<ComponentValue> items;
  for (const auto& [name, value] : f.entries())
    items.push_back(val::tuple({val::string(name), val::bytes(value.data(), value.size())}));
  return val::list(std::move(items));
}

/// A stream over an outgoing body: writes go to the body's state (see
/// BodyState).
class BodySink : public wasip2::StreamSink {
 public:
  explicit BodySink(std::shared_ptr<BodyState> state) : state_(std::move(state)) {}
  bool write(std::span<const uint8_t> data) override {
    BodyState& s = *state_;
    if (s.finished) return false;
    if (s.upload) return s.upload->write_body(data);  // a sent request's body
    if (s.attached) return s.exchange->writer && s.exchange->writer->write(data);
    // Before the response is set or the request sent: held, within a bound
    // (a guest cannot make the host buffer without limit).
    if (s.pending.size() + data.size() > kMaxPending) return false;
    s.pending.insert(s.pending.end(), data.begin(), data.end());
    return true;
  }

  static constexpr size_t kMaxPending = 64u << 20;

 private:
  std::shared_ptr<BodyState> state_;
};

/// Ends a set response's body: the writer gets the trailers, the exchange
/// is finished.
void finish_response(BodyState& body) {
  Exchange& x = *body.exchange;
  if (x.writer) x.writer->finish(body.trailers ? &*body.trailers : nullptr);
  x.state = Exchange::State::Finished;
}

}  // namespace

void define_fields(HostInterface& iface, std::shared_ptr<HostResourceTable<Fields>> table,
                   ValueTypePtr header_error, bool wasi03) {
  ResourceTypePtr fields = table->type();
  auto self = Param{"self", wit::borrow(fields)};
  auto entries = wit::list(wit::tuple({wit::string(), field_value_type()}));
  auto unit = wit::result(nullptr, header_error);
  iface.constructor("fields", wit::func({}, wit::own(fields)),
                    [table, wasi03](Store&, Args) -> Return {
                      return table->insert_own(wasi03 ? Fields::wasi03() : Fields());
                    });
  iface.static_function(
      "fields", "from-list",
      wit::func({{"entries", entries}}, wit::result(wit::own(fields), header_error)),
      [table, wasi03](Store&, Args a) -> Return {
        std::vector<Fields::Entry> list;
        for (const ComponentValue& e : a[0].items())
          list.emplace_back(e.items()[0].as_string(), val::to_bytes(e.items()[1]));
        Fields f = wasi03 ? Fields::wasi03() : Fields();
        if (auto e = Fields::from_list(std::move(list), f)) return header_result(e);
        FLINT_ASSIGN(ComponentValue h, table->insert_own(std::move(f)));
        return val::ok(std::move(h));
      });
  iface.method("fields", "get",
               wit::func({self, {"name", wit::string()}}, wit::list(field_value_type())),
               [table](Store&, Args a) -> Return {
                 FLINT_ASSIGN(Fields * f, table->get(a[0]));
                 std::vector<ComponentValue> values;
                 for (const auto& v : f->get(name_arg(a[1])))
                   values.push_back(val::bytes(v.data(), v.size()));
                 return val::list(std::move(values));
               });
  iface.method("fields", "has", wit::func({self, {"name", wit::string()}}, wit::boolean()),
               [table](Store&, Args a) -> Return {
                 FLINT_ASSIGN(Fields * f, table->get(a[0]));
                 return val::boolean(f->has(name_arg(a[1])));
               });
  iface.method(
      "fields", "set",
      wit::func({self, {"name", wit::string()}, {"value", wit::list(field_value_type())}}, unit),
      [table](Store&, Args a) -> Return {
        FLINT_ASSIGN(Fields * f, table->get(a[0]));
        std::vector<std::vector<uint8_t>> values;
        for (const ComponentValue& v : a[2].items()) values.push_back(val::to_bytes(v));
        return header_result(f->set(name_arg(a[1]), std::move(values)));
      });
  iface.method("fields", "delete", wit::func({self, {"name", wit::string()}}, unit),
               [table](Store&, Args a) -> Return {
                 FLINT_ASSIGN(Fields * f, table->get(a[0]));
                 return header_result(f->remove(name_arg(a[1])));
               });
  iface.method("fields", "append",
               wit::func({self, {"name", wit::string()}, {"value", field_value_type()}}, unit),
               [table](Store&, Args a) -> Return {
                 FLINT_ASSIGN(Fields * f, table->get(a[0]));
                 return header_result(f->append(name_arg(a[1]), val::to_bytes(a[2])));
               });
  // 0.3 renamed entries to copy-all.
  iface.method("fields", wasi03 ? "copy-all" : "entries", wit::func({self}, entries),
               [table](Store&, Args a) -> Return {
                 FLINT_ASSIGN(Fields * f, table->get(a[0]));
                 return entries_value(*f);
               });
  iface.method("fields", "clone", wit::func({self}, wit::own(fields)),
               [table](Store&, Args a) -> Return {
                 FLINT_ASSIGN(Fields * f, table->get(a[0]));
                 return table->insert_own(f->clone());
               });
  if (!wasi03) return;
  iface.method("fields", "get-and-delete",
               wit::func({self, {"name", wit::string()}},
                         wit::result(wit::list(field_value_type()), header_error)),
               [table](Store&, Args a) -> Return {
                 FLINT_ASSIGN(Fields * f, table->get(a[0]));
                 const std::string name = name_arg(a[1]);
                 std::vector<ComponentValue> values;
                 for (const auto& v : f->get(name))
                   values.push_back(val::bytes(v.data(), v.size()));
                 if (auto e = f->remove(name)) return header_result(e);
                 return val::ok(val::list(std::move(values)));
               });
}

namespace {

void define_incoming_request(HostInterface& iface, const HostPtr& host) {
  ResourceTypePtr r = host->incoming_requests.type();
  auto self = Param{"self", wit::borrow(r)};
  iface.method("incoming-request", "method", wit::func({self}, method_type()),
               [host](Store&, Args a) -> Return {
                 FLINT_ASSIGN(IncomingRequest * q, host->incoming_requests.get(a[0]));
                 return method_value(q->data.method);
               });
  iface.method("incoming-request", "path-with-query", wit::func({self}, wit::option(wit::string())),
               [host](Store&, Args a) -> Return {
                 FLINT_ASSIGN(IncomingRequest * q, host->incoming_requests.get(a[0]));
                 return val::some(val::string(q->data.path_with_query));
               });
  iface.method("incoming-request", "scheme", wit::func({self}, wit::option(scheme_type())),
               [host](Store&, Args a) -> Return {
                 FLINT_ASSIGN(IncomingRequest * q, host->incoming_requests.get(a[0]));
                 return val::some(val::variant_case(q->data.https ? 1 : 0));
               });
  iface.method("incoming-request", "authority", wit::func({self}, wit::option(wit::string())),
               [host](Store&, Args a) -> Return {
                 FLINT_ASSIGN(IncomingRequest * q, host->incoming_requests.get(a[0]));
                 if (!q->data.authority) return val::none();
                 return val::some(val::string(*q->data.authority));
               });
  iface.method("incoming-request", "headers", wit::func({self}, wit::own(host->fields.type())),
               [host](Store&, Args a) -> Return {
                 // A child of the request, read-only (WIT): an immutable copy.
                 FLINT_ASSIGN(IncomingRequest * q, host->incoming_requests.get(a[0]));
                 return host->fields.insert_own(Fields::immutable_copy(q->data.headers));
               });
  iface.method("incoming-request", "consume",
               wit::func({self}, wit::result(wit::own(host->incoming_bodies.type()), nullptr)),
               [host](Store&, Args a) -> Return {
                 FLINT_ASSIGN(IncomingRequest * q, host->incoming_requests.get(a[0]));
                 if (q->consumed) return val::err();  // WIT: fails when called again
                 q->consumed = true;
                 FLINT_ASSIGN(ComponentValue body,
                              host->incoming_bodies.insert_own({q->data.body}));
                 return val::ok(std::move(body));
               });
}

void define_bodies(HostInterface& iface, const HostPtr& host) {
  ResourceTypePtr in_body = host->incoming_bodies.type(), out_body = host->outgoing_bodies.type();
  ResourceTypePtr trailers = host->future_trailers.type();
  ResourceTypePtr fields = host->fields.type();
  iface.method("incoming-body", "stream",
               wit::func({{"self", wit::borrow(in_body)}},
                         wit::result(wit::own(host->io->input_streams.type()), nullptr)),
               [host](Store&, Args a) -> Return {
                 FLINT_ASSIGN(IncomingBody * b, host->incoming_bodies.get(a[0]));
                 if (b->stream_taken) return val::err();  // WIT: once only
                 b->stream_taken = true;
                 wasip2::InputStream s;
                 s.source = b->source;
                 if (!s.source) s.closed = true;  // no body: the stream is at its end
                 FLINT_ASSIGN(ComponentValue h, host->io->input_streams.insert_own(std::move(s)));
                 return val::ok(std::move(h));
               });
  iface.static_function(
      "incoming-body", "finish", wit::func({{"this", wit::own(in_body)}}, wit::own(trailers)),
      [host](Store&, Args a) -> Return {
        FLINT_ASSIGN(IncomingBody b, host->incoming_bodies.take(a[0].as_handle().rep));
        return host->future_trailers.insert_own({b.source});
      });
  auto trailers_result = wit::option(
      wit::result(wit::result(wit::option(wit::own(fields)), error_code_type()), nullptr));
  iface.method("future-trailers", "subscribe",
               wit::func({{"self", wit::borrow(trailers)}}, wit::own(host->io->pollables.type())),
               [host](Store&, Args a) -> Return {
                 FLINT_TRY(host->future_trailers.get(a[0]));
                 // Ready at once: get reads the rest of the body itself.
                 return host->io->pollables.insert_own({});
               });
  iface.method(
      "future-trailers", "get", wit::func({{"self", wit::borrow(trailers)}}, trailers_result),
      [host](Store&, Args a) -> Return {
        FLINT_ASSIGN(FutureTrailers * t, host->future_trailers.get(a[0]));
        // WIT: the value once, then `some(err)`.
        if (t->taken) return val::some(val::err());
        t->taken = true;
        if (!t->source) return val::some(val::ok(val::ok(val::none())));
        // The trailers follow the body: what the guest left unread is read
        // (and dropped) first.
        for (;;) {
          wasip2::StreamSource::Read r = t->source->read(64 * 1024);
          if (r.error)
            return val::some(val::ok(val::err(val::variant_case(
                38, val::some(val::string(*r.error))))));  // internal-error(message)
          if (r.end) break;
        }
        std::optional<Fields> fields = t->source->trailers();
        if (!fields) return val::some(val::ok(val::ok(val::none())));
        FLINT_ASSIGN(ComponentValue h, host->fields.insert_own(Fields::immutable_copy(*fields)));
        return val::some(val::ok(val::ok(val::some(std::move(h)))));
      });

  iface.method("outgoing-body", "write",
               wit::func({{"self", wit::borrow(out_body)}},
                         wit::result(wit::own(host->io->output_streams.type()), nullptr)),
               [host](Store&, Args a) -> Return {
                 FLINT_ASSIGN(OutgoingBody * b, host->outgoing_bodies.get(a[0]));
                 if (b->stream_taken) return val::err();  // WIT: once only
                 b->stream_taken = true;
                 wasip2::OutputStream s;
                 s.sink = std::make_shared<BodySink>(b->state);
                 FLINT_ASSIGN(ComponentValue h, host->io->output_streams.insert_own(std::move(s)));
                 return val::ok(std::move(h));
               });
  iface.static_function(
      "outgoing-body", "finish",
      wit::func({{"this", wit::own(out_body)}, {"trailers", wit::option(wit::own(fields))}},
                wit::result(nullptr, error_code_type())),
      [host](Store&, Args a) -> Return {
        FLINT_ASSIGN(OutgoingBody body, host->outgoing_bodies.take(a[0].as_handle().rep));
        BodyState& s = *body.state;
        if (a[1].as_case().payload) {
          FLINT_ASSIGN(Fields t, host->fields.take(a[1].as_case().payload->as_handle().rep));
          s.trailers = std::move(t);
        }
        s.finished = true;
        if (s.upload) s.upload->finish_body();  // request trailers are not sent
        if (s.exchange && s.attached) finish_response(s);
        return val::ok();
      });
}

void define_outgoing_response(HostInterface& iface, const HostPtr& host) {
  ResourceTypePtr r = host->outgoing_responses.type();
  auto self = Param{"self", wit::borrow(r)};
  iface.constructor("outgoing-response",
                    wit::func({{"headers", wit::own(host->fields.type())}}, wit::own(r)),
                    [host](Store&, Args a) -> Return {
                      FLINT_ASSIGN(Fields h, host->fields.take(a[0].as_handle().rep));
                      OutgoingResponse response;
                      response.headers = h.clone();  // the response's own, mutable copy
                      return host->outgoing_responses.insert_own(std::move(response));
                    });
  iface.method("outgoing-response", "status-code", wit::func({self}, wit::u16()),
               [host](Store&, Args a) -> Return {
                 FLINT_ASSIGN(OutgoingResponse * o, host->outgoing_responses.get(a[0]));
                 return ComponentValue::unsigned_int(TypeKind::U16, o->status);
               });
  iface.method("outgoing-response", "set-status-code",
               wit::func({self, {"status-code", wit::u16()}}, wit::result(nullptr, nullptr)),
               [host](Store&, Args a) -> Return {
                 FLINT_ASSIGN(OutgoingResponse * o, host->outgoing_responses.get(a[0]));
                 uint64_t code = a[1].as_unsigned();
                 // WIT: fails for a status code that is not valid (100-599 as `http`).
                 if (code < 100 || code > 599) return val::err();
                 o->status = uint16_t(code);
                 return val::ok();
               });
  iface.method("outgoing-response", "headers", wit::func({self}, wit::own(host->fields.type())),
               [host](Store&, Args a) -> Return {
                 FLINT_ASSIGN(OutgoingResponse * o, host->outgoing_responses.get(a[0]));
                 return host->fields.insert_own(Fields::immutable_copy(o->headers));
               });
  iface.method("outgoing-response", "body",
               wit::func({self}, wit::result(wit::own(host->outgoing_bodies.type()), nullptr)),
               [host](Store&, Args a) -> Return {
                 FLINT_ASSIGN(OutgoingResponse * o, host->outgoing_responses.get(a[0]));
                 if (o->body_taken) return val::err();  // WIT: once only
                 o->body_taken = true;
                 FLINT_ASSIGN(ComponentValue b, host->outgoing_bodies.insert_own({o->body}));
                 return val::ok(std::move(b));
               });
}

void define_response_outparam(HostInterface& iface, const HostPtr& host) {
  ResourceTypePtr r = host->response_outparams.type();
  iface.method("response-outparam", "send-informational",
               wit::func({{"self", wit::borrow(r)},
                          {"status", wit::u16()},
                          {"headers", wit::own(host->fields.type())}},
                         wit::result(nullptr, error_code_type())),
               [host](Store&, Args a) -> Return {
                 // @unstable: not offered; refused as Wasmtime does.
                 FLINT_TRY(host->fields.take(a[2].as_handle().rep));
                 return val::err(val::variant_case(
                     38, val::some(val::string("informational responses are not supported"))));
               });
  iface.static_function(
      "response-outparam", "set",
      wit::func({{"param", wit::own(r)},
                 {"response",
                  wit::result(wit::own(host->outgoing_responses.type()), error_code_type())}}),
      [host](Store&, Args a) -> Return {
        FLINT_ASSIGN(ResponseOutparam param, host->response_outparams.take(a[0].as_handle().rep));
        Exchange& x = *param.exchange;
        const auto& c = a[1].as_case();
        if (c.index == 1) {
          x.state = Exchange::State::Failed;
          x.error = std::string(error_code_name(c.payload->as_case().index));
          return std::nullopt;
        }
        FLINT_ASSIGN(OutgoingResponse response,
                     host->outgoing_responses.take(c.payload->as_handle().rep));
        x.state = Exchange::State::Started;
        if (x.writer) x.writer->start(response.status, response.headers);
        BodyState& body = *response.body;
        body.exchange = param.exchange;
        body.attached = true;
        if (!body.pending.empty() && x.writer) x.writer->write(body.pending);
        body.pending.clear();
        // No body asked for, or one already finished: the response is whole.
        if (!response.body_taken || body.finished) finish_response(body);
        return std::nullopt;
      });
}

void define_outgoing_request(HostInterface& iface, const HostPtr& host) {
  ResourceTypePtr r = host->outgoing_requests.type();
  auto self = Param{"self", wit::borrow(r)};
  auto unit = wit::result(nullptr, nullptr);
  auto opt_str = wit::option(wit::string());
  iface.constructor("outgoing-request",
                    wit::func({{"headers", wit::own(host->fields.type())}}, wit::own(r)),
                    [host](Store&, Args a) -> Return {
                      FLINT_ASSIGN(Fields h, host->fields.take(a[0].as_handle().rep));
                      OutgoingRequest q;
                      q.headers = h.clone();
                      return host->outgoing_requests.insert_own(std::move(q));
                    });
  iface.method("outgoing-request", "body",
               wit::func({self}, wit::result(wit::own(host->outgoing_bodies.type()), nullptr)),
               [host](Store&, Args a) -> Return {
                 FLINT_ASSIGN(OutgoingRequest * q, host->outgoing_requests.get(a[0]));
                 if (q->body_taken) return val::err();
                 q->body_taken = true;
                 FLINT_ASSIGN(ComponentValue b, host->outgoing_bodies.insert_own({q->body}));
                 return val::ok(std::move(b));
               });
  iface.method("outgoing-request", "method", wit::func({self}, method_type()),
               [host](Store&, Args a) -> Return {
                 FLINT_ASSIGN(OutgoingRequest * q, host->outgoing_requests.get(a[0]));
                 return q->method;
               });
  iface.method(
      "outgoing-request", "set-method", wit::func({self, {"method", method_type()}}, unit),
      [host](Store&, Args a) -> Return {
        FLINT_ASSIGN(OutgoingRequest * q, host->outgoing_requests.get(a[0]));
        // `other` must be a token (as the `http` crate's Method).
        if (a[1].as_case().index == 9 && !valid_field_name(a[1].as_case().payload->as_string()))
          return val::err();
        q->method = a[1];
        return val::ok();
      });
  auto optional_string = [host](std::optional<std::string> OutgoingRequest::* member) {
    return [host, member](Store&, Args a) -> Return {
      FLINT_ASSIGN(OutgoingRequest * q, host->outgoing_requests.get(a[0]));
      const auto& v = (*q).*member;
      return v ? val::some(val::string(*v)) : val::none();
    };
  };
  auto set_optional_string = [host](std::optional<std::string> OutgoingRequest::* member) {
    return [host, member](Store&, Args a) -> Return {
      FLINT_ASSIGN(OutgoingRequest * q, host->outgoing_requests.get(a[0]));
      const auto& c = a[1].as_case();
      (*q).*member = c.payload ? std::optional(c.payload->as_string()) : std::nullopt;
      return val::ok();
    };
  };
  iface.method("outgoing-request", "path-with-query", wit::func({self}, opt_str),
               optional_string(&OutgoingRequest::path_with_query));
  iface.method("outgoing-request", "set-path-with-query",
               wit::func({self, {"path-with-query", opt_str}}, unit),
               set_optional_string(&OutgoingRequest::path_with_query));
  iface.method("outgoing-request", "authority", wit::func({self}, opt_str),
               optional_string(&OutgoingRequest::authority));
  iface.method("outgoing-request", "set-authority", wit::func({self, {"authority", opt_str}}, unit),
               set_optional_string(&OutgoingRequest::authority));
  iface.method("outgoing-request", "scheme", wit::func({self}, wit::option(scheme_type())),
               [host](Store&, Args a) -> Return {
                 FLINT_ASSIGN(OutgoingRequest * q, host->outgoing_requests.get(a[0]));
                 return q->scheme ? val::some(*q->scheme) : val::none();
               });
  iface.method("outgoing-request", "set-scheme",
               wit::func({self, {"scheme", wit::option(scheme_type())}}, unit),
               [host](Store&, Args a) -> Return {
                 FLINT_ASSIGN(OutgoingRequest * q, host->outgoing_requests.get(a[0]));
                 const auto& c = a[1].as_case();
                 q->scheme = c.payload ? std::optional(*c.payload) : std::nullopt;
                 return val::ok();
               });
  iface.method("outgoing-request", "headers", wit::func({self}, wit::own(host->fields.type())),
               [host](Store&, Args a) -> Return {
                 FLINT_ASSIGN(OutgoingRequest * q, host->outgoing_requests.get(a[0]));
                 return host->fields.insert_own(Fields::immutable_copy(q->headers));
               });
}

void define_request_options(HostInterface& iface, const HostPtr& host) {
  ResourceTypePtr r = host->request_options.type();
  auto self = Param{"self", wit::borrow(r)};
  auto opt_duration = wit::option(wit::u64());
  iface.constructor("request-options", wit::func({}, wit::own(r)), [host](Store&, Args) -> Return {
    return host->request_options.insert_own({});
  });
  using Member = std::optional<uint64_t> RequestOptions::*;
  const std::pair<const char*, Member> timeouts[] = {
      {"connect-timeout", &RequestOptions::connect_timeout},
      {"first-byte-timeout", &RequestOptions::first_byte_timeout},
      {"between-bytes-timeout", &RequestOptions::between_bytes_timeout}};
  for (const auto& [name, member] : timeouts) {
    iface.method("request-options", name, wit::func({self}, opt_duration),
                 [host, member](Store&, Args a) -> Return {
                   FLINT_ASSIGN(RequestOptions * o, host->request_options.get(a[0]));
                   const auto& v = (*o).*member;
                   return v ? val::some(val::u64(*v)) : val::none();
                 });
    iface.method("request-options", std::string("set-") + name,
                 wit::func({self, {"duration", opt_duration}}, wit::result(nullptr, nullptr)),
                 [host, member](Store&, Args a) -> Return {
                   FLINT_ASSIGN(RequestOptions * o, host->request_options.get(a[0]));
                   const auto& c = a[1].as_case();
                   (*o).*member =
                       c.payload ? std::optional(c.payload->as_unsigned()) : std::nullopt;
                   return val::ok();
                 });
  }
}

/// An outbound response's body as the guest's incoming-body reads it.
class ResponseBody : public BodySource {
 public:
  explicit ResponseBody(std::shared_ptr<ClientExchange> x) : x_(std::move(x)) {}
  Read read(uint64_t len) override { return x_->read_body(len); }
  std::optional<Fields> trailers() override { return x_->trailers(); }
  wasip2::SharedFd ready_fd() override { return x_->body_fd(); }

 private:
  std::shared_ptr<ClientExchange> x_;
};

/// incoming-response and future-incoming-response: an outbound request's
/// response (outgoing.cc sends the request).
void define_incoming_response(HostInterface& iface, const HostPtr& host) {
  ResourceTypePtr r = host->incoming_responses.type();
  ResourceTypePtr f = host->future_incoming_responses.type();
  auto self = Param{"self", wit::borrow(r)};
  iface.method("incoming-response", "status", wit::func({self}, wit::u16()),
               [host](Store&, Args a) -> Return {
                 FLINT_ASSIGN(IncomingResponse * x, host->incoming_responses.get(a[0]));
                 return ComponentValue::unsigned_int(TypeKind::U16, x->status);
               });
  iface.method("incoming-response", "headers", wit::func({self}, wit::own(host->fields.type())),
               [host](Store&, Args a) -> Return {
                 FLINT_ASSIGN(IncomingResponse * x, host->incoming_responses.get(a[0]));
                 return host->fields.insert_own(Fields::immutable_copy(x->headers));
               });
  iface.method("incoming-response", "consume",
               wit::func({self}, wit::result(wit::own(host->incoming_bodies.type()), nullptr)),
               [host](Store&, Args a) -> Return {
                 FLINT_ASSIGN(IncomingResponse * x, host->incoming_responses.get(a[0]));
                 if (x->consumed) return val::err();  // WIT: once only
                 x->consumed = true;
                 FLINT_ASSIGN(ComponentValue body, host->incoming_bodies.insert_own({x->body}));
                 return val::ok(std::move(body));
               });
  iface.method("future-incoming-response", "subscribe",
               wit::func({{"self", wit::borrow(f)}}, wit::own(host->io->pollables.type())),
               [host](Store&, Args a) -> Return {
                 FLINT_ASSIGN(FutureIncomingResponse * x,
                              host->future_incoming_responses.get(a[0]));
                 // Ready once the head or the failure is known (an eventfd
                 // the transfer raises); once taken, ready for good.
                 wasip2::Pollable p;
                 if (!x->taken && x->exchange) p.fd = x->exchange->head_fd(), p.events = POLLIN;
                 return host->io->pollables.insert_own(std::move(p));
               });
  iface.method(
      "future-incoming-response", "get",
      wit::func({{"self", wit::borrow(f)}},
                wit::option(wit::result(wit::result(wit::own(r), error_code_type()), nullptr))),
      [host](Store&, Args a) -> Return {
        FLINT_ASSIGN(FutureIncomingResponse * x, host->future_incoming_responses.get(a[0]));
        if (x->taken) return val::some(val::err());  // WIT: the value once, then err
        if (x->refused) {
          x->taken = true;
          return val::some(val::ok(val::err(error_code_value(x->refused->code))));
        }
        if (!x->exchange->head_ready()) return val::none();
        x->taken = true;
        auto head = x->exchange->head();
        if (auto* e = std::get_if<ClientError>(&head))
          return val::some(val::ok(val::err(error_code_value(e->code, e->message))));
        auto& h = std::get<ClientHead>(head);
        IncomingResponse response;
        response.status = h.status;
        response.headers = std::move(h.headers);
        response.body = std::make_shared<ResponseBody>(x->exchange);
        FLINT_ASSIGN(ComponentValue handle,
                     host->incoming_responses.insert_own(std::move(response)));
        return val::some(val::ok(val::ok(std::move(handle))));
      });
}

}  // namespace

ComponentValue method_value(std::string_view method) {
  for (size_t i = 0; i < kMethods.size(); ++i)
    if (method == kMethods[i]) return val::variant_case(uint32_t(i));
  return val::variant_case(uint32_t(kMethods.size()), val::string(std::string(method)));
}

std::string method_name(const ComponentValue& method) {
  const auto& c = method.as_case();
  if (c.index < kMethods.size()) return std::string(kMethods[c.index]);
  return c.payload ? c.payload->as_string() : std::string();
}

ComponentValue error_code_value(uint32_t index, const std::string& message) {
  switch (index) {
    case 1:   // DNS-error: rcode, info-code unknown
    case 14:  // TLS-alert-received: alert-id, alert-message
    case 24:
    case 27:
    case 30:  // field-size-payload
      return val::variant_case(index, val::record({val::none(), val::none()}));
    case 17:
    case 21:
    case 22:
    case 23:
    case 26:
    case 28:
    case 29: return val::variant_case(index, val::none());
    case 31:
    case 32:
    case 38:
      return val::variant_case(index,
                               message.empty() ? val::none() : val::some(val::string(message)));
    default: return val::variant_case(index);
  }
}

std::string_view error_code_name(uint32_t index) {
  return index < kErrorCodes.size() ? kErrorCodes[index] : "unknown error-code";
}

void define_types(ComponentLinker& linker, const std::shared_ptr<HttpHost>& host) {
  HostInterface iface("wasi:http/types", kVersion);
  // What types.wit `use`s from wasi:io and wasi:clocks.
  iface.type("duration", wit::u64());
  iface.resource("input-stream", host->io->input_streams.type());
  iface.resource("output-stream", host->io->output_streams.type());
  iface.resource("io-error", host->io->errors.type());
  iface.resource("pollable", host->io->pollables.type());
  iface.type("method", method_type());
  iface.type("scheme", scheme_type());
  iface.type("DNS-error-payload", dns_error_payload());
  iface.type("TLS-alert-received-payload", tls_alert_payload());
  iface.type("field-size-payload", field_size_payload());
  iface.type("error-code", error_code_type());
  iface.type("header-error", header_error_type());
  iface.type("field-key", wit::string());
  iface.type("field-name", wit::string());
  iface.type("field-value", field_value_type());
  iface.type("status-code", wit::u16());
  iface.resource("fields", host->fields.type());
  iface.resource("headers", host->fields.type());
  iface.resource("trailers", host->fields.type());
  iface.resource("incoming-request", host->incoming_requests.type());
  iface.resource("outgoing-request", host->outgoing_requests.type());
  iface.resource("request-options", host->request_options.type());
  iface.resource("response-outparam", host->response_outparams.type());
  iface.resource("incoming-response", host->incoming_responses.type());
  iface.resource("incoming-body", host->incoming_bodies.type());
  iface.resource("future-trailers", host->future_trailers.type());
  iface.resource("outgoing-response", host->outgoing_responses.type());
  iface.resource("outgoing-body", host->outgoing_bodies.type());
  iface.resource("future-incoming-response", host->future_incoming_responses.type());
  // http-error-code: an outbound response body's failure (a timeout, a cut
  // connection) carries its error-code; no other io-error does (a request
  // body is whole before the handler runs).
  iface.function(
      "http-error-code",
      wit::func({{"err", wit::borrow(host->io->errors.type())}}, wit::option(error_code_type())),
      [host](Store&, Args a) -> Return {
        FLINT_ASSIGN(wasip2::IoError * e, host->io->errors.get(a[0]));
        if (!e->source_code) return val::none();
        return val::some(error_code_value(*e->source_code, e->message));
      });
  define_fields(iface, std::shared_ptr<HostResourceTable<Fields>>(host, &host->fields),
                header_error_type(), /*wasi03=*/false);
  define_incoming_request(iface, host);
  define_bodies(iface, host);
  define_outgoing_response(iface, host);
  define_response_outparam(iface, host);
  define_outgoing_request(iface, host);
  define_request_options(iface, host);
  define_incoming_response(iface, host);
  define(linker, iface);
}

}  // namespace flint::wasihttp
