// What one `flint serve` request costs without the network: the wasi:http
// hello component's handler as the server calls it (a fresh Store, the
// host interfaces, the instance, the `handle` call, the teardown), in both
// engines, with the response going to a writer that keeps nothing. The
// server's own share (parsing, sockets, threads) is what wrk measures on
// top (docs/serving-benchmark.md). Run by hand:
//   build/bench/serve/request_bench --benchmark_repetitions=5
#include <benchmark/benchmark.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <vector>

#include "component_runtime/compiled_component.h"
#include "flint/runtime.h"
#include "serve/component_handler.h"
#include "wasihttp/host.h"

namespace {

using namespace flint;

/// Counts what the guest wrote, and checks it answered 200.
class CountingWriter final : public wasihttp::ResponseWriter {
 public:
  void start(uint16_t status, const wasihttp::Fields&) override { status_ = status; }
  bool write(std::span<const uint8_t> data) override {
    bytes_ += data.size();
    return true;
  }
  void finish(const wasihttp::Fields*) override {}
  uint16_t status() const { return status_; }

 private:
  uint16_t status_ = 0;
  size_t bytes_ = 0;
};

std::shared_ptr<const component::CompiledComponent> compile_hello(EngineKind engine) {
  std::ifstream in(FLINT_HTTP_HELLO_WASM, std::ios::binary);
  std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in), {}};
  if (bytes.empty()) return nullptr;
  Config config;
  config.engine = engine;
  auto compiled = component::CompiledComponent::compile(std::move(bytes), config);
  if (!compiled) {
    std::fprintf(stderr, "http_hello: %s\n", compiled.error().describe().c_str());
    return nullptr;
  }
  return *compiled;
}

/// One request through serve::component_handler, as a server worker runs it.
void serve_request(benchmark::State& state, EngineKind engine) {
  auto compiled = compile_hello(engine);
  if (!compiled) return state.SkipWithError("cannot compile http_hello.wasm");
  serve::HandlerOptions options;
  options.config.engine = engine;
  options.cli = true;  // Rust's std imports wasi:cli beyond the proxy world
  options.name = "http_hello.wasm";
  if (auto checked = serve::check_component(compiled, options); !checked)
    return state.SkipWithError(checked.error().describe().c_str());
  serve::RequestHandler handler = serve::component_handler(compiled, options);
  for (auto _ : state) {
    wasihttp::IncomingRequestData request;
    request.method = "GET";
    request.path_with_query = "/";
    request.authority = "localhost";
    CountingWriter writer;
    handler(std::move(request), writer);
    if (writer.status() != 200) return state.SkipWithError("the guest did not answer 200");
  }
}

}  // namespace

BENCHMARK_CAPTURE(serve_request, Interpreted, flint::EngineKind::Interpreter)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(serve_request, Compiled, flint::EngineKind::Aot)->Unit(benchmark::kMicrosecond);
BENCHMARK_MAIN();
