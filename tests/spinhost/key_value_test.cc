// Spin's key-value stores: the SQLite backend on a real file (round trips,
// persistence across reopening, concurrency), the Redis backend on a real
// redis-server, and the interfaces' answers (access-denied, no-such-store,
// wasi:keyvalue's atomics and batch).
#include "spinhost/key_value.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

#include "component_runtime/host_channels.h"
#include "flint/wat.h"
#include "host_calls.h"

namespace flint::spinhost {
namespace {

namespace fs = std::filesystem;
using component::val::none;

/// A fresh folder per test, removed after it.
class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() /
            ("flint-kv-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
  static inline int counter_ = 0;
};

std::span<const uint8_t> span_of(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
std::string str_of(const std::optional<std::vector<uint8_t>>& v) {
  return v ? std::string(v->begin(), v->end()) : "<absent>";
}

std::shared_ptr<SpinHostContext> context(std::shared_ptr<KeyValueStores> stores,
                                         std::vector<std::string> grants) {
  auto ctx = std::make_shared<SpinHostContext>();
  ctx->component_id = "test";
  ctx->key_value = std::move(stores);
  ctx->key_value_grants = std::move(grants);
  return ctx;
}

constexpr const char* kSpin2 = "fermyon:spin/key-value@2.0.0";

TEST(KeyValueSqlite, RoundTripThroughTheInterface) {
  TempDir dir;
  auto stores = std::make_shared<KeyValueStores>(dir.file(".spin/sqlite_key_value.db"));
  HostCalls host(context(stores, {"default"}));
  auto opened = host.call(kSpin2, "[static]store.open", {str("default")});
  ASSERT_EQ(case_index(opened), 0u);
  component::ComponentValue store = payload(opened);

  auto got = host.call(kSpin2, "[method]store.get", {store, str("k")});
  ASSERT_EQ(case_index(got), 0u);
  EXPECT_EQ(case_index(payload(got)), 0u) << "absent: none";
  EXPECT_EQ(case_index(host.call(kSpin2, "[method]store.set", {store, str("k"), bytes("v1")})), 0u);
  EXPECT_EQ(case_index(host.call(kSpin2, "[method]store.set", {store, str("k2"), bytes("")})), 0u);
  got = host.call(kSpin2, "[method]store.get", {store, str("k")});
  ASSERT_EQ(case_index(payload(got)), 1u);
  EXPECT_EQ(text(payload(payload(got))), "v1");
  got = host.call(kSpin2, "[method]store.get", {store, str("k2")});
  ASSERT_EQ(case_index(payload(got)), 1u) << "an empty value is a value";
  EXPECT_EQ(text(payload(payload(got))), "");

  auto exists = host.call(kSpin2, "[method]store.exists", {store, str("k")});
  EXPECT_TRUE(payload(exists).as_bool());
  auto keys = host.call(kSpin2, "[method]store.get-keys", {store});
  std::vector<std::string> names;
  for (const auto& k : payload(keys).items()) names.push_back(k.as_string());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"k", "k2"}));

  EXPECT_EQ(case_index(host.call(kSpin2, "[method]store.delete", {store, str("k")})), 0u);
  EXPECT_FALSE(payload(host.call(kSpin2, "[method]store.exists", {store, str("k")})).as_bool());
  EXPECT_EQ(case_index(host.call(kSpin2, "[method]store.delete", {store, str("absent")})), 0u);
  // Spin's file, Spin's table: the row is where Spin keeps it.
  EXPECT_TRUE(fs::exists(dir.file(".spin/sqlite_key_value.db")));
}

