// Spin's key-value backends: SQLite files (Spin's spin-key-value-sqlite
// schema, so an app's `.spin/sqlite_key_value.db` moves between Spin and
// Flint) and Redis through hiredis.
#include "spinhost/key_value.h"

#include <hiredis.h>
#include <sqlite3.h>

#include <charconv>
#include <condition_variable>
#include <cstring>
#include <functional>

#include "spinhost/sqlite_file.h"

namespace flint::spinhost {

namespace {

Error kv_error(std::string message) { return make_error(ErrorCode::Io, std::move(message)); }

// ---- SQLite ----------------------------------------------------------------

/// One connection to one SQLite file, shared by every store kept in it (a
/// store is the `store` column) and by every thread, one statement at a
/// time under `mutex`.
///
/// Durability: a write the guest sees succeed must survive `kill -9` of the
/// server, and should survive the machine's crash too. Every write is
/// committed before the host function returns. In WAL mode with
/// synchronous=NORMAL a commit is only written to the WAL (the kernel's
/// page cache): that survives the process being killed, but not a power
/// loss. synchronous=FULL adds an fsync of the WAL at every commit, which
/// makes an acknowledged write durable against power loss as well. We
/// choose FULL: a 200 for a write promises the write.
///
/// An fsync costs milliseconds, so writes are group-committed: the writers
/// that arrive while a commit is under way queue up, and the next of them
/// to find no commit running (the leader) runs all the queued writes in one
/// transaction and one fsync, then wakes the others with their results.
/// Throughput grows with the number of concurrent writers, and no writer
/// returns before the transaction holding its write is committed.
class SqliteKeyValueFile {
 public:
  static Result<std::shared_ptr<SqliteKeyValueFile>> open(const std::string& path) {
    std::string where = path.empty() ? ":memory:" : path;
    FLINT_ASSIGN(sqlite3 * db, open_sqlite_file(path, "key-value store"));
    auto file = std::shared_ptr<SqliteKeyValueFile>(new SqliteKeyValueFile(db));
    const char* setup =
        "PRAGMA journal_mode=WAL;"
        "PRAGMA synchronous=FULL;"
        "CREATE TABLE IF NOT EXISTS spin_key_value ("
        "  store TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL,"
        "  PRIMARY KEY (store, key));";
    char* message = nullptr;
    if (sqlite3_exec(db, setup, nullptr, nullptr, &message) != SQLITE_OK) {
      std::string m = message ? message : "unknown error";
      sqlite3_free(message);
      return kv_error("cannot set up key-value store " + where + ": " + m);
    }
    return file;
  }
  ~SqliteKeyValueFile() {
    for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
    sqlite3_close(db_);
  }

  /// Held while a statement runs (reads take it directly; writes through
  /// write()).
  std::mutex mutex;

  /// Runs `op` (which may read and write under `mutex`) in a transaction
  /// shared with the other writes queued meanwhile; returns once that
  /// transaction is committed. An op that fails leaves the others' writes
  /// in place (its own changes are undone through a savepoint); a commit
  /// that fails fails every op of the batch.
  Status write(const std::function<Status()>& op) {
    Pending mine{&op, {}, false};
    std::unique_lock queue_lock(queue_mutex_);
    queue_.push_back(&mine);
    while (!mine.done) {
      if (committing_) {
        queue_done_.wait(queue_lock);
        continue;
      }
      // The leader: take the whole queue, commit it, hand out the results.
      committing_ = true;
      std::vector<Pending*> batch;
      batch.swap(queue_);
      queue_lock.unlock();
      run_batch(batch);
      queue_lock.lock();
      for (Pending* p : batch) p->done = true;
      committing_ = false;
      queue_done_.notify_all();
    }
    return std::move(mine.result);
  }

  /// The prepared statement of `sql`, reset, kept for the next use.
  Result<sqlite3_stmt*> statement(const char* sql) {
    auto it = statements_.find(sql);
    if (it != statements_.end()) {
      sqlite3_reset(it->second);
      sqlite3_clear_bindings(it->second);
      return it->second;
    }
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK)
      return error();
    statements_.emplace(sql, stmt);
    return stmt;
  }
  Error error() const { return kv_error(sqlite3_errmsg(db_)); }

 private:
  struct Pending {
    const std::function<Status()>* op;
    Status result;
    bool done;
  };

  explicit SqliteKeyValueFile(sqlite3* db) : db_(db) {}

  Status exec(const char* sql) {
    if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) return error();
    return {};
  }

