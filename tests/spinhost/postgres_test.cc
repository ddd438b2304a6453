// Spin's PostgreSQL interfaces against a real PostgreSQL server: every
// value type of spin:postgres@4.0.0 round-trips through a parameter and a
// result, server errors carry their fields, the older versions see the
// newer types as `unsupported`, and addresses are checked host by host.
#include "spinhost/postgres.h"

#include <gtest/gtest.h>

#include "component_runtime/host_channels.h"
#include "service_calls.h"
#include "services.h"

namespace flint::spinhost::testing {
namespace {

using namespace component;

constexpr const char* kV4 = "spin:postgres/postgres@4.0.0";
constexpr const char* kV3 = "spin:postgres/postgres@3.0.0";
constexpr const char* kV2 = "fermyon:spin/postgres@2.0.0";

class PostgresTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new Started(start_postgres()); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    if (!server_->service) GTEST_SKIP() << server_->why_not;
    port_ = std::to_string(server_->service->port());
  }
  std::string address() const {
    return "host=localhost port=" + port_ + " user=postgres password=postgres dbname=spin_dev";
  }

  /// A connection of `iface`, borrowed for method calls.
  ComponentValue open(HostCalls& h, const char* iface) {
    define_postgres(h.linker, context_allowing({"postgres://localhost:" + port_}));
    ComponentValue r = h.call(iface, "[static]connection.open", {val::string(address())});
    EXPECT_EQ(case_of(r), 0u) << (case_of(r) ? payload(payload(r)).kind == TypeKind::String
                                                   ? payload(payload(r)).as_string()
                                                   : ""
                                             : "");
    const HandleValue& own = payload(r).as_handle();
    return ComponentValue::handle(TypeKind::Borrow, own.resource, own.rep);
  }

  static Started* server_;
  std::string port_;
};
Started* PostgresTest::server_ = nullptr;

/// A v4 parameter-value / db-value case by name (the two share indices up
/// to db-null).
uint32_t v4_case(const std::string& name) {
  static const std::vector<std::string> names = {
      "boolean",       "int8",        "int16",       "int32",         "int64",       "floating32",
      "floating64",    "str",         "binary",      "date",          "time",        "datetime",
      "timestamp",     "uuid",        "jsonb",       "decimal",       "range-int32", "range-int64",
      "range-decimal", "array-int32", "array-int64", "array-decimal", "array-str",   "interval",
      "db-null",       "unsupported"};
  return uint32_t(std::find(names.begin(), names.end(), name) - names.begin());
}
ComponentValue pv(const std::string& name, std::optional<ComponentValue> payload = std::nullopt) {
  return val::variant_case(v4_case(name), std::move(payload));
}

