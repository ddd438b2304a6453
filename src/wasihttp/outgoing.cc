// wasi:http/outgoing-handler@0.2 (wasi-http handler.wit): outbound HTTP.
// Deny by default (issue 13): no host is granted yet, so every request is
// answered `HTTP-request-denied`; the interface links so that components
// importing it (every componentize-py and Spin SDK app does) instantiate.
#include "wasihttp/host.h"

namespace flint::wasihttp {

using namespace component;

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
      [host](Store&, std::span<const ComponentValue> a) -> HostReturn {
        // Both arguments are the host's now: dropped unsent.
        FLINT_TRY(host->outgoing_requests.take(a[0].as_handle().rep));
        if (a[1].as_case().payload)
          FLINT_TRY(host->request_options.take(a[1].as_case().payload->as_handle().rep));
        return val::err(val::variant_case(kHttpRequestDenied));
      });
  iface.type("error-code", error_code_type());
  define(linker, iface);
}

}  // namespace flint::wasihttp