  void run_batch(const std::vector<Pending*>& batch) {
    std::lock_guard lock(mutex);
    if (auto begun = exec("BEGIN IMMEDIATE"); !begun) {
      for (Pending* p : batch) p->result = begun;
      return;
    }
    for (Pending* p : batch) {
      if (auto s = exec("SAVEPOINT op"); !s) {
        p->result = std::move(s);
        continue;
      }
      p->result = (*p->op)();
      if (!p->result) (void)exec("ROLLBACK TO op");
      (void)exec("RELEASE op");
    }
    if (auto committed = exec("COMMIT"); !committed) {
      (void)exec("ROLLBACK");
      for (Pending* p : batch)
        if (p->result) p->result = committed;
    }
  }

  sqlite3* db_;
  std::map<std::string, sqlite3_stmt*, std::less<>> statements_;
  std::mutex queue_mutex_;
  std::condition_variable queue_done_;
  std::vector<Pending*> queue_;
  bool committing_ = false;
};

/// Binds text `s` to parameter `i` (the statement does not outlive `s`'s use).
void bind_text(sqlite3_stmt* s, int i, std::string_view text) {
  sqlite3_bind_text(s, i, text.data(), int(text.size()), SQLITE_TRANSIENT);
}
void bind_blob(sqlite3_stmt* s, int i, std::span<const uint8_t> bytes) {
  // A zero-length blob, not NULL (value is NOT NULL).
  sqlite3_bind_blob(s, i, bytes.empty() ? "" : (const void*)bytes.data(), int(bytes.size()),
                    SQLITE_TRANSIENT);
}
std::vector<uint8_t> column_blob(sqlite3_stmt* s, int i) {
  auto* p = static_cast<const uint8_t*>(sqlite3_column_blob(s, i));
  return std::vector<uint8_t>(p, p + sqlite3_column_bytes(s, i));
}

class SqliteKeyValueStore final : public KeyValueStore {
 public:
  SqliteKeyValueStore(std::shared_ptr<SqliteKeyValueFile> file, std::string name)
      : file_(std::move(file)), name_(std::move(name)) {}

  Result<std::optional<std::vector<uint8_t>>> get(std::string_view key) override {
    std::lock_guard lock(file_->mutex);
    return get_locked(key);
  }

  Status set(std::string_view key, std::span<const uint8_t> value) override {
    return file_->write([&] { return set_locked(key, value); });
  }

  Status remove(std::string_view key) override {
    return file_->write([&]() -> Status {
      FLINT_ASSIGN(sqlite3_stmt * s,
                   file_->statement("DELETE FROM spin_key_value WHERE store=?1 AND key=?2"));
      bind_text(s, 1, name_);
      bind_text(s, 2, key);
      return step_done(s);
    });
  }

  Result<bool> exists(std::string_view key) override {
    std::lock_guard lock(file_->mutex);
    FLINT_ASSIGN(sqlite3_stmt * s,
                 file_->statement("SELECT 1 FROM spin_key_value WHERE store=?1 AND key=?2"));
    bind_text(s, 1, name_);
    bind_text(s, 2, key);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return file_->error();
  }