TEST(KeyValueInterface, Spin3StoreSharesTheDataAndStreamsItsKeys) {
  TempDir dir;
  auto stores = std::make_shared<KeyValueStores>(dir.file("kv.db"));
  HostCalls host(context(stores, {"default"}));
  const std::string v3 = "spin:key-value/key-value@3.0.0";
  auto store2 = payload(host.call(kSpin2, "[static]store.open", {str("default")}));
  auto store3 = payload(host.call(v3, "[static]store.open", {str("default")}));
  EXPECT_EQ(case_index(host.call(kSpin2, "[method]store.set", {store2, str("k"), bytes("v")})), 0u);
  auto got = host.call(v3, "[method]store.get", {store3, str("k")});
  EXPECT_EQ(text(payload(payload(got))), "v");
  EXPECT_TRUE(payload(host.call(v3, "[method]store.exists", {store3, str("k")})).as_bool());
  // get-keys answers with a stream of the keys and a future of the outcome.
  EXPECT_EQ(case_index(host.call(kSpin2, "[method]store.set", {store2, str("k2"), bytes("w")})),
            0u);
  auto item = host.linker.resolve(v3);
  ASSERT_TRUE(item.ok());
  auto f = component::find_function(**std::get_if<component::InstancePtr>(&*item),
                                    "[method]store.get-keys");
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE((*f)->type().async);
  std::vector<component::ComponentValue> args{store3};
  auto keys = (*f)->call(host.store, args);
  ASSERT_TRUE(keys.ok());
  component::HostBuffer read(component::wit::string(), 8);
  std::optional<component::CopyResult> done;
  ASSERT_TRUE(component::channel_of((*keys)->items()[0])
                  ->copy(
                      true, read, [](std::function<void()> reclaim) { reclaim(); },
                      [&](component::CopyResult r) { done = r; }));
  std::vector<std::string> names;
  for (const auto& v : read.values()) names.push_back(v.as_string());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"k", "k2"}));
  std::optional<component::ComponentValue> outcome;
  component::read_future(component::channel_of((*keys)->items()[1]),
                         [&](std::optional<component::ComponentValue> v) { outcome = v; });
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->as_case().index, 0u);  // ok
}

TEST(KeyValueSqlite, ValuesSurviveReopeningTheFile) {
  TempDir dir;
  std::string path = dir.file("kv.db");
  {
    KeyValueStores stores(path);
    auto s = stores.open("default");
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE((*s)->set("persist", span_of("yes")).ok());
    ASSERT_TRUE(stores.seed("seeded=from flag=with equals").ok());
  }
  KeyValueStores again(path);
  auto s = again.open("default");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(str_of(*(*s)->get("persist")), "yes");
  EXPECT_EQ(str_of(*(*s)->get("seeded")), "from flag=with equals");
  EXPECT_FALSE(again.seed("no-equals-sign").ok());
}

TEST(KeyValueSqlite, StoresInOneFileAreApart) {
  TempDir dir;
  std::string path = dir.file("kv.db");
  KeyValueStores stores(path, {{"other", "spin", path, ""}});
  auto a = stores.open("default");
  auto b = stores.open("other");
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE((*a)->set("k", span_of("a")).ok());
  ASSERT_TRUE((*b)->set("k", span_of("b")).ok());
  EXPECT_EQ(str_of(*(*a)->get("k")), "a");
  EXPECT_EQ(str_of(*(*b)->get("k")), "b");
  EXPECT_EQ((*b)->keys()->size(), 1u);
}

TEST(KeyValueSqlite, ConcurrentWritersAllLand) {
  TempDir dir;
  auto stores = std::make_shared<KeyValueStores>(dir.file("kv.db"));
  constexpr int kThreads = 8, kWrites = 50;
  std::vector<std::thread> threads;
  std::atomic<int> failures = 0;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      // Each thread as a request: its own linker, handles and store open.
      HostCalls host(context(stores, {"default"}));
      auto opened = host.call(kSpin2, "[static]store.open", {str("default")});
      if (case_index(opened) != 0) {
        ++failures;
        return;
      }
      for (int i = 0; i < kWrites; ++i) {
        std::string key = "t" + std::to_string(t) + "-" + std::to_string(i);
        auto r = host.call(kSpin2, "[method]store.set", {payload(opened), str(key), bytes(key)});
        if (case_index(r) != 0) ++failures;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  // A fresh object over the same file: every write was committed.
  KeyValueStores reopened(dir.file("kv.db"));
  auto s = reopened.open("default");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ((*s)->keys()->size(), size_t(kThreads * kWrites));
  EXPECT_EQ(str_of(*(*s)->get("t7-49")), "t7-49");
}

TEST(KeyValueSqlite, ConcurrentIncrementsAreAtomic) {
  TempDir dir;
  KeyValueStores stores(dir.file("kv.db"));
  auto s = stores.open("default");
  ASSERT_TRUE(s.ok());
  constexpr int kThreads = 8, kIncrements = 40;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < kIncrements; ++i) EXPECT_TRUE((*s)->increment("n", 1).ok());
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(*(*s)->increment("n", 0), kThreads * kIncrements);
  // A value that is no counter: an error, and the store is unharmed.
  ASSERT_TRUE((*s)->set("text", span_of("abc")).ok());
  EXPECT_FALSE((*s)->increment("text", 1).ok());
  EXPECT_EQ(str_of(*(*s)->get("text")), "abc");
}

