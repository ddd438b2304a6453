// Spin's runtime-config.toml: stores, databases and variable providers,
// relative paths against the file's folder, errors that name the section.
#include "spin/runtime_config.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace flint::spin {
namespace {

TEST(RuntimeConfig, StoresDatabasesAndProviders) {
  auto config = parse_runtime_config(R"(
[key_value_store.default]
type = "redis"
url = "redis://localhost:6379"

[key_value_store.user_data]
type = "spin"
path = "data/user.db"

[sqlite_database.default]
type = "spin"
path = "/abs/db.sqlite"

[sqlite_database.analytics]
type = "spin"
path = "analytics.db"

[[variables_provider]]
type = "env"
prefix = "MYAPP"
dotenv_path = ".env"

[[variables_provider]]
type = "static"
values = { greeting = "hello" }

[llm_compute]
type = "spin"
)",
                                     "/srv/app");
  ASSERT_TRUE(config.ok()) << config.error().describe();
  ASSERT_EQ(config->key_value_stores.size(), 2u);
  EXPECT_EQ(config->key_value_stores[0].name, "default");
  EXPECT_EQ(config->key_value_stores[0].type, "redis");
  EXPECT_EQ(config->key_value_stores[0].url, "redis://localhost:6379");
  EXPECT_EQ(config->key_value_stores[1].name, "user_data");
  EXPECT_EQ(config->key_value_stores[1].path, "/srv/app/data/user.db");
  ASSERT_EQ(config->sqlite_databases.size(), 2u);
  EXPECT_EQ(config->sqlite_databases[0].name, "analytics");  // toml++ tables are sorted
  EXPECT_EQ(config->sqlite_databases[0].path, "/srv/app/analytics.db");
  EXPECT_EQ(config->sqlite_databases[1].path, "/abs/db.sqlite");
  ASSERT_EQ(config->variables_providers.size(), 2u);
  EXPECT_EQ(config->variables_providers[0].prefix, "MYAPP");
  EXPECT_EQ(*config->variables_providers[0].dotenv_path, ".env");
  EXPECT_EQ(config->variables_providers[1].values.at("greeting"), "hello");

  // The providers: environment (SPIN_VARIABLE_*) first, then the file's.
  ::setenv("SPIN_VARIABLE_GREETING", "from-env", 1);
  auto providers = config->make_variable_providers();
  ASSERT_EQ(providers.size(), 3u);
  EXPECT_EQ(**providers[0]->get("greeting"), "from-env");
  EXPECT_EQ(**providers[2]->get("greeting"), "hello");
  ::unsetenv("SPIN_VARIABLE_GREETING");
}

TEST(RuntimeConfig, ErrorsNameTheSection) {
  auto no_url = parse_runtime_config("[key_value_store.cache]\ntype = \"redis\"\n", "/");
  ASSERT_FALSE(no_url.ok());
  EXPECT_NE(no_url.error().detail.find("key_value_store.cache"), std::string::npos);
  auto unknown = parse_runtime_config("[sqlite_database.x]\ntype = \"libsql\"\n", "/");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().detail.find("libsql"), std::string::npos);
  auto vault = parse_runtime_config("[[variables_provider]]\ntype = \"vault\"\n", "/");
  ASSERT_FALSE(vault.ok());
  auto syntax = parse_runtime_config("[key_value_store.x\n", "/", "rc.toml");
  ASSERT_FALSE(syntax.ok());
  EXPECT_NE(syntax.error().detail.find("rc.toml"), std::string::npos);
  auto wrong_type = parse_runtime_config("[key_value_store.x]\ntype = 3\n", "/");
  ASSERT_FALSE(wrong_type.ok());
}

TEST(RuntimeConfig, LoadResolvesAgainstTheFilesFolder) {
  auto dir = std::filesystem::temp_directory_path() / ("flint-rc-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "runtime-config.toml")
      << "[key_value_store.default]\ntype = \"spin\"\npath = \"kv/store.db\"\n";
  auto config = load_runtime_config((dir / "runtime-config.toml").string());
  ASSERT_TRUE(config.ok()) << config.error().describe();
  EXPECT_EQ(config->key_value_stores[0].path, (dir / "kv/store.db").string());
  EXPECT_FALSE(load_runtime_config((dir / "missing.toml").string()).ok());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace flint::spin