  Result<std::vector<std::string>> keys() override {
    std::lock_guard lock(file_->mutex);
    FLINT_ASSIGN(sqlite3_stmt * s,
                 file_->statement("SELECT key FROM spin_key_value WHERE store=?1"));
    bind_text(s, 1, name_);
    std::vector<std::string> out;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
      out.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)),
                       size_t(sqlite3_column_bytes(s, 0)));
    if (rc != SQLITE_DONE) return file_->error();
    return out;
  }

  Result<int64_t> increment(std::string_view key, int64_t delta) override {
    int64_t n = 0;
    FLINT_TRY(file_->write([&]() -> Status {
      FLINT_ASSIGN(auto current, get_locked(key));
      n = 0;
      if (current) {
        if (current->size() != 8)
          return kv_error("the value of " + std::string(key) + " is not a counter (8 bytes)");
        uint64_t u = 0;
        for (int i = 7; i >= 0; --i) u = (u << 8) | (*current)[size_t(i)];
        n = int64_t(u);
      }
      if (__builtin_add_overflow(n, delta, &n))
        return kv_error("incrementing " + std::string(key) + " overflows");
      uint8_t bytes[8];
      for (int i = 0; i < 8; ++i) bytes[i] = uint8_t(uint64_t(n) >> (8 * i));
      return set_locked(key, bytes);
    }));
    return n;
  }

  Result<bool> compare_and_swap(std::string_view key,
                                const std::optional<std::vector<uint8_t>>& expected,
                                std::span<const uint8_t> value) override {
    bool swapped = false;
    FLINT_TRY(file_->write([&]() -> Status {
      FLINT_ASSIGN(auto current, get_locked(key));
      if (current != expected) return {};
      FLINT_TRY(set_locked(key, value));
      swapped = true;
      return {};
    }));
    return swapped;
  }

 private:
  Status step_done(sqlite3_stmt* s) {
    if (sqlite3_step(s) != SQLITE_DONE) return file_->error();
    return {};
  }
  Result<std::optional<std::vector<uint8_t>>> get_locked(std::string_view key) {
    FLINT_ASSIGN(sqlite3_stmt * s,
                 file_->statement("SELECT value FROM spin_key_value WHERE store=?1 AND key=?2"));
    bind_text(s, 1, name_);
    bind_text(s, 2, key);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) return std::optional<std::vector<uint8_t>>(column_blob(s, 0));
    if (rc == SQLITE_DONE) return std::optional<std::vector<uint8_t>>();
    return file_->error();
  }
  Status set_locked(std::string_view key, std::span<const uint8_t> value) {
    FLINT_ASSIGN(sqlite3_stmt * s,
                 file_->statement("INSERT INTO spin_key_value (store, key, value) "
                                  "VALUES (?1, ?2, ?3) ON CONFLICT(store, key) "
                                  "DO UPDATE SET value=excluded.value"));
    bind_text(s, 1, name_);
    bind_text(s, 2, key);
    bind_blob(s, 3, value);
    return step_done(s);
  }

  std::shared_ptr<SqliteKeyValueFile> file_;
  std::string name_;
};

// ---- Redis -----------------------------------------------------------------

struct ReplyFree {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using Reply = std::unique_ptr<redisReply, ReplyFree>;

/// A few connections to one Redis server: a request takes one, runs its
/// command, gives it back; a connection that failed is dropped and the
/// command retried once on a new one (the server restarted, a timeout).
class RedisPool {
 public:
  explicit RedisPool(RedisUrl url) : url_(std::move(url)) {}
  ~RedisPool() {
    for (redisContext* c : idle_) redisFree(c);
  }

  Result<Reply> command(std::vector<std::string_view> args) {
    std::vector<const char*> argv;
    std::vector<size_t> lens;
    for (std::string_view a : args) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    std::string last_error;
    for (int attempt = 0; attempt < 2; ++attempt) {
      auto c = take();
      if (!c) {
        last_error = c.error().detail;
        continue;
      }
      auto* raw = static_cast<redisReply*>(
          redisCommandArgv(*c, int(argv.size()), argv.data(), lens.data()));
      if (!raw) {
        last_error = (*c)->errstr;
        redisFree(*c);
        continue;
      }
      Reply reply(raw);
      give_back(*c);
      if (reply->type == REDIS_REPLY_ERROR) return kv_error(std::string(reply->str, reply->len));
      return reply;
    }
    return kv_error("redis: " + last_error);
  }

 private:
  Result<redisContext*> take() {
    {
      std::lock_guard lock(mutex_);
      if (!idle_.empty()) {
        redisContext* c = idle_.back();
        idle_.pop_back();
        return c;
      }
    }
    redisContext* c = redisConnectWithTimeout(url_.host.c_str(), url_.port, timeval{5, 0});
    if (!c || c->err) {
      std::string m = c ? c->errstr : "cannot allocate a connection";
      if (c) redisFree(c);
      return kv_error("cannot connect to " + url_.host + ":" + std::to_string(url_.port) + ": " +
                      m);
    }
    redisSetTimeout(c, timeval{30, 0});
    auto setup = [&](std::vector<std::string> args) -> Status {
      std::vector<const char*> argv;
      std::vector<size_t> lens;
      for (const auto& a : args) {
        argv.push_back(a.data());
        lens.push_back(a.size());
      }
      Reply r(static_cast<redisReply*>(
          redisCommandArgv(c, int(argv.size()), argv.data(), lens.data())));
      if (!r) return kv_error(c->errstr);
      if (r->type == REDIS_REPLY_ERROR) return kv_error(std::string(r->str, r->len));
      return {};
    };
    Status s;
    if (!url_.password.empty())
      s = url_.user.empty() ? setup({"AUTH", url_.password})
                            : setup({"AUTH", url_.user, url_.password});
    if (s && url_.database) s = setup({"SELECT", std::to_string(url_.database)});
    if (!s) {
      redisFree(c);
      return std::move(s).error();
    }
    return c;
  }
  void give_back(redisContext* c) {
    std::lock_guard lock(mutex_);
    if (idle_.size() < kMaxIdle) {
      idle_.push_back(c);
      return;
    }
    redisFree(c);
  }

