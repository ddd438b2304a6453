// Spin's key-value stores (issue 13): an app's named stores, each backed by
// an SQLite file (Spin's `type = "spin"`, the default store `default` in the
// app's `.spin/sqlite_key_value.db`) or a Redis server (`type = "redis"`),
// as `runtime-config.toml`'s `[key_value_store.NAME]` sections declare them.
// The guest-facing interfaces (fermyon:spin/key-value@2.0.0,
// spin:key-value@3.0.0, wasi:keyvalue@0.2.0-draft2) are in
// key_value_interfaces.cc; this file is the backends.
//
// Thread-safety: one KeyValueStores serves every request of the app, on
// any worker thread; stores are opened on first use and then shared.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "flint/result.h"

namespace flint::component {
class ComponentLinker;
}  // namespace flint::component

namespace flint::spinhost {

/// One `[key_value_store.NAME]` section of the runtime config.
struct KeyValueStoreConfig {
  std::string name;  ///< the label components open
  std::string type;  ///< "spin" (an SQLite file) or "redis"
  /// type "spin": the SQLite file, already resolved against the runtime
  /// config file's folder; empty: an in-memory store (gone at exit).
  std::string path;
  std::string url;  ///< type "redis": "redis://[user:password@]host[:port][/db]"
};

/// One open store. Every call is a complete, committed operation: a write
/// that returns success is durable (see SqliteKeyValueFile for SQLite).
class KeyValueStore {
 public:
  virtual ~KeyValueStore() = default;
  virtual Result<std::optional<std::vector<uint8_t>>> get(std::string_view key) = 0;
  virtual Status set(std::string_view key, std::span<const uint8_t> value) = 0;
  virtual Status remove(std::string_view key) = 0;
  virtual Result<bool> exists(std::string_view key) = 0;
  virtual Result<std::vector<std::string>> keys() = 0;
  /// Adds `delta` to the counter at `key` (absent: 0) and returns the new
  /// value. SQLite keeps counters as 8 little-endian bytes, Redis as its
  /// decimal strings (INCRBY), as Spin's backends do.
  virtual Result<int64_t> increment(std::string_view key, int64_t delta) = 0;
  /// Sets `key` to `value` only if its value is still `expected` (nullopt:
  /// still absent); whether it did.
  virtual Result<bool> compare_and_swap(std::string_view key,
                                        const std::optional<std::vector<uint8_t>>& expected,
                                        std::span<const uint8_t> value) = 0;
};

/// An app's key-value stores by label.
class KeyValueStores {
 public:
  /// `default_path`: the default store's SQLite file (the app's
  /// `.spin/sqlite_key_value.db`; its folder is made on first open; empty:
  /// in memory). `configs` add stores or replace `default`.
  explicit KeyValueStores(std::string default_path, std::vector<KeyValueStoreConfig> configs = {});
  ~KeyValueStores();
  KeyValueStores(const KeyValueStores&) = delete;
  KeyValueStores& operator=(const KeyValueStores&) = delete;

  /// Checks the configuration (known types, a Redis URL that parses): at
  /// start-up, so that a bad runtime config is refused before serving.
  Status validate() const;

  /// Whether a store `label` is configured (`default` always is).
  bool has(std::string_view label) const;

  /// The store `label`, opened on first use (an error if it cannot be
  /// opened: the guest sees `other(message)`). `label` must be configured.
  Result<std::shared_ptr<KeyValueStore>> open(std::string_view label);

  /// `flint up --key-value KEY=VALUE`: sets KEY in `default`.
  Status seed(std::string_view key_equals_value);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// "redis://user:pass@host:port/3" taken apart.
struct RedisUrl {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string user;
  std::string password;
  int database = 0;
};
Result<RedisUrl> parse_redis_url(std::string_view url);

struct SpinHostContext;

/// Defines fermyon:spin/key-value@2.0.0, spin:key-value/key-value@3.0.0 and
/// wasi:keyvalue/{store,atomics,batch}@0.2.0-draft2 in `linker` for `context`'s component.
void define_key_value(component::ComponentLinker& linker,
                      const std::shared_ptr<const SpinHostContext>& context);

}  // namespace flint::spinhost
