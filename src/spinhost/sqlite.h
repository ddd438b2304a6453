// Spin's SQLite databases (issue 13): the default database in the app's
// `.spin/sqlite_db.db` and named ones from runtime-config.toml's
// `[sqlite_database.NAME] type = "spin", path = "..."`. The guest-facing
// interfaces (fermyon:spin/sqlite@2.0.0, spin:sqlite/sqlite@3.1.0) are in
// sqlite_interfaces.cc.
//
// Thread-safety: one SqliteDatabases serves every request of the app; each
// database has one connection, used by one statement at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "flint/result.h"

namespace flint::component {
class ComponentLinker;
}  // namespace flint::component

namespace flint::spinhost {

/// One `[sqlite_database.NAME]` section of the runtime config.
struct SqliteDatabaseConfig {
  std::string name;
  std::string type;  ///< "spin" (a local file)
  /// The database file, already resolved against the runtime config file's
  /// folder; empty: in memory.
  std::string path;
};

/// A value of sqlite's `value` variant: null, integer, real, text, blob.
using SqliteValue =
    std::variant<std::monostate, int64_t, double, std::string, std::vector<uint8_t>>;

/// What `execute` gives back.
struct SqliteQueryResult {
  std::vector<std::string> columns;
  std::vector<std::vector<SqliteValue>> rows;
  int64_t last_insert_rowid = 0;  ///< the connection's, right after the statement
  uint64_t changes = 0;           ///< rows changed by the statement
};

/// Why a statement failed, as the WIT's error variant tells it.
struct SqliteFailure {
  enum class Kind { DatabaseFull, Io } kind = Kind::Io;
  std::string message;
};

/// One open database.
class SqliteDatabase {
 public:
  virtual ~SqliteDatabase() = default;
  /// Runs the first statement of `statement` with `params` bound to its
  /// parameters in order (autocommit: committed when this returns).
  virtual std::variant<SqliteQueryResult, SqliteFailure> execute(
      std::string_view statement, const std::vector<SqliteValue>& params) = 0;
  /// Runs every statement of `sql` (for seeding).
  virtual Status execute_script(std::string_view sql) = 0;
};

/// An app's SQLite databases by label.
class SqliteDatabases {
 public:
  /// `default_path`: the default database's file (the app's
  /// `.spin/sqlite_db.db`; its folder is made on first open; empty: in
  /// memory). `configs` add databases or replace `default`.
  explicit SqliteDatabases(std::string default_path,
                           std::vector<SqliteDatabaseConfig> configs = {});
  ~SqliteDatabases();
  SqliteDatabases(const SqliteDatabases&) = delete;
  SqliteDatabases& operator=(const SqliteDatabases&) = delete;

  /// Checks the configuration (known types) at start-up.
  Status validate() const;
  /// Whether a database `label` is configured (`default` always is).
  bool has(std::string_view label) const;
  /// The database `label`, opened on first use.
  Result<std::shared_ptr<SqliteDatabase>> open(std::string_view label);

  /// `flint up --sqlite STATEMENT` (or `@FILE` of statements): runs it on
  /// `default`. A relative FILE is relative to `base_dir`.
  Status seed(std::string_view statement_or_file, const std::string& base_dir = ".");

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct SpinHostContext;

/// Defines fermyon:spin/sqlite@2.0.0 and spin:sqlite/sqlite@3.1.0 in `linker` for `context`'s
/// component.
void define_sqlite(component::ComponentLinker& linker,
                   const std::shared_ptr<const SpinHostContext>& context);

}  // namespace flint::spinhost
