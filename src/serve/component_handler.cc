// Serving a wasi:http component: one instance per request.
#include "serve/component_handler.h"

#include <fmt/format.h>

#include <cstdio>

#include "component/decoder.h"
#include "component/type_resolver.h"
#include "component_runtime/instantiate.h"
#include "wasihttp/http03.h"
#include "wasihttp/wasihttp.h"
#include "wasip2/wasip2.h"
#include "wasip3/wasip3.h"

namespace flint::serve {

namespace {

/// One request's store, WASI and wasi:http hosts and instance.
struct RequestInstance {
  explicit RequestInstance(const Config& config) : store(config) {}
  Store store;
  component::ComponentLinker linker;
  std::shared_ptr<wasihttp::HttpHost> http;
  std::shared_ptr<wasihttp::v03::HttpHost>
      http3;  ///< wasi:http@0.3 (a wasi:http/handler@0.3 service)
  component::InstancePtr instance;
};

/// Defines in `r`'s linker what every request's instance is granted.
Status define_imports(RequestInstance& r, const HandlerOptions& options) {
  FLINT_ASSIGN(auto ctx, wasi::WasiContext::create(options.wasi));
  wasip2::SocketGrants sockets;
  sockets.allowed_hosts = options.allowed_hosts;
  std::shared_ptr<wasip2::Host> wasi = options.cli ? wasip2::define_wasip2(r.linker, ctx, sockets)
                                                   : wasip2::define_wasip2_proxy(r.linker, ctx);
  if (options.cli) wasip3::define_wasip3(r.linker, wasi);  // as wasip2's, only with -S cli
  r.http = wasihttp::define_wasihttp(r.linker, wasi, options.allowed_hosts);
  r.http3 = wasihttp::v03::define_http(r.linker, options.allowed_hosts);
  if (options.define_more) options.define_more(r.linker);
  return {};
}

Result<std::unique_ptr<RequestInstance>> instantiate(
    const std::shared_ptr<const component::CompiledComponent>& component,
    const HandlerOptions& options) {
  auto r = std::make_unique<RequestInstance>(options.config);
  // The deadline covers instantiation (start functions) and the call.
  if (options.timeout) r->store.set_deadline(std::chrono::steady_clock::now() + *options.timeout);
  FLINT_TRY(define_imports(*r, options));
  FLINT_ASSIGN(r->instance, component::instantiate(r->store, component, r->linker));
  return r;
}

/// The trap and its backtrace on stderr, as `flint run` reports one.
void log_failure(const HandlerOptions& o, Error error, const Store* store) {
  if (o.on_failure) o.on_failure(error);
  if (error.code == ErrorCode::Interrupt && o.timeout)
    error.detail = "the request ran longer than --timeout " + o.timeout_spec;
  std::string text = fmt::format("flint serve: {} in {}: {}\n", phase_name(error.phase()), o.name,
                                 error.message());
  if (store) {
    const auto& frames = store->last_backtrace();
    if (!frames.empty()) text += "wasm backtrace:\n";
    for (size_t i = 0; i < frames.size(); ++i) {
      const BacktraceFrame& f = frames[i];
      std::string where = f.offset ? fmt::format("{:#8x}", *f.offset) : std::string(8, ' ');
      std::string name = f.name.empty() ? fmt::format("<function {}>", f.function) : f.name;
      text += fmt::format("  {:>3}: {} - {}\n", i, where, name);
    }
  }
  std::fputs(text.c_str(), stderr);  // one write: lines of concurrent requests do not mix
}

/// A 500 with a short message (the details are in the server's log).
void internal_error(wasihttp::ResponseWriter& writer, std::string_view message) {
  std::string body = std::string(message) + "\n";
  std::string length = std::to_string(body.size());
  wasihttp::Fields headers;
  headers.add_unchecked("content-type", {'t', 'e', 'x', 't', '/', 'p', 'l', 'a', 'i', 'n'});
  headers.add_unchecked("content-length", {length.begin(), length.end()});
  writer.start(500, headers);
  writer.write({reinterpret_cast<const uint8_t*>(body.data()), body.size()});
  writer.finish(nullptr);
}

}  // namespace

Status check_imports(std::span<const uint8_t> bytes, const HandlerOptions& options) {
  FLINT_ASSIGN(component::Component decoded, component::decode_component(bytes));
  FLINT_ASSIGN(component::ResolvedComponent resolved, component::resolve_component(decoded));
  RequestInstance r(options.config);
  FLINT_TRY(define_imports(r, options));
  for (const component::NamedEntity& import : resolved.self->imports) {
    auto item = r.linker.resolve(import.name);
    if (!item) return std::move(item).error();
  }
  return {};
}

Status check_component(const std::shared_ptr<const component::CompiledComponent>& component,
                       const HandlerOptions& options) {
  FLINT_ASSIGN(auto r, instantiate(component, options));
  if (wasihttp::v03::find_handler(*r->instance)) return {};
  if (!wasihttp::find_handler(*r->instance))
    return make_error(ErrorCode::UnknownImport,
                      "the component exports neither wasi:http/incoming-handler@0.2.x nor "
                      "wasi:http/handler@0.3.x");
  return {};
}

RequestHandler component_handler(std::shared_ptr<const component::CompiledComponent> component,
                                 HandlerOptions options) {
  auto o = std::make_shared<const HandlerOptions>(std::move(options));
  return [component, o](wasihttp::IncomingRequestData request, wasihttp::ResponseWriter& writer) {
    auto r = instantiate(component, *o);
    if (!r) {
      log_failure(*o, r.error(), nullptr);
      return internal_error(writer, "the component could not be instantiated");
    }
    RequestInstance& ri = **r;
    // A WASI 0.3 service when it exports wasi:http/handler@0.3, else 0.2's.
    wasihttp::Outcome out =
        wasihttp::v03::find_handler(*ri.instance)
            ? wasihttp::v03::handle(ri.store, *ri.instance, *ri.http3, std::move(request), writer)
            : wasihttp::handle(ri.store, *ri.instance, *ri.http, std::move(request), writer);
    if (!out.call) log_failure(*o, out.call.error(), &(*r)->store);
    switch (out.state) {
      case wasihttp::Exchange::State::Waiting:
        if (out.call)
          std::fprintf(stderr, "flint serve: %s: the guest set no response\n", o->name.c_str());
        if (!out.call && out.call.error().code == ErrorCode::Interrupt)
          return internal_error(writer, "the request ran longer than its time limit");
        return internal_error(writer, out.call ? "the guest set no response" : "the guest trapped");
      case wasihttp::Exchange::State::Failed:
        std::fprintf(stderr, "flint serve: %s: the guest answered error-code %s\n", o->name.c_str(),
                     out.error.c_str());
        return internal_error(writer, "the guest answered " + out.error);
      case wasihttp::Exchange::State::Started:  // the server closes the connection
      case wasihttp::Exchange::State::Finished: return;
    }
  };
}

}  // namespace flint::serve
