// Opening SQLite files (sqlite_file.h).
#include "spinhost/sqlite_file.h"

#include <filesystem>

namespace flint::spinhost {

Result<sqlite3*> open_sqlite_file(const std::string& path, std::string_view what) {
  std::string where = path.empty() ? ":memory:" : path;
  if (!path.empty()) {
    std::error_code ec;
    auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  }
  sqlite3* db = nullptr;
  int rc =
      sqlite3_open_v2(where.c_str(), &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = "cannot open " + std::string(what) + " " + where + ": " +
                          (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close(db);
    return make_error(ErrorCode::Io, std::move(message));
  }
  sqlite3_busy_timeout(db, 10000);
  return db;
}

}  // namespace flint::spinhost