TEST_F(PostgresTest, V4ValuesRoundTrip) {
  HostCalls h;
  ComponentValue c = open(h, kV4);
  auto exec = [&](const std::string& sql, std::vector<ComponentValue> params = {}) {
    return h.call(kV4, "[method]connection.execute",
                  {c, val::string(sql), val::list(std::move(params))});
  };
  ASSERT_EQ(
      case_of(exec("CREATE TEMPORARY TABLE t (b bool, i2 int2, i4 int4, i8 int8, f4 real, "
                   "f8 float8, s text, bin bytea, d date, tm time, ts timestamp, tz timestamptz, "
                   "u uuid, j jsonb, n numeric, r4 int4range, r8 int8range, rn numrange, "
                   "a4 int4[], a8 int8[], an numeric[], ast text[], iv interval, nul text)")),
      0u);
  ComponentValue bound = val::some(val::tuple({val::s32(3), val::enum_case(0)}));
  std::vector<ComponentValue> params = {
      pv("boolean", val::boolean(true)),
      pv("int16", val::s16(-7)),
      pv("int32", val::s32(123456)),
      pv("int64", val::s64(-9000000000LL)),
      pv("floating32", val::f32(19.2f)),
      pv("floating64", val::f64(20.3)),
      pv("str", val::string("it's \"quoted\"")),
      pv("binary", bytes_of(std::string("\0\x01\xff", 3))),
      pv("date", val::tuple({val::s32(-43), val::u8(3), val::u8(15)})),
      pv("time", val::tuple({val::u8(14), val::u8(15), val::u8(16), val::u32(17000000)})),
      pv("datetime", val::tuple({val::s32(1999), val::u8(7), val::u8(12), val::u8(4), val::u8(3),
                                 val::u8(2), val::u32(1000000)})),
      pv("timestamp", val::s64(86400 * 365)),
      pv("uuid", val::string("fedcba98-fedc-fedc-fedc-fedcba987654")),
      pv("jsonb", bytes_of("{\"a\": [1, 2]}")),
      pv("decimal", val::string("123456789.123456789")),
      pv("range-int32", val::tuple({bound, val::none()})),
      pv("range-int64", val::tuple({val::none(), val::some(val::tuple(
                                                     {val::s64(1LL << 40), val::enum_case(1)}))})),
      pv("range-decimal",
         val::tuple({val::some(val::tuple({val::string("1.5"), val::enum_case(1)})),
                     val::some(val::tuple({val::string("2.5"), val::enum_case(0)}))})),
      pv("array-int32", val::list({val::some(val::s32(1)), val::none(), val::some(val::s32(-3))})),
      pv("array-int64", val::list({val::some(val::s64(40000000000000LL))})),
      pv("array-decimal",
         val::list({val::some(val::string("100")), val::some(val::string("200.5"))})),
      pv("array-str",
         val::list({val::some(val::string("a,b")), val::none(), val::some(val::string("q\"\\"))})),
      pv("interval", val::record({val::s64(123456), val::s32(10), val::s32(200)})),
      pv("db-null"),
  };
  std::string insert = "INSERT INTO t VALUES (";
  for (size_t i = 1; i <= params.size(); ++i) insert += (i > 1 ? ",$" : "$") + std::to_string(i);
  insert += ")";
  ComponentValue inserted = exec(insert, params);
  ASSERT_EQ(case_of(inserted), 0u) << payload(payload(payload(inserted))).as_string();
  EXPECT_EQ(payload(inserted).as_unsigned(), 1u);

  ComponentValue r =
      h.call(kV4, "[method]connection.query", {c, val::string("SELECT * FROM t"), val::list({})});
  ASSERT_EQ(case_of(r), 0u);
  const auto& columns = payload(r).items()[0].items();
  const auto& rows = payload(r).items()[1].items();
  ASSERT_EQ(rows.size(), 1u);
  const auto& row = rows[0].items();
  ASSERT_EQ(row.size(), params.size());
  EXPECT_EQ(columns[2].items()[0].as_string(), "i4");
  EXPECT_EQ(case_of(columns[2].items()[1]), v4_case("int32"));
  // Every value comes back as the case it went in as, with the same
  // payload; the exceptions are what PostgreSQL normalises.
  for (size_t i = 0; i < params.size(); ++i) {
    const std::string col = columns[i].items()[0].as_string();
    if (col == "tz") continue;  // a timestamp param read back as datetime
    if (col == "r4") continue;  // [3,) stays [3,): checked below
    if (col == "j") continue;   // jsonb is reformatted
    EXPECT_TRUE(equal(row[i], params[i])) << col;
  }
  // timestamptz: the Unix timestamp 365 days in, as a UTC date-time.
  EXPECT_TRUE(
      equal(row[11], pv("datetime", val::tuple({val::s32(1971), val::u8(1), val::u8(1), val::u8(0),
                                                val::u8(0), val::u8(0), val::u32(0)}))));
  EXPECT_EQ(text_of(payload(row[13])), "{\"a\": [1, 2]}");
  EXPECT_TRUE(equal(row[15], params[15]));
}

TEST_F(PostgresTest, V4DiscreteRangesAreNormalised) {
  HostCalls h;
  ComponentValue c = open(h, kV4);
  ComponentValue r = h.call(kV4, "[method]connection.query",
                            {c,
                             val::string("SELECT '(1,40]'::int4range, 'empty'::int4range, "
                                         "numrange(NULL, 100)"),
                             val::list({})});
  ASSERT_EQ(case_of(r), 0u);
  const auto& row = payload(r).items()[1].items()[0].items();
  EXPECT_TRUE(equal(
      row[0],
      pv("range-int32", val::tuple({val::some(val::tuple({val::s32(2), val::enum_case(0)})),
                                    val::some(val::tuple({val::s32(41), val::enum_case(1)}))}))));
  EXPECT_TRUE(equal(row[1], pv("range-int32", val::tuple({val::none(), val::none()}))));
  EXPECT_TRUE(equal(
      row[2], pv("range-decimal",
                 val::tuple({val::none(),
                             val::some(val::tuple({val::string("100"), val::enum_case(1)}))}))));
}

