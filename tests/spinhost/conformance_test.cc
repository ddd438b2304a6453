// Spin's conformance components (../shared/spin-conformance/components)
// for key-value, SQLite and variables, run as `flint up` runs a request:
// WASI 0.2, wasi:http and define_spin on a fresh linker, the component's
// incoming handler called with the test's request. Linking proves the WIT
// types match Spin's; the status and body are what the conformance tests
// expect (tests/NAME/test.json5).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "component_runtime/instantiate.h"
#include "spinhost/key_value.h"
#include "spinhost/spinhost.h"
#include "spinhost/sqlite.h"
#include "wasihttp/wasihttp.h"
#include "wasip2/wasip2.h"

namespace flint::spinhost {
namespace {

namespace fs = std::filesystem;

const fs::path kComponents = fs::path(FLINT_SPEC_DIR) / ".." / "spin-conformance" / "components";

class RecordingWriter : public wasihttp::ResponseWriter {
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

std::shared_ptr<const component::CompiledComponent> compile(const std::string& name) {
  std::ifstream in(kComponents / (name + ".wasm"), std::ios::binary);
  std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in), {}};
  auto c = component::CompiledComponent::compile(std::move(bytes));
  EXPECT_TRUE(c.ok()) << name << ": " << (c ? "" : c.error().describe());
  return c ? *c : nullptr;
}

/// One GET / through a fresh instance of `component` with `ctx`'s grants.
RecordingWriter serve(const std::shared_ptr<const component::CompiledComponent>& component,
                      std::shared_ptr<const SpinHostContext> ctx) {
  RecordingWriter writer;
  Store store;
  component::ComponentLinker linker;
  auto wasi_ctx = wasi::WasiContext::create({});
  EXPECT_TRUE(wasi_ctx.ok());
  auto wasi = wasip2::define_wasip2(linker, *wasi_ctx);
  auto http = wasihttp::define_wasihttp(linker, wasi);
  define_spin(linker, std::move(ctx));
  auto instance = component::instantiate(store, component, linker);
  EXPECT_TRUE(instance.ok()) << (instance ? "" : instance.error().describe());
  if (!instance) return writer;
  wasihttp::IncomingRequestData request;
  request.method = "GET";
  request.path_with_query = "/";
  request.authority = "example.com";
  auto out = wasihttp::handle(store, **instance, *http, std::move(request), writer);
  EXPECT_TRUE(out.call.ok()) << (out.call ? "" : out.call.error().describe());
  return writer;
}

class Conformance : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kComponents)) GTEST_SKIP() << kComponents << " is missing";
    dir_ = fs::temp_directory_path() /
           ("flint-conformance-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::shared_ptr<SpinHostContext> context() {
    auto ctx = std::make_shared<SpinHostContext>();
    ctx->component_id = "test";
    ctx->key_value =
        std::make_shared<KeyValueStores>((dir_ / ".spin/sqlite_key_value.db").string());
    ctx->sqlite = std::make_shared<SqliteDatabases>((dir_ / ".spin/sqlite_db.db").string());
    ctx->variables = std::make_shared<VariableResolver>(
        std::map<std::string, AppVariable>{}, std::vector<std::unique_ptr<VariableProvider>>{});
    return ctx;
  }

  fs::path dir_;
};

TEST_F(Conformance, KeyValue) {
  auto component = compile("key-value");
  ASSERT_NE(component, nullptr);
  auto ctx = context();
  ctx->key_value_grants = {"default"};
  auto w = serve(component, ctx);
  EXPECT_EQ(w.status, 200) << w.body;
  EXPECT_EQ(w.body, "");
}

TEST_F(Conformance, KeyValueNoPermission) {
  auto component = compile("key-value");
  ASSERT_NE(component, nullptr);
  auto w = serve(component, context());
  EXPECT_EQ(w.status, 500);
  EXPECT_EQ(w.body, "Error::AccessDenied");
}

TEST_F(Conformance, Sqlite) {
  auto component = compile("sqlite");
  ASSERT_NE(component, nullptr);
  auto ctx = context();
  ctx->sqlite_grants = {"default"};
  auto w = serve(component, ctx);
  EXPECT_EQ(w.status, 200) << w.body;
}

TEST_F(Conformance, SqliteNoPermission) {
  auto component = compile("sqlite");
  ASSERT_NE(component, nullptr);
  auto w = serve(component, context());
  EXPECT_EQ(w.status, 500);
  EXPECT_EQ(w.body, "Error::AccessDenied");
}

TEST_F(Conformance, Variables) {
  auto component = compile("variables");
  ASSERT_NE(component, nullptr);
  auto ctx = context();
  ctx->component_variables = {{"variable", "value"}};
  auto w = serve(component, ctx);
  EXPECT_EQ(w.status, 200) << w.body;
  EXPECT_EQ(w.body, "");
}

TEST_F(Conformance, VariablesUndefinedFails) {
  auto component = compile("variables");
  ASSERT_NE(component, nullptr);
  auto w = serve(component, context());
  EXPECT_EQ(w.status, 500) << "the component expects its variable";
}

}  // namespace
}  // namespace flint::spinhost