  static constexpr size_t kMaxIdle = 16;
  RedisUrl url_;
  std::mutex mutex_;
  std::vector<redisContext*> idle_;
};

std::string_view bytes_view(std::span<const uint8_t> b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

/// KEYS[1]; ARGV[1] "1" if a value is expected, ARGV[2] it, ARGV[3] the new one.
constexpr const char* kCasScript =
    "local v = redis.call('GET', KEYS[1]) "
    "if (ARGV[1] == '0' and v == false) or (ARGV[1] == '1' and v == ARGV[2]) then "
    "redis.call('SET', KEYS[1], ARGV[3]) return 1 end return 0";

/// A store on a Redis server: its keys are the server's (database's) keys,
/// as in Spin's spin-key-value-redis.
class RedisKeyValueStore final : public KeyValueStore {
 public:
  explicit RedisKeyValueStore(std::shared_ptr<RedisPool> pool) : pool_(std::move(pool)) {}

  Result<std::optional<std::vector<uint8_t>>> get(std::string_view key) override {
    FLINT_ASSIGN(Reply r, pool_->command({"GET", key}));
    if (r->type == REDIS_REPLY_NIL) return std::optional<std::vector<uint8_t>>();
    if (r->type != REDIS_REPLY_STRING) return kv_error("redis: GET answered no string");
    return std::optional<std::vector<uint8_t>>(std::vector<uint8_t>(r->str, r->str + r->len));
  }
  Status set(std::string_view key, std::span<const uint8_t> value) override {
    FLINT_ASSIGN(Reply r, pool_->command({"SET", key, bytes_view(value)}));
    return {};
  }
  Status remove(std::string_view key) override {
    FLINT_ASSIGN(Reply r, pool_->command({"DEL", key}));
    return {};
  }
  Result<bool> exists(std::string_view key) override {
    FLINT_ASSIGN(Reply r, pool_->command({"EXISTS", key}));
    return r->type == REDIS_REPLY_INTEGER && r->integer > 0;
  }
  Result<std::vector<std::string>> keys() override {
    FLINT_ASSIGN(Reply r, pool_->command({"KEYS", "*"}));
    std::vector<std::string> out;
    if (r->type != REDIS_REPLY_ARRAY) return out;
    for (size_t i = 0; i < r->elements; ++i)
      out.emplace_back(r->element[i]->str, r->element[i]->len);
    return out;
  }
  Result<int64_t> increment(std::string_view key, int64_t delta) override {
    std::string d = std::to_string(delta);
    FLINT_ASSIGN(Reply r, pool_->command({"INCRBY", key, d}));
    return int64_t(r->integer);
  }
  Result<bool> compare_and_swap(std::string_view key,
                                const std::optional<std::vector<uint8_t>>& expected,
                                std::span<const uint8_t> value) override {
    std::string_view old = expected ? bytes_view(*expected) : std::string_view();
    FLINT_ASSIGN(Reply r, pool_->command({"EVAL", kCasScript, "1", key, expected ? "1" : "0", old,
                                          bytes_view(value)}));
    return r->type == REDIS_REPLY_INTEGER && r->integer == 1;
  }

 private:
  std::shared_ptr<RedisPool> pool_;
};

}  // namespace

Result<RedisUrl> parse_redis_url(std::string_view url) {
  RedisUrl out;
  auto bad = [&](std::string why) {
    return make_error(ErrorCode::Usage, "invalid Redis URL " + std::string(url) + ": " + why);
  };
  std::string_view rest = url;
  if (rest.starts_with("redis://"))
    rest.remove_prefix(8);
  else
    return bad("it must start with redis://");
  std::string_view authority = rest.substr(0, rest.find('/'));
  std::string_view path = rest.size() > authority.size() ? rest.substr(authority.size() + 1) : "";
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    authority.remove_prefix(at + 1);
    auto colon = userinfo.find(':');
    if (colon == std::string_view::npos) {
      out.user = std::string(userinfo);
    } else {
      out.user = std::string(userinfo.substr(0, colon));
      out.password = std::string(userinfo.substr(colon + 1));
    }
    if (!out.user.empty() && out.password.empty()) std::swap(out.user, out.password);
  }
  std::string_view host = authority;
  if (auto colon = authority.rfind(':');
      colon != std::string_view::npos && authority.find(']', colon) == std::string_view::npos) {
    host = authority.substr(0, colon);
    std::string_view port = authority.substr(colon + 1);
    auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), out.port);
    if (ec != std::errc() || p != port.data() + port.size() || out.port <= 0 || out.port > 65535)
      return bad("the port is not a number from 1 to 65535");
  }
  if (host.starts_with('[') && host.ends_with(']')) host = host.substr(1, host.size() - 2);
  if (!host.empty()) out.host = std::string(host == "localhost" ? "127.0.0.1" : host);
  path = path.substr(0, path.find('?'));
  if (!path.empty()) {
    auto [p, ec] = std::from_chars(path.data(), path.data() + path.size(), out.database);
    if (ec != std::errc() || p != path.data() + path.size())
      return bad("the database is no number");
  }
  return out;
}

