// wasi:http@0.2: defining the interfaces and calling the incoming handler.
#include "wasihttp/wasihttp.h"

namespace flint::wasihttp {

using namespace component;

std::shared_ptr<HttpHost> define_wasihttp(
    ComponentLinker& linker, std::shared_ptr<wasip2::Host> wasi,
    std::shared_ptr<const outbound::AllowedHosts> allowed_hosts) {
  auto host = std::make_shared<HttpHost>(std::move(wasi));
  host->allowed_hosts = std::move(allowed_hosts);
  define_types(linker, host);
  define_outgoing_handler(linker, host);
  return host;
}

// renew() resets HttpHost's fields one by one: a field added to it must be
// added there too (or, for a table, its objects would outlive the request).
// The size stands guard on the platform CI builds.
#if defined(__x86_64__) && defined(__GLIBCXX__)
static_assert(sizeof(HttpHost) == 560, "a field was added to HttpHost: reset it in renew()");
#endif

void HttpHost::renew() {
  // Only the tables change from one store to the next.
  fields.renew();
  incoming_requests.renew();
  outgoing_requests.renew();
  request_options.renew();
  response_outparams.renew();
  incoming_responses.renew();
  incoming_bodies.renew();
  future_trailers.renew();
  outgoing_responses.renew();
  outgoing_bodies.renew();
  future_incoming_responses.renew();
}

Result<FunctionPtr> find_handler(const ComponentInstanceItem& instance) {
  // Any 0.2.x: the export's name carries the version the guest was built with.
  for (const auto& [name, item] : instance.exports)
    if (name.starts_with("wasi:http/incoming-handler@0.2.") && std::get_if<InstancePtr>(&item))
      return find_function(instance, name + "#handle");
  return make_error(ErrorCode::UnknownImport,
                    "the component exports no wasi:http/incoming-handler@0.2.x instance");
}

Outcome handle(Store& store, const ComponentInstanceItem& instance, HttpHost& host,
               IncomingRequestData request, ResponseWriter& writer) {
  Outcome out;
  auto handler = find_handler(instance);
  if (!handler) {
    out.call = std::move(handler).error();
    return out;
  }
  auto exchange = std::make_shared<Exchange>();
  exchange->writer = &writer;
  auto req = host.incoming_requests.insert_own({std::move(request)});
  auto param = host.response_outparams.insert_own({exchange});
  if (!req || !param) {
    out.call = !req ? std::move(req).error() : std::move(param).error();
    return out;
  }
  std::vector<ComponentValue> args{std::move(*req), std::move(*param)};
  auto result = (*handler)->call(store, args);
  // The guest may still hold streams of the body: they write nowhere now.
  exchange->writer = nullptr;
  if (!result) out.call = std::move(result).error();
  out.state = exchange->state;
  out.error = exchange->error;
  return out;
}

}  // namespace flint::wasihttp