// A process writing from many threads is killed with SIGKILL mid-stream:
// every write it acknowledged (reported after set() returned) is in the
// file when it is opened again.
TEST(KeyValueSqlite, AcknowledgedWritesSurviveKill9) {
  TempDir dir;
  std::string path = dir.file(".spin/sqlite_key_value.db");
  int acks[2];
  ASSERT_EQ(::pipe(acks), 0);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(acks[0]);
    KeyValueStores stores(path);
    auto s = stores.open("default");
    if (!s) ::_exit(2);
    std::vector<std::thread> writers;
    for (int t = 0; t < 16; ++t)
      writers.emplace_back([&, t] {
        for (uint32_t i = 0;; ++i) {
          uint32_t id = uint32_t(t) << 24 | i;
          std::string key = std::to_string(id);
          if (!(*s)->set(key, span_of(key)).ok()) ::_exit(3);
          if (::write(acks[1], &id, sizeof id) != sizeof id) ::_exit(4);
        }
      });
    for (auto& w : writers) w.join();
    ::_exit(0);
  }
  ::close(acks[1]);
  std::vector<uint32_t> acknowledged;
  uint32_t id;
  while (acknowledged.size() < 1000 && ::read(acks[0], &id, sizeof id) == sizeof id)
    acknowledged.push_back(id);
  ::kill(child, SIGKILL);
  while (::read(acks[0], &id, sizeof id) == sizeof id) acknowledged.push_back(id);
  int status = 0;
  ::waitpid(child, &status, 0);
  ::close(acks[0]);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the writer stopped by itself: " << status;
  ASSERT_GE(acknowledged.size(), 1000u);

  KeyValueStores reopened(path);
  auto s = reopened.open("default");
  ASSERT_TRUE(s.ok());
  size_t missing = 0;
  for (uint32_t a : acknowledged) {
    auto v = (*s)->get(std::to_string(a));
    if (!v.ok() || !*v || str_of(*v) != std::to_string(a)) ++missing;
  }
  EXPECT_EQ(missing, 0u) << "of " << acknowledged.size() << " acknowledged writes";
}

TEST(KeyValueInterface, AnUngrantedLabelIsAccessDenied) {
  TempDir dir;
  auto stores = std::make_shared<KeyValueStores>(dir.file("kv.db"));
  HostCalls host(context(stores, {}));
  for (const char* iface : {kSpin2, "spin:key-value/key-value@3.0.0"}) {
    auto r = host.call(iface, "[static]store.open", {str("default")});
    ASSERT_EQ(case_index(r), 1u) << iface;
    EXPECT_EQ(case_index(payload(r)), 2u) << iface << ": access-denied";
  }
  auto r = host.call("wasi:keyvalue/store@0.2.0-draft2", "open", {str("default")});
  ASSERT_EQ(case_index(r), 1u);
  EXPECT_EQ(case_index(payload(r)), 1u) << "wasi: access-denied";
}

TEST(KeyValueInterface, AGrantedLabelWithoutAStoreIsNoSuchStore) {
  TempDir dir;
  auto stores = std::make_shared<KeyValueStores>(dir.file("kv.db"));
  HostCalls host(context(stores, {"default", "cache"}));
  auto r = host.call(kSpin2, "[static]store.open", {str("cache")});
  ASSERT_EQ(case_index(r), 1u);
  EXPECT_EQ(case_index(payload(r)), 1u) << "no-such-store";
  r = host.call("wasi:keyvalue/store@0.2.0-draft2", "open", {str("cache")});
  ASSERT_EQ(case_index(r), 1u);
  EXPECT_EQ(case_index(payload(r)), 0u) << "wasi: no-such-store";
}