struct KeyValueStores::Impl {
  std::map<std::string, KeyValueStoreConfig, std::less<>> configs;
  std::mutex mutex;
  std::map<std::string, std::shared_ptr<KeyValueStore>, std::less<>> open;
  /// SQLite files by path (stores in one file share its connection).
  std::map<std::string, std::shared_ptr<SqliteKeyValueFile>, std::less<>> files;
};

KeyValueStores::KeyValueStores(std::string default_path, std::vector<KeyValueStoreConfig> configs)
    : impl_(std::make_unique<Impl>()) {
  impl_->configs["default"] = {"default", "spin", std::move(default_path), ""};
  for (auto& c : configs) impl_->configs[c.name] = std::move(c);
}

KeyValueStores::~KeyValueStores() = default;

Status KeyValueStores::validate() const {
  for (const auto& [name, c] : impl_->configs) {
    if (c.type == "spin") continue;
    if (c.type == "redis") {
      auto url = parse_redis_url(c.url);
      if (!url)
        return make_error(ErrorCode::Usage, "key_value_store." + name + ": " + url.error().detail);
      continue;
    }
    return make_error(ErrorCode::Usage, "key_value_store." + name + ": unknown store type \"" +
                                            c.type + "\" (Flint has \"spin\" and \"redis\")");
  }
  return {};
}

bool KeyValueStores::has(std::string_view label) const {
  return impl_->configs.find(label) != impl_->configs.end();
}

Result<std::shared_ptr<KeyValueStore>> KeyValueStores::open(std::string_view label) {
  std::lock_guard lock(impl_->mutex);
  if (auto it = impl_->open.find(label); it != impl_->open.end()) return it->second;
  auto c = impl_->configs.find(label);
  if (c == impl_->configs.end())
    return make_error(ErrorCode::Usage, "no key-value store " + std::string(label));
  const KeyValueStoreConfig& config = c->second;
  std::shared_ptr<KeyValueStore> store;
  if (config.type == "spin") {
    // In memory: a file of its own; on disk: shared by the stores in it.
    std::string file_key = config.path.empty() ? ":memory:" + config.name : config.path;
    auto& file = impl_->files[file_key];
    if (!file) {
      auto opened = SqliteKeyValueFile::open(config.path);
      if (!opened) {
        impl_->files.erase(file_key);
        return std::move(opened).error();
      }
      file = *opened;
    }
    store = std::make_shared<SqliteKeyValueStore>(file, config.name);
  } else if (config.type == "redis") {
    FLINT_ASSIGN(RedisUrl url, parse_redis_url(config.url));
    store = std::make_shared<RedisKeyValueStore>(std::make_shared<RedisPool>(std::move(url)));
  } else {
    return make_error(ErrorCode::Usage, "unknown key-value store type " + config.type);
  }
  impl_->open.emplace(std::string(label), store);
  return store;
}

Status KeyValueStores::seed(std::string_view key_equals_value) {
  auto eq = key_equals_value.find('=');
  if (eq == std::string_view::npos)
    return make_error(ErrorCode::Usage,
                      "--key-value " + std::string(key_equals_value) + ": expected KEY=VALUE");
  FLINT_ASSIGN(auto store, open("default"));
  std::string_view value = key_equals_value.substr(eq + 1);
  return store->set(key_equals_value.substr(0, eq),
                    {reinterpret_cast<const uint8_t*>(value.data()), value.size()});
}

}  // namespace flint::spinhost
