// Spin's SQLite databases over libsqlite3.
#include "spinhost/sqlite.h"

#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include "spinhost/sqlite_file.h"

namespace flint::spinhost {

namespace {

Error db_error(std::string message) { return make_error(ErrorCode::Io, std::move(message)); }

/// One connection, one statement at a time. A write is committed when
/// sqlite3_step returns (autocommit), so a 200 after it is durable; the
/// journal mode is left as the database file has it (it is the app's file).
class LocalDatabase final : public SqliteDatabase {
 public:
  static Result<std::shared_ptr<LocalDatabase>> open(const std::string& path) {
    FLINT_ASSIGN(sqlite3 * db, open_sqlite_file(path, "SQLite database"));
    return std::shared_ptr<LocalDatabase>(new LocalDatabase(db));
  }
  ~LocalDatabase() override { sqlite3_close(db_); }

  std::variant<SqliteQueryResult, SqliteFailure> execute(
      std::string_view statement, const std::vector<SqliteValue>& params) override {
    std::lock_guard lock(mutex_);
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, statement.data(), int(statement.size()), &s, nullptr) != SQLITE_OK)
      return failure();
    struct Finalize {
      sqlite3_stmt* s;
      ~Finalize() { sqlite3_finalize(s); }
    } finalize{s};
    SqliteQueryResult out;
    if (!s) return out;  // only whitespace or a comment
    int count = sqlite3_bind_parameter_count(s);
    if (size_t(count) != params.size())
      return SqliteFailure{SqliteFailure::Kind::Io,
                           "Wrong number of parameters passed to query. Got " +
                               std::to_string(params.size()) + ", needed " + std::to_string(count)};
    for (int i = 0; i < count; ++i) {
      const SqliteValue& v = params[size_t(i)];
      int rc = SQLITE_OK;
      if (std::holds_alternative<std::monostate>(v))
        rc = sqlite3_bind_null(s, i + 1);
      else if (auto* n = std::get_if<int64_t>(&v))
        rc = sqlite3_bind_int64(s, i + 1, *n);
      else if (auto* r = std::get_if<double>(&v))
        rc = sqlite3_bind_double(s, i + 1, *r);
      else if (auto* t = std::get_if<std::string>(&v))
        rc = sqlite3_bind_text(s, i + 1, t->data(), int(t->size()), SQLITE_TRANSIENT);
      else if (auto* b = std::get_if<std::vector<uint8_t>>(&v))
        rc = sqlite3_bind_blob(s, i + 1, b->empty() ? "" : (const void*)b->data(), int(b->size()),
                               SQLITE_TRANSIENT);
      if (rc != SQLITE_OK) return failure();
    }
    int columns = sqlite3_column_count(s);
    for (int c = 0; c < columns; ++c) out.columns.emplace_back(sqlite3_column_name(s, c));
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      std::vector<SqliteValue> row;
      row.reserve(size_t(columns));
      for (int c = 0; c < columns; ++c) {
        switch (sqlite3_column_type(s, c)) {
          case SQLITE_INTEGER: row.emplace_back(int64_t(sqlite3_column_int64(s, c))); break;
          case SQLITE_FLOAT: row.emplace_back(sqlite3_column_double(s, c)); break;
          case SQLITE_TEXT:
            row.emplace_back(std::string(reinterpret_cast<const char*>(sqlite3_column_text(s, c)),
                                         size_t(sqlite3_column_bytes(s, c))));
            break;
          case SQLITE_BLOB: {
            auto* p = static_cast<const uint8_t*>(sqlite3_column_blob(s, c));
            row.emplace_back(std::vector<uint8_t>(p, p + sqlite3_column_bytes(s, c)));
            break;
          }
          default: row.emplace_back(std::monostate{}); break;
        }
      }
      out.rows.push_back(std::move(row));
    }
    if (rc != SQLITE_DONE) return failure();
    out.last_insert_rowid = sqlite3_last_insert_rowid(db_);
    out.changes = uint64_t(sqlite3_changes64(db_));
    return out;
  }

  Status execute_script(std::string_view sql) override {
    std::lock_guard lock(mutex_);
    std::string text(sql);
    char* message = nullptr;
    if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
      std::string m = message ? message : sqlite3_errmsg(db_);
      sqlite3_free(message);
      return db_error(m);
    }
    return {};
  }

 private:
  explicit LocalDatabase(sqlite3* db) : db_(db) {}
  SqliteFailure failure() const {
    int code = sqlite3_errcode(db_);
    return {code == SQLITE_FULL ? SqliteFailure::Kind::DatabaseFull : SqliteFailure::Kind::Io,
            sqlite3_errmsg(db_)};
  }

  sqlite3* db_;
  std::mutex mutex_;
};

}  // namespace

struct SqliteDatabases::Impl {
  std::map<std::string, SqliteDatabaseConfig, std::less<>> configs;
  std::mutex mutex;
  std::map<std::string, std::shared_ptr<SqliteDatabase>, std::less<>> open;
};

SqliteDatabases::SqliteDatabases(std::string default_path,
                                 std::vector<SqliteDatabaseConfig> configs)
    : impl_(std::make_unique<Impl>()) {
  impl_->configs["default"] = {"default", "spin", std::move(default_path)};
  for (auto& c : configs) impl_->configs[c.name] = std::move(c);
}

SqliteDatabases::~SqliteDatabases() = default;

Status SqliteDatabases::validate() const {
  for (const auto& [name, c] : impl_->configs)
    if (c.type != "spin")
      return make_error(ErrorCode::Usage, "sqlite_database." + name + ": unknown type \"" + c.type +
                                              "\" (Flint has \"spin\")");
  return {};
}

bool SqliteDatabases::has(std::string_view label) const {
  return impl_->configs.find(label) != impl_->configs.end();
}

Result<std::shared_ptr<SqliteDatabase>> SqliteDatabases::open(std::string_view label) {
  std::lock_guard lock(impl_->mutex);
  if (auto it = impl_->open.find(label); it != impl_->open.end()) return it->second;
  auto c = impl_->configs.find(label);
  if (c == impl_->configs.end())
    return make_error(ErrorCode::Usage, "no SQLite database " + std::string(label));
  if (c->second.type != "spin")
    return make_error(ErrorCode::Usage, "unknown SQLite database type " + c->second.type);
  FLINT_ASSIGN(std::shared_ptr<SqliteDatabase> db, LocalDatabase::open(c->second.path));
  impl_->open.emplace(std::string(label), db);
  return db;
}

Status SqliteDatabases::seed(std::string_view statement_or_file, const std::string& base_dir) {
  std::string sql(statement_or_file);
  if (statement_or_file.starts_with('@')) {
    std::filesystem::path file(std::string(statement_or_file.substr(1)));
    if (file.is_relative()) file = std::filesystem::path(base_dir) / file;
    std::ifstream in(file);
    if (!in) return make_error(ErrorCode::Io, "cannot read " + file.string());
    std::ostringstream text;
    text << in.rdbuf();
    sql = text.str();
  }
  FLINT_ASSIGN(auto db, open("default"));
  auto s = db->execute_script(sql);
  if (!s)
    return make_error(ErrorCode::Usage,
                      "--sqlite " + std::string(statement_or_file) + ": " + s.error().detail);
  return {};
}

}  // namespace flint::spinhost
