// Spin's SQLite databases through fermyon:spin/sqlite@2.0.0 and
// spin:sqlite/sqlite@3.0.0: parameters and results of every value type,
// the 3.0 connection's last-insert-rowid and changes, access-denied and
// no-such-database, seeding, persistence.
#include "spinhost/sqlite.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "host_calls.h"

namespace flint::spinhost {
namespace {

namespace fs = std::filesystem;
using namespace component;

class SqliteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("flint-sqlite-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::shared_ptr<SpinHostContext> context(std::shared_ptr<SqliteDatabases> dbs,
                                           std::vector<std::string> grants) {
    auto ctx = std::make_shared<SpinHostContext>();
    ctx->component_id = "test";
    ctx->sqlite = std::move(dbs);
    ctx->sqlite_grants = std::move(grants);
    return ctx;
  }
  std::string file(const std::string& name) const { return (dir_ / name).string(); }

  fs::path dir_;
};

ComponentValue integer(int64_t n) { return val::variant_case(0, val::s64(n)); }
ComponentValue real(double d) { return val::variant_case(1, val::f64(d)); }
ComponentValue text_value(std::string s) { return val::variant_case(2, val::string(std::move(s))); }
ComponentValue blob(std::string_view s) { return val::variant_case(3, bytes(s)); }
ComponentValue null() { return val::variant_case(4); }

constexpr const char* kV2 = "fermyon:spin/sqlite@2.0.0";
constexpr const char* kV3 =
    "spin:sqlite/sqlite@3.0.0";  // defined as 3.1.0: the same major version links

TEST_F(SqliteTest, EveryValueTypeGoesInAndComesBack) {
  auto dbs = std::make_shared<SqliteDatabases>(file(".spin/sqlite_db.db"));
  HostCalls host(context(dbs, {"default"}));
  auto opened = host.call(kV2, "[static]connection.open", {str("default")});
  ASSERT_EQ(case_index(opened), 0u);
  auto conn = payload(opened);
  auto exec = [&](std::string sql, std::vector<ComponentValue> params = {}) {
    return host.call(kV2, "[method]connection.execute", {conn, str(sql), val::list(params)});
  };
  ASSERT_EQ(case_index(exec("CREATE TABLE t (i INTEGER, r REAL, s TEXT, b BLOB, n)")), 0u);
  auto inserted = exec("INSERT INTO t VALUES (?, ?, ?, ?, ?)",
                       {integer(-9007199254740993), real(2.5), text_value("héllo"),
                        blob(std::string_view("\0\1\2", 3)), null()});
  ASSERT_EQ(case_index(inserted), 0u)
      << (case_index(inserted) ? payload(payload(inserted)).as_string() : "");
  EXPECT_TRUE(payload(inserted).items()[0].items().empty()) << "no columns";

  auto q = exec("SELECT i, r, s, b, n FROM t WHERE i = ?", {integer(-9007199254740993)});
  ASSERT_EQ(case_index(q), 0u);
  const auto& result = payload(q).items();
  std::vector<std::string> columns;
  for (const auto& c : result[0].items()) columns.push_back(c.as_string());
  EXPECT_EQ(columns, (std::vector<std::string>{"i", "r", "s", "b", "n"}));
  ASSERT_EQ(result[1].items().size(), 1u);
  const auto& values = result[1].items()[0].items()[0].items();  // row-result.values
  ASSERT_EQ(values.size(), 5u);
  EXPECT_EQ(case_index(values[0]), 0u);
  EXPECT_EQ(payload(values[0]).as_signed(), -9007199254740993);
  EXPECT_EQ(case_index(values[1]), 1u);
  EXPECT_EQ(payload(values[1]).as_f64(), 2.5);
  EXPECT_EQ(case_index(values[2]), 2u);
  EXPECT_EQ(payload(values[2]).as_string(), "héllo");
  EXPECT_EQ(case_index(values[3]), 3u);
  EXPECT_EQ(text(payload(values[3])), std::string("\0\1\2", 3));
  EXPECT_EQ(case_index(values[4]), 4u) << "null";

  // A bad statement is an io error with SQLite's message.
  auto bad = exec("SELECT * FROM nowhere");
  ASSERT_EQ(case_index(bad), 1u);
  EXPECT_EQ(case_index(payload(bad)), 4u);
  EXPECT_NE(payload(payload(bad)).as_string().find("no such table"), std::string::npos);
}

TEST_F(SqliteTest, Version3HasLastInsertRowidAndChanges) {
  auto dbs = std::make_shared<SqliteDatabases>(file("db.db"));
  HostCalls host(context(dbs, {"default"}));
  auto conn = payload(host.call(kV3, "[static]connection.open", {str("default")}));
  auto exec = [&](std::string sql) {
    return host.call(kV3, "[method]connection.execute", {conn, str(sql), val::list({})});
  };
  ASSERT_EQ(case_index(exec("CREATE TABLE t (x)")), 0u);
  ASSERT_EQ(case_index(exec("INSERT INTO t VALUES (1), (2), (3)")), 0u);
  EXPECT_EQ(host.call(kV3, "[method]connection.last-insert-rowid", {conn}).as_signed(), 3);
  EXPECT_EQ(host.call(kV3, "[method]connection.changes", {conn}).as_unsigned(), 3u);
  ASSERT_EQ(case_index(exec("UPDATE t SET x = 0 WHERE x > 1")), 0u);
  EXPECT_EQ(host.call(kV3, "[method]connection.changes", {conn}).as_unsigned(), 2u);
  // 3.1's async twins answer the same.
  const char* v31 = "spin:sqlite/sqlite@3.1.0";
  EXPECT_EQ(host.call(v31, "[method]connection.changes-async", {conn}).as_unsigned(), 2u);
  EXPECT_EQ(host.call(v31, "[method]connection.last-insert-rowid-async", {conn}).as_signed(), 3);
  auto again = host.call(v31, "[static]connection.open-async", {str("default")});
  EXPECT_EQ(case_index(again), 0u);
}

TEST_F(SqliteTest, AnUngrantedDatabaseIsAccessDeniedAnUnknownOneNoSuchDatabase) {
  auto dbs = std::make_shared<SqliteDatabases>(file("db.db"));
  HostCalls denied(context(dbs, {}));
  for (const char* iface : {kV2, kV3}) {
    auto r = denied.call(iface, "[static]connection.open", {str("default")});
    ASSERT_EQ(case_index(r), 1u);
    EXPECT_EQ(case_index(payload(r)), 1u) << iface << ": access-denied";
  }
  HostCalls granted(context(dbs, {"default", "analytics"}));
  auto r = granted.call(kV2, "[static]connection.open", {str("analytics")});
  ASSERT_EQ(case_index(r), 1u);
  EXPECT_EQ(case_index(payload(r)), 0u) << "no-such-database";
}

TEST_F(SqliteTest, NamedDatabasesSeedingAndPersistence) {
  {
    SqliteDatabases dbs(file("default.db"), {{"analytics", "spin", file("a/analytics.db")}});
    ASSERT_TRUE(dbs.validate().ok());
    ASSERT_TRUE(dbs.seed("CREATE TABLE pets (name TEXT); INSERT INTO pets VALUES ('Slats')").ok());
    std::ofstream(file("more.sql")) << "INSERT INTO pets VALUES ('Hobbes');\n";
    ASSERT_TRUE(dbs.seed("@more.sql", dir_.string()).ok());
    EXPECT_FALSE(dbs.seed("@missing.sql", dir_.string()).ok());
    EXPECT_FALSE(dbs.seed("NOT SQL").ok());
    auto a = dbs.open("analytics");
    ASSERT_TRUE(a.ok());
    auto r = (*a)->execute("CREATE TABLE hits (n INTEGER)", {});
    EXPECT_TRUE(std::holds_alternative<SqliteQueryResult>(r));
    EXPECT_TRUE(fs::exists(file("a/analytics.db")));
  }
  SqliteDatabases again(file("default.db"));
  auto db = again.open("default");
  ASSERT_TRUE(db.ok());
  auto r = (*db)->execute("SELECT name FROM pets ORDER BY name", {});
  auto* q = std::get_if<SqliteQueryResult>(&r);
  ASSERT_NE(q, nullptr);
  ASSERT_EQ(q->rows.size(), 2u);
  EXPECT_EQ(std::get<std::string>(q->rows[0][0]), "Hobbes");
  EXPECT_EQ(std::get<std::string>(q->rows[1][0]), "Slats");
  EXPECT_FALSE(SqliteDatabases("", {{"x", "libsql", ""}}).validate().ok());
}

}  // namespace
}  // namespace flint::spinhost
