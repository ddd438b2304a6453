// fermyon:spin/redis@2.0.0 against a real redis-server: every operation's
// round trip, `execute`'s result mapping, and the denied address.
#include "spinhost/redis.h"

#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <algorithm>

#include "service_calls.h"
#include "services.h"

namespace flint::spinhost::testing {
namespace {

using namespace component;

constexpr const char* kRedis = "fermyon:spin/redis@2.0.0";

class RedisTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new Started(start_redis()); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    if (!server_->service) GTEST_SKIP() << server_->why_not;
    port_ = std::to_string(server_->service->port());
  }

  std::string address() const { return "redis://127.0.0.1:" + port_; }

  /// An open connection's handle, with the component granted the server.
  ComponentValue open(HostCalls& h) {
    define_redis(h.linker, context_allowing({"redis://127.0.0.1:" + port_}));
    ComponentValue r = h.call(kRedis, "[static]connection.open", {val::string(address())});
    EXPECT_EQ(case_of(r), 0u);
    return payload(r);
  }
  ComponentValue borrow(const ComponentValue& own) {
    return ComponentValue::handle(TypeKind::Borrow, own.as_handle().resource, own.as_handle().rep);
  }

  static Started* server_;
  std::string port_;
};
Started* RedisTest::server_ = nullptr;

TEST_F(RedisTest, SetGetIncrDel) {
  HostCalls h;
  ComponentValue c = borrow(open(h));
  auto call = [&](const char* f, std::vector<ComponentValue> args) {
    args.insert(args.begin(), c);
    return h.call(kRedis, std::string("[method]connection.") + f, std::move(args));
  };
  EXPECT_EQ(case_of(call("set", {val::string("k"), bytes_of("hello")})), 0u);
  ComponentValue got = call("get", {val::string("k")});
  ASSERT_EQ(case_of(got), 0u);
  ASSERT_EQ(case_of(payload(got)), 1u);  // some
  EXPECT_EQ(text_of(payload(payload(got))), "hello");
  ComponentValue missing = call("get", {val::string("nope")});
  EXPECT_EQ(case_of(payload(missing)), 0u);  // none

  EXPECT_EQ(payload(call("incr", {val::string("n")})).as_signed(), 1);
  EXPECT_EQ(payload(call("incr", {val::string("n")})).as_signed(), 2);
  // INCR of a non-number is the server's error, reported as `other`.
  ComponentValue bad = call("incr", {val::string("k")});
  ASSERT_EQ(case_of(bad), 1u);
  EXPECT_EQ(case_of(payload(bad)), 3u);

  ComponentValue del =
      call("del", {val::list({val::string("k"), val::string("n"), val::string("x")})});
  EXPECT_EQ(payload(del).as_unsigned(), 2u);
}

TEST_F(RedisTest, Sets) {
  HostCalls h;
  ComponentValue c = borrow(open(h));
  auto call = [&](const char* f, std::vector<ComponentValue> args) {
    args.insert(args.begin(), c);
    return h.call(kRedis, std::string("[method]connection.") + f, std::move(args));
  };
  auto strings = [](std::vector<std::string> s) {
    std::vector<ComponentValue> v;
    for (auto& x : s) v.push_back(val::string(x));
    return val::list(std::move(v));
  };
  EXPECT_EQ(payload(call("sadd", {val::string("s"), strings({"a", "b", "c", "a"})})).as_unsigned(),
            3u);
  EXPECT_EQ(payload(call("srem", {val::string("s"), strings({"b", "z"})})).as_unsigned(), 1u);
  ComponentValue members = call("smembers", {val::string("s")});
  ASSERT_EQ(case_of(members), 0u);
  std::vector<std::string> got;
  for (const ComponentValue& m : payload(members).items()) got.push_back(m.as_string());
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<std::string>{"a", "c"}));
  // SMEMBERS of a string key: WRONGTYPE is `type-error`.
  call("set", {val::string("str"), bytes_of("x")});
  ComponentValue wrong = call("smembers", {val::string("str")});
  ASSERT_EQ(case_of(wrong), 1u);
  EXPECT_EQ(case_of(payload(wrong)), 2u);
}