TEST(KeyValueInterface, WasiKeyValueStoreAtomicsAndBatch) {
  TempDir dir;
  auto stores = std::make_shared<KeyValueStores>(dir.file("kv.db"));
  HostCalls host(context(stores, {"default"}));
  const std::string store = "wasi:keyvalue/store@0.2.0-draft2";
  const std::string atomics = "wasi:keyvalue/atomics@0.2.0-draft2";
  const std::string batch = "wasi:keyvalue/batch@0.2.0-draft2";
  auto opened = host.call(store, "open", {str("default")});
  ASSERT_EQ(case_index(opened), 0u);
  auto bucket = payload(opened);

  auto n = host.call(atomics, "increment", {bucket, str("count"), component::val::s64(5)});
  ASSERT_EQ(case_index(n), 0u);
  EXPECT_EQ(payload(n).as_signed(), 5);
  n = host.call(atomics, "increment", {bucket, str("count"), component::val::s64(-7)});
  EXPECT_EQ(payload(n).as_signed(), -2);
  // Spin's SQLite counters: 8 little-endian bytes.
  auto raw = host.call(store, "[method]bucket.get", {bucket, str("count")});
  EXPECT_EQ(component::val::to_bytes(payload(payload(raw))),
            (std::vector<uint8_t>{0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}));

  ASSERT_EQ(case_index(host.call(batch, "set-many",
                                 {bucket, component::val::list({
                                              component::val::tuple({str("a"), bytes("1")}),
                                              component::val::tuple({str("b"), bytes("2")}),
                                          })})),
            0u);
  auto many =
      host.call(batch, "get-many", {bucket, component::val::list({str("a"), str("zz"), str("b")})});
  ASSERT_EQ(case_index(many), 0u);
  const auto& items = payload(many).items();
  ASSERT_EQ(items.size(), 3u);
  // Each key with its value, or none.
  EXPECT_EQ(items[0].items()[0].as_string(), "a");
  EXPECT_EQ(text(payload(items[0].items()[1])), "1");
  EXPECT_EQ(items[1].items()[0].as_string(), "zz");
  EXPECT_EQ(case_index(items[1].items()[1]), 0u) << "absent: none";
  EXPECT_EQ(text(payload(items[2].items()[1])), "2");
  auto listed = host.call(store, "[method]bucket.list-keys", {bucket, none()});
  EXPECT_EQ(payload(listed).items()[0].items().size(), 3u);
  EXPECT_EQ(case_index(payload(listed).items()[1]), 0u) << "one page: cursor none";
  ASSERT_EQ(case_index(host.call(batch, "delete-many", {bucket, component::val::list({str("a")})})),
            0u);
  EXPECT_FALSE(payload(host.call(store, "[method]bucket.exists", {bucket, str("a")})).as_bool());

  // Compare-and-swap: wins over an unchanged value, loses (with a fresh
  // CAS) when another writer got there first.
  auto cas = host.call(atomics, "[static]cas.new", {bucket, str("b")});
  ASSERT_EQ(case_index(cas), 0u);
  auto current = host.call(atomics, "[method]cas.current", {payload(cas)});
  EXPECT_EQ(text(payload(payload(current))), "2");
  EXPECT_EQ(case_index(host.call(atomics, "swap", {payload(cas), bytes("3")})), 0u);
  auto stale = host.call(atomics, "[static]cas.new", {bucket, str("b")});
  host.call(store, "[method]bucket.set", {bucket, str("b"), bytes("other")});
  auto lost = host.call(atomics, "swap", {payload(stale), bytes("4")});
  ASSERT_EQ(case_index(lost), 1u);
  ASSERT_EQ(case_index(payload(lost)), 1u) << "cas-failed";
  auto retry = payload(payload(lost));
  EXPECT_EQ(text(payload(payload(host.call(atomics, "[method]cas.current", {retry})))), "other");
  EXPECT_EQ(case_index(host.call(atomics, "swap", {retry, bytes("5")})), 0u);
  auto b = host.call(store, "[method]bucket.get", {bucket, str("b")});
  EXPECT_EQ(text(payload(payload(b))), "5");
}

