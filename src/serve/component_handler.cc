// Serving a wasi:http component: a 0.2 handler gets one instance per
// request, a 0.3 service shares its instances (shared_instances.h).
#include "serve/component_handler.h"

#include <future>

#include "component/decoder.h"
#include "component/type_resolver.h"
#include "serve/linker_pool.h"
#include "serve/request_instance.h"
#include "serve/shared_instances.h"

namespace flint::serve {

namespace {

/// Whether `component` exports a wasi:http/handler@0.3.x (or a release
/// candidate's) instance: a service its instances may serve concurrently.
bool is_service(const component::CompiledComponent& component) {
  for (const auto& e : component.component().exports)
    if (std::string_view(e.name.name).starts_with("wasi:http/handler@0.3.")) return true;
  return false;
}

/// Serves `request` on a fresh Store and instance of a 0.2 handler, on this
/// thread, over a linker from `pool` (given back, its hosts renewed, once
/// the Store is gone).
void serve_over_pooled_linker(LinkerPool& pool, const HandlerOptions& o,
                              wasihttp::IncomingRequestData request,
                              wasihttp::ResponseWriter& writer) {
  wasihttp::BlockingResponseWriter blocking(writer);
  auto linker = pool.take();
  if (!linker) {
    log_failure(o, linker.error(), nullptr);
    return internal_error(blocking, "the component could not be instantiated");
  }
  {
    // Gone before the linker goes back: its hosts are renewed then.
    Store store(o.config);
    if (o.on_instance) o.on_instance();
    if (o.timeout) store.set_deadline(std::chrono::steady_clock::now() + *o.timeout);
    auto instance = (*linker)->prepared->instantiate(store);
    if (!instance) {
      log_failure(o, instance.error(), &store);
      internal_error(blocking, "the component could not be instantiated");
    } else {
      wasihttp::Outcome out =
          wasihttp::handle(store, **instance, *(*linker)->hosts.http, std::move(request), writer);
      answer(o, out, blocking, &store);
    }
  }
  pool.give_back(std::move(*linker));
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
  if (!is_service(*component)) {
    auto pool = std::make_shared<LinkerPool>(component, o);
    return [pool, o](wasihttp::IncomingRequestData request, wasihttp::ResponseWriter& writer) {
      serve_over_pooled_linker(*pool, *o, std::move(request), writer);
    };
  }
  auto instances = std::make_shared<SharedInstances>(component, o);
  return [instances](wasihttp::IncomingRequestData request, wasihttp::ResponseWriter& writer) {
    if (auto deferred = writer.defer()) return instances->dispatch(std::move(request), deferred);
    // A writer that cannot wait for the instance's thread: this one waits.
    std::promise<void> ended;
    instances->dispatch(std::move(request), std::make_shared<wasihttp::BlockingResponseWriter>(
                                                writer, [&ended] { ended.set_value(); }));
    ended.get_future().wait();
  };
}

}  // namespace flint::serve
