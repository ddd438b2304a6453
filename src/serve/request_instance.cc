// Instances of a served component, failures and answers (request_instance.h).
#include "serve/request_instance.h"

#include <fmt/format.h>

#include <cstdio>

#include "wasip2/wasip2.h"
#include "wasip3/wasip3.h"

namespace flint::serve {

DefinedHosts define_hosts(component::ComponentLinker& linker,
                          std::shared_ptr<wasi::WasiContext> ctx, const HandlerOptions& options) {
  DefinedHosts hosts;
  wasip2::SocketGrants sockets;
  sockets.allowed_hosts = options.allowed_hosts;
  hosts.wasi = options.cli ? wasip2::define_wasip2(linker, std::move(ctx), sockets)
                           : wasip2::define_wasip2_proxy(linker, std::move(ctx));
  if (options.cli) wasip3::define_wasip3(linker, hosts.wasi);  // as wasip2's, only with -S cli
  hosts.http = wasihttp::define_wasihttp(linker, hosts.wasi, options.allowed_hosts);
  hosts.http3 = wasihttp::v03::define_http(linker, options.allowed_hosts);
  return hosts;
}

Status define_imports(RequestInstance& r, const HandlerOptions& options) {
  FLINT_ASSIGN(auto ctx, wasi::WasiContext::create(options.wasi));
  DefinedHosts hosts = define_hosts(r.linker, std::move(ctx), options);
  r.http = std::move(hosts.http);
  r.http3 = std::move(hosts.http3);
  if (options.define_more) options.define_more(r.linker);
  return {};
}

Result<std::unique_ptr<RequestInstance>> instantiate(
    const std::shared_ptr<const component::CompiledComponent>& component,
    const HandlerOptions& options) {
  if (options.on_instance) options.on_instance();
  auto r = std::make_unique<RequestInstance>(options.config);
  if (options.timeout) r->store.set_deadline(std::chrono::steady_clock::now() + *options.timeout);
  FLINT_TRY(define_imports(*r, options));
  FLINT_ASSIGN(r->instance, component::instantiate(r->store, component, r->linker));
  return r;
}

void log_failure(const HandlerOptions& o, Error error, const Store* store) {
  if (o.on_failure) o.on_failure(error);
  if (error.code == ErrorCode::Interrupt && o.timeout)
    error.detail = "the request ran longer than --timeout " + o.timeout_spec;
  std::string text = fmt::format("flint serve: {} in {}: {}\n", phase_name(error.phase()), o.name,
                                 error.message());
  if (store) text += format_backtrace(store->last_backtrace());
  std::fputs(text.c_str(), stderr);  // one write: lines of concurrent requests do not mix
}

void internal_error(wasihttp::AsyncResponseWriter& writer, std::string_view message) {
  std::string body = std::string(message) + "\n";
  std::string length = std::to_string(body.size());
  wasihttp::Fields headers;
  headers.add_unchecked("content-type", {'t', 'e', 'x', 't', '/', 'p', 'l', 'a', 'i', 'n'});
  headers.add_unchecked("content-length", {length.begin(), length.end()});
  writer.start(500, headers);
  // Nothing was queued before the head: the connection takes it all.
  (void)writer.offer({reinterpret_cast<const uint8_t*>(body.data()), body.size()});
  writer.finish(nullptr);
  writer.done();
}

void answer(const HandlerOptions& o, const wasihttp::Outcome& out,
            wasihttp::AsyncResponseWriter& writer, const Store* store) {
  if (!out.call) log_failure(o, out.call.error(), store);
  switch (out.state) {
    case wasihttp::Exchange::State::Waiting:
      if (out.call)
        std::fprintf(stderr, "flint serve: %s: the guest set no response\n", o.name.c_str());
      if (!out.call && out.call.error().code == ErrorCode::Interrupt)
        return internal_error(writer, "the request ran longer than its time limit");
      return internal_error(writer, out.call ? "the guest set no response" : "the guest trapped");
    case wasihttp::Exchange::State::Failed:
      std::fprintf(stderr, "flint serve: %s: the guest answered error-code %s\n", o.name.c_str(),
                   out.error.c_str());
      return internal_error(writer, "the guest answered " + out.error);
    case wasihttp::Exchange::State::Started:  // the server closes the connection
    case wasihttp::Exchange::State::Finished: return writer.done();
  }
}

}  // namespace flint::serve