TEST(KeyValueStores, ValidateRefusesUnknownTypesAndBadUrls) {
  EXPECT_TRUE(KeyValueStores("", {{"r", "redis", "", "redis://localhost:6379"}}).validate().ok());
  EXPECT_FALSE(KeyValueStores("", {{"x", "azure_cosmos", "", ""}}).validate().ok());
  EXPECT_FALSE(KeyValueStores("", {{"r", "redis", "", "http://localhost"}}).validate().ok());
  auto url = parse_redis_url("redis://user:secret@example.com:6380/2");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->host, "example.com");
  EXPECT_EQ(url->port, 6380);
  EXPECT_EQ(url->user, "user");
  EXPECT_EQ(url->password, "secret");
  EXPECT_EQ(url->database, 2);
  EXPECT_FALSE(parse_redis_url("redis://host:99999").ok());
}

/// A redis-server of our own on a free port, stopped at the end.
class RedisServer {
 public:
  RedisServer() {
    int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
    ::close(s);
    pid_ = ::fork();
    if (pid_ == 0) {
      std::string p = std::to_string(port);
      int null = ::open("/dev/null", O_WRONLY);
      ::dup2(null, 1);
      ::dup2(null, 2);
      ::execlp("redis-server", "redis-server", "--port", p.c_str(), "--bind", "127.0.0.1", "--save",
               "", "--appendonly", "no", "--loglevel", "warning", nullptr);
      ::_exit(127);
    }
  }
  ~RedisServer() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  /// Waits until it answers; false if it never does.
  bool ready(KeyValueStore& store) {
    for (int i = 0; i < 100; ++i) {
      if (store.exists("ping").ok()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }
  void restart() {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
    pid_ = ::fork();
    if (pid_ == 0) {
      std::string p = std::to_string(port);
      int null = ::open("/dev/null", O_WRONLY);
      ::dup2(null, 1);
      ::dup2(null, 2);
      ::execlp("redis-server", "redis-server", "--port", p.c_str(), "--bind", "127.0.0.1", "--save",
               "", "--appendonly", "no", "--loglevel", "warning", nullptr);
      ::_exit(127);
    }
  }
  int port = 0;

 private:
  pid_t pid_ = -1;
};

bool have_redis_server() { return ::system("command -v redis-server >/dev/null 2>&1") == 0; }

TEST(KeyValueRedis, RoundTripAtomicsAndReconnect) {
  if (!have_redis_server()) GTEST_SKIP() << "redis-server is not installed";
  RedisServer server;
  std::string url = "redis://127.0.0.1:" + std::to_string(server.port);
  auto stores = std::make_shared<KeyValueStores>(
      "", std::vector<KeyValueStoreConfig>{{"cache", "redis", "", url}});
  ASSERT_TRUE(stores->validate().ok());
  auto s = stores->open("cache");
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(server.ready(**s)) << "redis-server did not start on port " << server.port;

  HostCalls host(context(stores, {"cache"}));
  auto opened = host.call(kSpin2, "[static]store.open", {str("cache")});
  ASSERT_EQ(case_index(opened), 0u);
  auto store = payload(opened);
  EXPECT_EQ(case_index(host.call(kSpin2, "[method]store.set",
                                 {store, str("k"), bytes(std::string_view("v\0w", 3))})),
            0u);
  auto got = host.call(kSpin2, "[method]store.get", {store, str("k")});
  EXPECT_EQ(text(payload(payload(got))), std::string("v\0w", 3)) << "binary-safe";
  EXPECT_EQ(case_index(payload(host.call(kSpin2, "[method]store.get", {store, str("no")}))), 0u);
  EXPECT_TRUE(payload(host.call(kSpin2, "[method]store.exists", {store, str("k")})).as_bool());
  auto keys = host.call(kSpin2, "[method]store.get-keys", {store});
  EXPECT_EQ(payload(keys).items().size(), 1u);
  EXPECT_EQ(case_index(host.call(kSpin2, "[method]store.delete", {store, str("k")})), 0u);
  EXPECT_FALSE(payload(host.call(kSpin2, "[method]store.exists", {store, str("k")})).as_bool());

  EXPECT_EQ(*(*s)->increment("n", 3), 3);
  EXPECT_EQ(*(*s)->increment("n", 4), 7);
  EXPECT_TRUE(*(*s)->compare_and_swap("c", std::nullopt, span_of("1")));
  EXPECT_FALSE(*(*s)->compare_and_swap("c", std::nullopt, span_of("2")));
  EXPECT_TRUE(*(*s)->compare_and_swap("c", std::vector<uint8_t>{'1'}, span_of("3")));
  EXPECT_EQ(str_of(*(*s)->get("c")), "3");

  // The server restarts (its data gone: no persistence configured): the
  // pooled connection is dead, the next command reconnects.
  server.restart();
  bool back = false;
  for (int i = 0; i < 100 && !back; ++i) {
    back = (*s)->set("after", span_of("restart")).ok();
    if (!back) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(back);
  EXPECT_EQ(str_of(*(*s)->get("after")), "restart");
}

TEST(KeyValueRedis, AnUnreachableServerIsAnOtherError) {
  // A port nobody listens on: bind one, close it.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  int port = ntohs(a.sin_port);
  ::close(fd);
  auto stores = std::make_shared<KeyValueStores>(
      "", std::vector<KeyValueStoreConfig>{
              {"r", "redis", "", "redis://127.0.0.1:" + std::to_string(port)}});
  HostCalls host(context(stores, {"r"}));
  auto opened = host.call(kSpin2, "[static]store.open", {str("r")});
  ASSERT_EQ(case_index(opened), 0u) << "opening is lazy; the first command fails";
  auto r = host.call(kSpin2, "[method]store.get", {payload(opened), str("k")});
  ASSERT_EQ(case_index(r), 1u);
  EXPECT_EQ(case_index(payload(r)), 3u) << "other(message)";
  EXPECT_NE(payload(payload(r)).as_string().find("connect"), std::string::npos)
      << payload(payload(r)).as_string();
}

}  // namespace
}  // namespace flint::spinhost

namespace flint::spinhost {
namespace {

// A guest built for Spin 3 (WASI 0.3) imports spin:key-value@3.0.0 with
// async functions and the stream-typed get-keys: the import links.
TEST(KeyValueInterface, ASpin3ImportOfTheStoreLinks) {
  constexpr const char* kGuest = R"WAT((component
    (type $kv (instance
      (export "store" (type (sub resource)))
      (type $e (variant (case "store-table-full") (case "no-such-store") (case "access-denied")
                        (case "other" string)))
      (export "error" (type (eq 1)))
      (type $own (own 0))
      (type $open-result (result $own (error 2)))
      (type $open (func async (param "label" string) (result $open-result)))
      (export "[static]store.open" (func (type $open)))
      (type $self (borrow 0))
      (type $keys (stream string))
      (type $done-result (result (error 2)))
      (type $done (future $done-result))
      (type $keys-result (tuple $keys $done))
      (type $get-keys (func async (param "self" $self) (result $keys-result)))
      (export "[method]store.get-keys" (func (type $get-keys)))
    ))
    (import "spin:key-value/key-value@3.0.0" (instance (type $kv)))
  ))WAT";
  auto bytes = text::parse_wat(kGuest);
  ASSERT_TRUE(bytes.ok()) << bytes.error().describe();
  auto compiled = component::CompiledComponent::compile(std::move(*bytes));
  ASSERT_TRUE(compiled.ok()) << compiled.error().describe();
  HostCalls host(context(std::make_shared<KeyValueStores>(""), {"default"}));
  auto instance = component::instantiate(host.store, *compiled, host.linker);
  EXPECT_TRUE(instance.ok()) << instance.error().describe();
}

}  // namespace
}  // namespace flint::spinhost
