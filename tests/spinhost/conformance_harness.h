// Spin's conformance components (../shared/spin-conformance/components)
// run as `flint up` runs a request: WASI 0.2, wasi:http and define_spin on a
// fresh linker, the component's incoming handler called with one GET /.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "component_runtime/instantiate.h"
#include "spinhost/spinhost.h"
#include "wasihttp/wasihttp.h"
#include "wasip2/wasip2.h"

namespace flint::spinhost::conformance {

/// Where the suite's components are.
inline const std::string kComponents = FLINT_SPEC_DIR "/../spin-conformance/components/";

/// What reached the server's writer.
class Response : public wasihttp::ResponseWriter {
 public:
  void start(uint16_t s, const wasihttp::Fields&) override { status = s; }
  bool write(std::span<const uint8_t> data) override {
    body.append(data.begin(), data.end());
    return true;
  }
  void finish(const wasihttp::Fields*) override {}
  uint16_t status = 0;
  std::string body;
};

/// The suite's component `name` compiled (null, with a failure, if absent).
inline std::shared_ptr<const component::CompiledComponent> load(const std::string& name) {
  std::ifstream in(kComponents + name + ".wasm", std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "no component " << name << " in " << kComponents;
    return nullptr;
  }
  std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in), {}};
  auto c = component::CompiledComponent::compile(std::move(bytes));
  EXPECT_TRUE(c.ok()) << name << ": " << (c ? "" : c.error().describe());
  return c ? *c : nullptr;
}

/// One GET / with `headers` (and Host: example.com) to a fresh instance of
/// `compiled` with `context`'s grants.
inline Response serve(const std::shared_ptr<const component::CompiledComponent>& compiled,
                      std::shared_ptr<const SpinHostContext> context,
                      std::vector<std::pair<std::string, std::string>> headers = {}) {
  Response response;
  if (!compiled) return response;
  Store store;
  component::ComponentLinker linker;
  auto wasi_ctx = wasi::WasiContext::create({});
  EXPECT_TRUE(wasi_ctx.ok());
  auto wasi = wasip2::define_wasip2(linker, *wasi_ctx);
  auto http = wasihttp::define_wasihttp(linker, wasi);
  define_spin(linker, std::move(context));
  auto instance = component::instantiate(store, compiled, linker);
  EXPECT_TRUE(instance.ok()) << (instance ? "" : instance.error().describe());
  if (!instance) return response;
  wasihttp::IncomingRequestData request;
  request.method = "GET";
  request.path_with_query = "/";
  request.authority = "example.com";
  request.headers.add_unchecked("host", {'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 'c', 'o', 'm'});
  for (auto& [k, v] : headers) request.headers.add_unchecked(k, {v.begin(), v.end()});
  auto out = wasihttp::handle(store, **instance, *http, std::move(request), response);
  EXPECT_TRUE(out.call.ok()) << (out.call ? "" : out.call.error().describe());
  return response;
}

}  // namespace flint::spinhost::conformance
