// fermyon:spin/mysql@2.0.0 against a real MariaDB server: parameters bound
// into statements (quotes, bytes, NULL), results read by column type, and
// the denied address; spin:mysql@3.0.0's query streaming its rows.
#include "spinhost/mysql.h"

#include <gtest/gtest.h>

#include "component_runtime/host_channels.h"
#include "service_calls.h"
#include "services.h"

namespace flint::spinhost::testing {
namespace {

using namespace component;

constexpr const char* kMysql = "fermyon:spin/mysql@2.0.0";

// rdbms-types@2.0.0's value cases.
enum : uint32_t {
  kBoolean,
  kInt8,
  kInt16,
  kInt32,
  kInt64,
  kUint8,
  kUint16,
  kUint32,
  kUint64,
  kFloat32,
  kFloat64,
  kStr,
  kBinary,
  kNull,
  kUnsupported
};

class MysqlTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new Started(start_mariadb()); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    if (!server_->service) GTEST_SKIP() << server_->why_not;
    port_ = std::to_string(server_->service->port());
  }
  std::string address() const { return "mysql://spin:spin@localhost:" + port_ + "/spin_dev"; }

  static Started* server_;
  std::string port_;
};
Started* MysqlTest::server_ = nullptr;

TEST_F(MysqlTest, ParametersAndResultsRoundTrip) {
  HostCalls h;
  define_mysql(h.linker, context_allowing({"mysql://localhost:" + port_}));
  ComponentValue opened = h.call(kMysql, "[static]connection.open", {val::string(address())});
  ASSERT_EQ(case_of(opened), 0u) << payload(payload(opened)).as_string();
  const HandleValue& own = payload(opened).as_handle();
  ComponentValue c = ComponentValue::handle(TypeKind::Borrow, own.resource, own.rep);
  auto execute = [&](const std::string& sql, std::vector<ComponentValue> params = {}) {
    return h.call(kMysql, "[method]connection.execute",
                  {c, val::string(sql), val::list(std::move(params))});
  };
  ASSERT_EQ(case_of(execute(
                "CREATE TABLE t (id INT, tiny TINYINT UNSIGNED, big BIGINT, f FLOAT, d DOUBLE, "
                "s VARCHAR(40), b VARBINARY(10), n VARCHAR(5), dec_ DECIMAL(10,3), dt DATE)")),
            0u);
  ComponentValue inserted = execute(
      "INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, '12.500', '2020-01-02') -- a '?' in a comment",
      {val::variant_case(kInt32, val::s32(1)), val::variant_case(kUint8, val::u8(200)),
       val::variant_case(kInt64, val::s64(-5000000000LL)),
       val::variant_case(kFloat32, val::f32(1.5f)), val::variant_case(kFloat64, val::f64(2.25)),
       val::variant_case(kStr, val::string("it's a \"?\"")),
       val::variant_case(kBinary, bytes_of(std::string("\0\x01\xff", 3))),
       val::variant_case(kNull)});
  ASSERT_EQ(case_of(inserted), 0u) << payload(payload(inserted)).as_string();

  ComponentValue r = h.call(kMysql, "[method]connection.query",
                            {c, val::string("SELECT * FROM t WHERE id = ?"),
                             val::list({val::variant_case(kInt32, val::s32(1))})});
  ASSERT_EQ(case_of(r), 0u) << payload(payload(r)).as_string();
  const auto& columns = payload(r).items()[0].items();
  const auto& rows = payload(r).items()[1].items();
  ASSERT_EQ(rows.size(), 1u);
  const auto& row = rows[0].items();
  EXPECT_EQ(columns[1].items()[0].as_string(), "tiny");
  EXPECT_EQ(case_of(columns[1].items()[1]), kUint8);
  EXPECT_TRUE(equal(row[0], val::variant_case(kInt32, val::s32(1))));
  EXPECT_TRUE(equal(row[1], val::variant_case(kUint8, val::u8(200))));
  EXPECT_TRUE(equal(row[2], val::variant_case(kInt64, val::s64(-5000000000LL))));
  EXPECT_TRUE(equal(row[3], val::variant_case(kFloat32, val::f32(1.5f))));
  EXPECT_TRUE(equal(row[4], val::variant_case(kFloat64, val::f64(2.25))));
  EXPECT_TRUE(equal(row[5], val::variant_case(kStr, val::string("it's a \"?\""))));
  EXPECT_EQ(case_of(row[6]), kBinary);
  EXPECT_EQ(text_of(payload(row[6])), std::string("\0\x01\xff", 3));
  EXPECT_EQ(case_of(row[7]), kNull);
  EXPECT_TRUE(equal(row[8], val::variant_case(kStr, val::string("12.500"))));
  EXPECT_EQ(case_of(row[9]), kUnsupported);

  ComponentValue mismatch = execute("SELECT ?", {});
  ASSERT_EQ(case_of(mismatch), 1u);
  EXPECT_EQ(case_of(payload(mismatch)), 1u);  // bad-parameter
  ComponentValue bad = execute("SELECT * FROM missing");
  ASSERT_EQ(case_of(bad), 1u);
  EXPECT_EQ(case_of(payload(bad)), 2u);  // query-failed
  EXPECT_NE(payload(payload(bad)).as_string().find("doesn't exist"), std::string::npos);
}

