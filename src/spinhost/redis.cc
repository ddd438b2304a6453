// fermyon:spin/redis@2.0.0 over hiredis. Each `open` makes one blocking
// connection (connect and command timeouts below); a connection that broke
// reconnects on its next command. Replies map as Spin's do: a nil bulk is
// `get`'s none, an array reply to `execute` is flattened into its items,
// `WRONGTYPE` is `error::type-error`, any other error reply or I/O failure
// is `error::other(message)`.
#include "spinhost/redis.h"

#include <hiredis/hiredis.h>

#include <string>
#include <variant>
#include <vector>

#include "component_runtime/host_interface.h"
#include "spinhost/outbound_access.h"
#include "spinhost/service_url.h"

namespace flint::spinhost {

namespace {

using namespace component;

constexpr timeval kConnectTimeout{10, 0};
constexpr timeval kCommandTimeout{30, 0};

// The cases of the WIT's `error` variant.
enum : uint32_t { kInvalidAddress, kTooManyConnections, kTypeError, kOther };
// The cases of `redis-parameter` and `redis-result`.
enum : uint32_t { kParamInt64, kParamBinary };
enum : uint32_t { kResultNil, kResultStatus, kResultInt64, kResultBinary };

struct ContextDeleter {
  void operator()(redisContext* c) const { redisFree(c); }
};
using Connection = std::unique_ptr<redisContext, ContextDeleter>;
struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

ComponentValue error(uint32_t which, std::optional<ComponentValue> payload = std::nullopt) {
  return val::err(val::variant_case(which, std::move(payload)));
}
ComponentValue other(std::string message) { return error(kOther, val::string(std::move(message))); }

ComponentValue bytes_value(const char* data, size_t size) {
  return val::bytes(reinterpret_cast<const uint8_t*>(data), size);
}

/// A reply, or the WIT error (an `err` value) that stands for its failure.
struct Outcome {
  Reply reply;
  std::optional<ComponentValue> error;
};

/// Sends one command (arguments as bytes) and reads its reply.
Outcome run(redisContext* c, const std::vector<std::string>& args) {
  if (c->err && redisReconnect(c) != REDIS_OK) return {nullptr, other(c->errstr)};
  redisSetTimeout(c, kCommandTimeout);
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  for (const std::string& a : args) {
    argv.push_back(a.data());
    lengths.push_back(a.size());
  }
  Reply reply(
      static_cast<redisReply*>(redisCommandArgv(c, int(argv.size()), argv.data(), lengths.data())));
  if (!reply) return {nullptr, other(c->err ? c->errstr : "no reply from the Redis server")};
  if (reply->type == REDIS_REPLY_ERROR) {
    std::string message(reply->str, reply->len);
    if (message.rfind("WRONGTYPE", 0) == 0) return {nullptr, error(kTypeError)};
    return {nullptr, other(std::move(message))};
  }
  return {std::move(reply), std::nullopt};
}

std::string to_string(const ComponentValue& list) {
  std::vector<uint8_t> b = val::to_bytes(list);
  return std::string(b.begin(), b.end());
}

std::vector<std::string> strings(const ComponentValue& list) {
  std::vector<std::string> out;
  for (const ComponentValue& v : list.items()) out.push_back(v.as_string());
  return out;
}

/// `reply`'s items as `execute` gives them: arrays flattened.
void flatten(const redisReply& reply, std::vector<ComponentValue>& out) {
  switch (reply.type) {
    case REDIS_REPLY_NIL: out.push_back(val::variant_case(kResultNil)); break;
    case REDIS_REPLY_STATUS:
      out.push_back(
          val::variant_case(kResultStatus, val::string(std::string(reply.str, reply.len))));
      break;
    case REDIS_REPLY_INTEGER:
      out.push_back(val::variant_case(kResultInt64, val::s64(reply.integer)));
      break;
    case REDIS_REPLY_ARRAY:
      for (size_t i = 0; i < reply.elements; ++i) flatten(*reply.element[i], out);
      break;
    default: out.push_back(val::variant_case(kResultBinary, bytes_value(reply.str, reply.len)));
  }
}

/// An integer reply as a result's ok value, or a type error.
HostReturn integer_result(Outcome o, bool unsigned32) {
  if (o.error) return *o.error;
  if (o.reply->type != REDIS_REPLY_INTEGER) return error(kTypeError);
  if (unsigned32) return val::ok(val::u32(uint32_t(o.reply->integer)));
  return val::ok(val::s64(o.reply->integer));
}

/// Connects as `address` says: host and port, AUTH with its user info,
/// SELECT its database (the path).
std::variant<Connection, ComponentValue> connect(const std::string& address) {
  auto url = parse_service_url(address);
  if (!url || (url->scheme != "redis" && url->scheme != "redis+unix"))
    return other(url ? "unsupported scheme '" + url->scheme + "'" : url.error().detail);
  Connection c(
      redisConnectWithTimeout(url->host.c_str(), url->port.value_or(6379), kConnectTimeout));
  if (!c) return other("cannot allocate a Redis connection");
  if (c->err) return other(c->errstr);
  if (url->password) {
    std::vector<std::string> auth{"AUTH"};
    if (!url->user.empty()) auth.push_back(url->user);
    auth.push_back(*url->password);
    if (Outcome o = run(c.get(), auth); o.error) return *o.error;
  }
  std::string db = url->path.empty() ? "" : url->path.substr(1);
  if (!db.empty() && db != "0") {
    if (Outcome o = run(c.get(), {"SELECT", db}); o.error) return *o.error;
  }
  return c;
}

struct RedisHost {
  explicit RedisHost(std::shared_ptr<const SpinHostContext> c)
      : context(std::move(c)), connections("fermyon:spin/redis.connection") {}
  std::shared_ptr<const SpinHostContext> context;
  HostResourceTable<Connection> connections;
};

void define_interface(ComponentLinker& linker, const std::shared_ptr<RedisHost>& host,
                      const std::string& name, const std::string& version, bool async) {
  ValueTypePtr payload = wit::list(wit::u8());
  ValueTypePtr error_type = wit::variant({{"invalid-address", nullptr},
                                          {"too-many-connections", nullptr},
                                          {"type-error", nullptr},
                                          {"other", wit::string()}});
  ValueTypePtr parameter = wit::variant({{"int64", wit::s64()}, {"binary", payload}});
  ValueTypePtr result_type = wit::variant(
      {{"nil", nullptr}, {"status", wit::string()}, {"int64", wit::s64()}, {"binary", payload}});
  ResourceTypePtr connection = host->connections.type();
  auto self = [&](std::vector<Param> rest, ValueTypePtr ok) {
    rest.insert(rest.begin(), {"self", wit::borrow(connection)});
    return wit::async_if(wit::func(std::move(rest), wit::result(std::move(ok), error_type)), async);
  };
  auto conn = [host](const ComponentValue& self) -> Result<redisContext*> {
    FLINT_ASSIGN(Connection * c, host->connections.get(self));
    return c->get();
  };

  HostInterface iface(name, version);
  iface.resource("connection", connection);
  iface.type("error", error_type);
  iface.type("payload", payload);
  iface.type("redis-parameter", parameter);
  iface.type("redis-result", result_type);
  iface.static_function(
      "connection", "open",
      wit::async_if(
          wit::func({{"address", wit::string()}}, wit::result(wit::own(connection), error_type)),
          async),
      [host](Store&, std::span<const ComponentValue> a) -> HostReturn {
        const std::string& address = a[0].as_string();
        if (!may_reach(*host->context, address)) return error(kInvalidAddress);
        auto made = connect(address);
        if (auto* e = std::get_if<ComponentValue>(&made)) return std::move(*e);
        auto handle = host->connections.insert_own(std::move(std::get<Connection>(made)));
        if (!handle) return error(kTooManyConnections);
        return val::ok(std::move(*handle));
      });
  iface.method("connection", "publish",
               self({{"channel", wit::string()}, {"payload", payload}}, nullptr),
               [conn](Store&, std::span<const ComponentValue> a) -> HostReturn {
                 FLINT_ASSIGN(redisContext * c, conn(a[0]));
                 Outcome o = run(c, {"PUBLISH", a[1].as_string(), to_string(a[2])});
                 return o.error ? *o.error : val::ok();
               });
  iface.method("connection", "get", self({{"key", wit::string()}}, wit::option(payload)),
               [conn](Store&, std::span<const ComponentValue> a) -> HostReturn {
                 FLINT_ASSIGN(redisContext * c, conn(a[0]));
                 Outcome o = run(c, {"GET", a[1].as_string()});
                 if (o.error) return *o.error;
                 if (o.reply->type == REDIS_REPLY_NIL) return val::ok(val::none());
                 if (o.reply->type != REDIS_REPLY_STRING) return error(kTypeError);
                 return val::ok(val::some(bytes_value(o.reply->str, o.reply->len)));
               });
  iface.method("connection", "set", self({{"key", wit::string()}, {"value", payload}}, nullptr),
               [conn](Store&, std::span<const ComponentValue> a) -> HostReturn {
                 FLINT_ASSIGN(redisContext * c, conn(a[0]));
                 Outcome o = run(c, {"SET", a[1].as_string(), to_string(a[2])});
                 return o.error ? *o.error : val::ok();
               });
  iface.method("connection", "incr", self({{"key", wit::string()}}, wit::s64()),
               [conn](Store&, std::span<const ComponentValue> a) -> HostReturn {
                 FLINT_ASSIGN(redisContext * c, conn(a[0]));
                 return integer_result(run(c, {"INCR", a[1].as_string()}), false);
               });
  iface.method("connection", "del", self({{"keys", wit::list(wit::string())}}, wit::u32()),
               [conn](Store&, std::span<const ComponentValue> a) -> HostReturn {
                 FLINT_ASSIGN(redisContext * c, conn(a[0]));
                 std::vector<std::string> args = strings(a[1]);
                 args.insert(args.begin(), "DEL");
                 return integer_result(run(c, args), true);
               });
  for (const char* op : {"sadd", "srem"}) {
    std::string command = op[1] == 'a' ? "SADD" : "SREM";
    iface.method("connection", op,
                 self({{"key", wit::string()}, {"values", wit::list(wit::string())}}, wit::u32()),
                 [conn, command](Store&, std::span<const ComponentValue> a) -> HostReturn {
                   FLINT_ASSIGN(redisContext * c, conn(a[0]));
                   std::vector<std::string> args = strings(a[2]);
                   args.insert(args.begin(), {command, a[1].as_string()});
                   return integer_result(run(c, args), true);
                 });
  }
  iface.method("connection", "smembers", self({{"key", wit::string()}}, wit::list(wit::string())),
               [conn](Store&, std::span<const ComponentValue> a) -> HostReturn {
                 FLINT_ASSIGN(redisContext * c, conn(a[0]));
                 Outcome o = run(c, {"SMEMBERS", a[1].as_string()});
                 if (o.error) return *o.error;
                 if (o.reply->type != REDIS_REPLY_ARRAY) return error(kTypeError);
                 std::vector<ComponentValue> members;
                 for (size_t i = 0; i < o.reply->elements; ++i) {
                   const redisReply* r = o.reply->element[i];
                   if (r->type != REDIS_REPLY_STRING) return error(kTypeError);
                   members.push_back(val::string(std::string(r->str, r->len)));
                 }
                 return val::ok(val::list(std::move(members)));
               });
  iface.method("connection", "execute",
               self({{"command", wit::string()}, {"arguments", wit::list(parameter)}},
                    wit::list(result_type)),
               [conn](Store&, std::span<const ComponentValue> a) -> HostReturn {
                 FLINT_ASSIGN(redisContext * c, conn(a[0]));
                 std::vector<std::string> args{a[1].as_string()};
                 for (const ComponentValue& p : a[2].items()) {
                   const ComponentValue::Case& k = p.as_case();
                   args.push_back(k.index == kParamInt64 ? std::to_string(k.payload->as_signed())
                                                         : to_string(*k.payload));
                 }
                 Outcome o = run(c, args);
                 if (o.error) return *o.error;
                 std::vector<ComponentValue> results;
                 flatten(*o.reply, results);
                 return val::ok(val::list(std::move(results)));
               });
  define(linker, iface);
}

}  // namespace

void define_redis(ComponentLinker& linker, const std::shared_ptr<const SpinHostContext>& context) {
  auto host = std::make_shared<RedisHost>(context);
  linker.renew_with_each_store(host->connections.clearer());
  define_interface(linker, host, "fermyon:spin/redis", "2.0.0", false);
  define_interface(linker, host, "spin:redis/redis", "3.0.0", true);
}

}  // namespace flint::spinhost
