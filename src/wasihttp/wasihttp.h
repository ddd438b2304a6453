// wasi:http@0.2 for components: the host side of the wasi:http/proxy world.
// wasi:http/types and wasi:http/outgoing-handler (outbound requests to the
// allowed hosts only) are defined in a ComponentLinker at version 0.2.6, so that imports of any
// 0.2.x resolve to them; a component's exported
// wasi:http/incoming-handler@0.2.x `handle` is called once per request with
// the request the server received, and the response goes to the server's
// ResponseWriter as the guest writes it. One linker, store and instance
// serve one request (per-request isolation, issue 13).
//
//   ComponentLinker linker;
//   auto wasi = wasip2::define_wasip2_proxy(linker, ctx);
//   auto http = wasihttp::define_wasihttp(linker, wasi);
//   auto instance = component::instantiate(store, compiled, linker);
//   auto outcome = wasihttp::handle(store, **instance, *http, std::move(request), writer);
#pragma once

#include <memory>

#include "component_runtime/instantiate.h"
#include "wasihttp/host.h"

namespace flint::wasihttp {

/// Defines wasi:http/types and wasi:http/outgoing-handler over `wasi`'s
/// streams and pollables; the returned host keeps the request's resources.
/// Outbound requests may go where `allowed_hosts` allows (null: nowhere,
/// every request answered HTTP-request-denied).
std::shared_ptr<HttpHost> define_wasihttp(
    component::ComponentLinker& linker, std::shared_ptr<wasip2::Host> wasi,
    std::shared_ptr<const outbound::AllowedHosts> allowed_hosts = nullptr);

/// Whether `component` exports wasi:http/incoming-handler@0.2.x (checked
/// before serving, on the instance of a first request).
Result<component::FunctionPtr> find_handler(const component::ComponentInstanceItem& instance);

/// What one handler call did.
struct Outcome {
  Status call;  ///< the call's trap, if it trapped
  Exchange::State state = Exchange::State::Waiting;
  std::string error;  ///< the error-code the guest set, if it set one
};

/// Calls the instance's handler with `request`; `writer` gets the response
/// while the guest makes it. When the call returns the writer is no longer
/// used.
Outcome handle(Store& store, const component::ComponentInstanceItem& instance, HttpHost& host,
               IncomingRequestData request, ResponseWriter& writer);

}  // namespace flint::wasihttp