TEST_F(MysqlTest, Spin3QueryStreamsItsRows) {
  HostCalls h;
  define_mysql(h.linker, context_allowing({"mysql://localhost:" + port_}));
  constexpr const char* kV3 = "spin:mysql/mysql@3.0.0";
  ComponentValue opened = h.call(kV3, "[static]connection.open", {val::string(address())});
  ASSERT_EQ(case_of(opened), 0u) << payload(payload(opened)).as_string();
  const HandleValue& own = payload(opened).as_handle();
  ComponentValue c = ComponentValue::handle(TypeKind::Borrow, own.resource, own.rep);
  ASSERT_EQ(case_of(h.call(kV3, "[method]connection.execute",
                           {c, val::string("CREATE TABLE s3 (id INT)"), val::list({})})),
            0u);
  ASSERT_EQ(case_of(h.call(kV3, "[method]connection.execute",
                           {c, val::string("INSERT INTO s3 VALUES (1), (2), (3)"), val::list({})})),
            0u);
  ComponentValue r = h.call(kV3, "[method]connection.query",
                            {c, val::string("SELECT id FROM s3 ORDER BY id"), val::list({})});
  ASSERT_EQ(case_of(r), 0u) << payload(payload(r)).as_string();
  const auto& parts = payload(r).items();  // (columns, stream<row>, future)
  EXPECT_EQ(parts[0].items()[0].items()[0].as_string(), "id");
  std::shared_ptr<SharedChannel> rows = channel_of(parts[1]);
  HostBuffer read(rows->element(), 8);
  ASSERT_TRUE(
      rows->copy(true, read, [](std::function<void()> reclaim) { reclaim(); }, [](CopyResult) {}));
  ASSERT_EQ(read.values().size(), 3u);
  EXPECT_TRUE(equal(read.values()[2].items()[0], val::variant_case(kInt32, val::s32(3))));
  std::optional<ComponentValue> outcome;
  read_future(channel_of(parts[2]), [&](std::optional<ComponentValue> v) { outcome = v; });
  ASSERT_TRUE(outcome);
  EXPECT_EQ(case_of(*outcome), 0u);
  // An error is the result's, not the future's.
  ComponentValue bad = h.call(kV3, "[method]connection.query",
                              {c, val::string("SELECT * FROM missing"), val::list({})});
  EXPECT_EQ(case_of(bad), 1u);
}

TEST_F(MysqlTest, NotAllowedIsConnectionFailed) {
  HostCalls h;
  define_mysql(h.linker, context_allowing({}));
  ComponentValue r = h.call(kMysql, "[static]connection.open", {val::string(address())});
  ASSERT_EQ(case_of(r), 1u);
  EXPECT_EQ(case_of(payload(r)), 0u);
  EXPECT_EQ(payload(payload(r)).as_string(), "address " + address() + " is not permitted");
}

}  // namespace
}  // namespace flint::spinhost::testing