TEST_F(PostgresTest, V4IntervalsAndNegativeTimes) {
  HostCalls h;
  ComponentValue c = open(h, kV4);
  ComponentValue r =
      h.call(kV4, "[method]connection.query",
             {c,
              val::string("SELECT 'P1Y2M3DT4H5M6.7S'::interval, '-1 days +02:03:00'::interval, "
                          "'-00:00:01.5'::interval"),
              val::list({})});
  ASSERT_EQ(case_of(r), 0u);
  const auto& row = payload(r).items()[1].items()[0].items();
  EXPECT_TRUE(equal(
      row[0], pv("interval", val::record({val::s64((4 * 3600 + 5 * 60 + 6) * 1000000LL + 700000),
                                          val::s32(3), val::s32(14)}))));
  EXPECT_TRUE(equal(row[1], pv("interval", val::record({val::s64((2 * 3600 + 3 * 60) * 1000000LL),
                                                        val::s32(-1), val::s32(0)}))));
  EXPECT_TRUE(
      equal(row[2], pv("interval", val::record({val::s64(-1500000), val::s32(0), val::s32(0)}))));
}

TEST_F(PostgresTest, V4ServerErrorsCarryTheirFields) {
  HostCalls h;
  ComponentValue c = open(h, kV4);
  ComponentValue r = h.call(kV4, "[method]connection.query",
                            {c, val::string("SELECT * FROM no_such_table"), val::list({})});
  ASSERT_EQ(case_of(r), 1u);
  const ComponentValue& error = payload(r);
  ASSERT_EQ(case_of(error), 2u);           // query-failed
  ASSERT_EQ(case_of(payload(error)), 1u);  // db-error
  const auto& fields = payload(payload(error)).items();
  EXPECT_EQ(fields[1].as_string(), "ERROR");
  EXPECT_EQ(fields[2].as_string(), "42P01");
  EXPECT_EQ(fields[3].as_string(), "relation \"no_such_table\" does not exist");
  EXPECT_EQ(fields[0].as_string(), "db error: ERROR: relation \"no_such_table\" does not exist");
}

TEST_F(PostgresTest, OlderVersionsSeeNewTypesAsUnsupported) {
  for (const char* iface : {kV3, kV2}) {
    HostCalls h;
    ComponentValue c = open(h, iface);
    ComponentValue r = h.call(iface, "[method]connection.query",
                              {c,
                               val::string("SELECT $1::int4 + 1, 'x'::text, '2020-01-02'::date, "
                                           "gen_random_uuid(), NULL::int4"),
                               val::list({val::variant_case(3, val::s32(41))})});
    ASSERT_EQ(case_of(r), 0u) << iface;
    const auto& row = payload(r).items()[1].items()[0].items();
    // The cases' indices: v2 has unsigned cases (str is 11), v3 has none
    // (str is 7) but has date (9); both end in db-null and unsupported.
    EXPECT_EQ(case_of(row[0]), 3u) << iface;
    EXPECT_EQ(payload(row[0]).as_signed(), 42) << iface;
    if (iface == kV3) {
      EXPECT_EQ(case_of(row[1]), 7u);   // str
      EXPECT_EQ(case_of(row[2]), 9u);   // date
      EXPECT_EQ(case_of(row[3]), 14u);  // unsupported (uuid)
      EXPECT_EQ(case_of(row[4]), 13u);  // db-null
    } else {
      EXPECT_EQ(case_of(row[1]), 11u);  // str
      EXPECT_EQ(case_of(row[2]), 14u);  // unsupported (date)
      EXPECT_EQ(case_of(row[4]), 13u);  // db-null
    }
    ComponentValue n = h.call(iface, "[method]connection.execute",
                              {c, val::string("SELECT generate_series(1, 5)"), val::list({})});
    EXPECT_EQ(payload(n).as_unsigned(), 5u) << iface;
  }
}