TEST_F(RedisTest, ExecuteMapsEveryReplyKind) {
  HostCalls h;
  ComponentValue c = borrow(open(h));
  auto execute = [&](const char* command, std::vector<ComponentValue> args) {
    return h.call(kRedis, "[method]connection.execute",
                  {c, val::string(command), val::list(std::move(args))});
  };
  auto binary = [](const std::string& s) { return val::variant_case(1, bytes_of(s)); };
  ComponentValue set = execute("SET", {binary("e"), val::variant_case(0, val::s64(41))});
  ASSERT_EQ(case_of(set), 0u);
  ASSERT_EQ(payload(set).items().size(), 1u);
  EXPECT_EQ(case_of(payload(set).items()[0]), 1u);  // status "OK"
  EXPECT_EQ(payload(payload(set).items()[0]).as_string(), "OK");
  ComponentValue incr = execute("INCR", {binary("e")});
  EXPECT_EQ(payload(payload(incr).items()[0]).as_signed(), 42);  // int64
  execute("RPUSH", {binary("l"), binary("x"), binary("y")});
  ComponentValue range = execute("LRANGE", {binary("l"), val::variant_case(0, val::s64(0)),
                                            val::variant_case(0, val::s64(-1))});
  ASSERT_EQ(payload(range).items().size(), 2u);  // the array, flattened
  EXPECT_EQ(text_of(payload(payload(range).items()[1])), "y");
  ComponentValue nil = execute("GET", {binary("absent")});
  EXPECT_EQ(case_of(payload(nil).items()[0]), 0u);  // nil
  ComponentValue unknown = execute("NOSUCHCOMMAND", {});
  ASSERT_EQ(case_of(unknown), 1u);
  EXPECT_EQ(case_of(payload(unknown)), 3u);
}

TEST_F(RedisTest, PublishReachesASubscriber) {
  HostCalls h;
  ComponentValue c = borrow(open(h));
  redisContext* sub = redisConnect("127.0.0.1", server_->service->port());
  ASSERT_TRUE(sub && !sub->err);
  freeReplyObject(redisCommand(sub, "SUBSCRIBE chan"));
  ComponentValue r =
      h.call(kRedis, "[method]connection.publish", {c, val::string("chan"), bytes_of("msg")});
  EXPECT_EQ(case_of(r), 0u);
  void* reply = nullptr;
  ASSERT_EQ(redisGetReply(sub, &reply), REDIS_OK);
  auto* message = static_cast<redisReply*>(reply);
  ASSERT_EQ(message->elements, 3u);
  EXPECT_EQ(std::string(message->element[2]->str, message->element[2]->len), "msg");
  freeReplyObject(reply);
  redisFree(sub);
}

TEST_F(RedisTest, NotAllowedIsInvalidAddress) {
  for (auto ctx : {context_allowing({}), context_allowing({"redis://127.0.0.1:1"})}) {
    HostCalls h;
    define_redis(h.linker, ctx);
    ComponentValue r = h.call(kRedis, "[static]connection.open", {val::string(address())});
    ASSERT_EQ(case_of(r), 1u);
    EXPECT_EQ(case_of(payload(r)), 0u);  // invalid-address
  }
}

TEST_F(RedisTest, UnreachableServerIsOther) {
  HostCalls h;
  define_redis(h.linker, context_allowing({"redis://127.0.0.1:1"}));
  ComponentValue r =
      h.call(kRedis, "[static]connection.open", {val::string("redis://127.0.0.1:1")});
  ASSERT_EQ(case_of(r), 1u);
  EXPECT_EQ(case_of(payload(r)), 3u);
}

}  // namespace
}  // namespace flint::spinhost::testing

namespace flint::spinhost::testing {
namespace {

TEST_F(RedisTest, SpinRedis3IsTheSameInterfaceAsync) {
  HostCalls h;
  define_redis(h.linker, context_allowing({"redis://127.0.0.1:" + port_}));
  constexpr const char* kV3 = "spin:redis/redis@3.0.0";
  auto item = h.linker.resolve(kV3);
  ASSERT_TRUE(item.ok());
  auto open_fn = find_function(*std::get<InstancePtr>(*item), "[static]connection.open");
  ASSERT_TRUE(open_fn.ok());
  EXPECT_TRUE((*open_fn)->type().async);
  ComponentValue opened = h.call(kV3, "[static]connection.open", {val::string(address())});
  ASSERT_EQ(case_of(opened), 0u);
  ComponentValue c = borrow(payload(opened));
  EXPECT_EQ(case_of(h.call(kV3, "[method]connection.set", {c, val::string("v3"), bytes_of("x")})),
            0u);
  ComponentValue got = h.call(kV3, "[method]connection.get", {c, val::string("v3")});
  EXPECT_EQ(text_of(payload(payload(got))), "x");
}

}  // namespace
}  // namespace flint::spinhost::testing
