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
#include "conformance_harness.h"
#include "spinhost/key_value.h"
#include "spinhost/spinhost.h"
#include "spinhost/sqlite.h"

namespace flint::spinhost {
namespace {

namespace fs = std::filesystem;

const fs::path kComponents = conformance::kComponents;

using conformance::load;
using conformance::serve;

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
  auto component = load("key-value");
  ASSERT_NE(component, nullptr);
  auto ctx = context();
  ctx->key_value_grants = {"default"};
  auto w = serve(component, ctx);
  EXPECT_EQ(w.status, 200) << w.body;
  EXPECT_EQ(w.body, "");
}

TEST_F(Conformance, KeyValueNoPermission) {
  auto component = load("key-value");
  ASSERT_NE(component, nullptr);
  auto w = serve(component, context());
  EXPECT_EQ(w.status, 500);
  EXPECT_EQ(w.body, "Error::AccessDenied");
}

TEST_F(Conformance, Sqlite) {
  auto component = load("sqlite");
  ASSERT_NE(component, nullptr);
  auto ctx = context();
  ctx->sqlite_grants = {"default"};
  auto w = serve(component, ctx);
  EXPECT_EQ(w.status, 200) << w.body;
}

TEST_F(Conformance, SqliteNoPermission) {
  auto component = load("sqlite");
  ASSERT_NE(component, nullptr);
  auto w = serve(component, context());
  EXPECT_EQ(w.status, 500);
  EXPECT_EQ(w.body, "Error::AccessDenied");
}

TEST_F(Conformance, Variables) {
  auto component = load("variables");
  ASSERT_NE(component, nullptr);
  auto ctx = context();
  ctx->component_variables = {{"variable", "value"}};
  auto w = serve(component, ctx);
  EXPECT_EQ(w.status, 200) << w.body;
  EXPECT_EQ(w.body, "");
}

TEST_F(Conformance, VariablesUndefinedFails) {
  auto component = load("variables");
  ASSERT_NE(component, nullptr);
  auto w = serve(component, context());
  EXPECT_EQ(w.status, 500) << "the component expects its variable";
}

}  // namespace
}  // namespace flint::spinhost