TEST_F(PostgresTest, AddressesAreCheckedHostByHost) {
  auto open_error = [&](std::vector<std::string> allowed, const std::string& address) {
    HostCalls h;
    define_postgres(h.linker, context_allowing(allowed));
    ComponentValue r = h.call(kV4, "[static]connection.open", {val::string(address)});
    EXPECT_EQ(case_of(r), 1u) << address;
    if (case_of(r) != 1u) return std::string();
    EXPECT_EQ(case_of(payload(r)), 0u) << address;  // connection-failed
    return payload(payload(r)).as_string();
  };
  EXPECT_EQ(open_error({}, address()),
            "address postgres://localhost:" + port_ + " is not permitted");
  EXPECT_EQ(open_error(
                {"postgres://localhost:" + port_},
                "postgres://postgres:postgres@localhost:" + port_ + ",other.example:5432/spin_dev"),
            "address postgres://other.example:5432 is not permitted");
  // hostaddr is where libpq connects: granting the name is not enough.
  EXPECT_EQ(open_error({"postgres://localhost:" + port_}, address() + " hostaddr=10.1.2.3"),
            "address postgres://10.1.2.3:" + port_ + " is not permitted");
  EXPECT_EQ(open_error({"postgres://localhost:" + port_}, "host=/tmp port=" + port_),
            "Unix sockets are not supported on WebAssembly");
  EXPECT_EQ(open_error({"postgres://localhost:" + port_}, address() + " passfile=/etc/passwd"),
            "connection option 'passfile' is not supported");
  // Granted, but the password is wrong: the server's refusal.
  std::string wrong =
      open_error({"postgres://localhost:" + port_},
                 "host=localhost port=" + port_ + " user=postgres password=x dbname=spin_dev");
  EXPECT_NE(wrong.find("password authentication failed"), std::string::npos) << wrong;
}

}  // namespace
}  // namespace flint::spinhost::testing

namespace flint::spinhost::testing {
namespace {

TEST_F(PostgresTest, V42AsyncTwinsAndRowsAsAStream) {
  HostCalls h;
  define_postgres(h.linker, context_allowing({"postgres://localhost:" + port_}));
  constexpr const char* kV42 = "spin:postgres/postgres@4.2.0";
  ComponentValue opened = h.call(kV42, "[static]connection.open-async", {val::string(address())});
  ASSERT_EQ(case_of(opened), 0u);
  const auto& own = payload(opened).as_handle();
  ComponentValue c = ComponentValue::handle(TypeKind::Borrow, own.resource, own.rep);
  ComponentValue r =
      h.call(kV42, "[method]connection.query-async",
             {c, val::string("SELECT * FROM (VALUES (1), (2)) AS t(n)"), val::list({})});
  ASSERT_EQ(case_of(r), 0u);
  const auto& parts = payload(r).items();  // (columns, stream<row>, future)
  std::shared_ptr<component::SharedChannel> rows = component::channel_of(parts[1]);
  component::HostBuffer read(rows->element(), 8);
  ASSERT_TRUE(rows->copy(
      true, read, [](std::function<void()> reclaim) { reclaim(); }, [](component::CopyResult) {}));
  EXPECT_EQ(read.values().size(), 2u);
  EXPECT_EQ(case_of(h.call(kV42, "[method]connection.execute-async",
                           {c, val::string("SELECT 1"), val::list({})})),
            0u);
}

TEST_F(PostgresTest, V41ConnectionBuilder) {
  HostCalls h;
  define_postgres(h.linker, context_allowing({"postgres://localhost:" + port_}));
  constexpr const char* kV41 = "spin:postgres/postgres@4.1.0";
  auto borrow = [](const ComponentValue& own) {
    return ComponentValue::handle(TypeKind::Borrow, own.as_handle().resource, own.as_handle().rep);
  };
  ComponentValue b = h.call(kV41, "[constructor]connection-builder", {val::string(address())});
  // The server has no TLS: libpq's default sslmode (prefer) goes without.
  EXPECT_EQ(case_of(h.call(kV41, "[method]connection-builder.set-ca-root",
                           {borrow(b), val::string("-----BEGIN CERTIFICATE-----\n")})),
            0u);
  ComponentValue built = h.call(kV41, "[method]connection-builder.build", {borrow(b)});
  ASSERT_EQ(case_of(built), 0u) << payload(payload(built)).as_string();
  ComponentValue r = h.call(kV41, "[method]connection.query",
                            {borrow(payload(built)), val::string("SELECT 1"), val::list({})});
  EXPECT_EQ(case_of(r), 0u);
  ComponentValue denied_builder =
      h.call(kV41, "[constructor]connection-builder", {val::string("host=example.com dbname=x")});
  ComponentValue denied =
      h.call(kV41, "[method]connection-builder.build", {borrow(denied_builder)});
  ASSERT_EQ(case_of(denied), 1u);
  EXPECT_EQ(payload(payload(denied)).as_string(),
            "address postgres://example.com:5432 is not permitted");
}

}  // namespace
}  // namespace flint::spinhost::testing
