// Opening an SQLite file for a key-value store or a database: its folder
// made first (the app's .spin/ on a first run), and a busy timeout, since
// another process (a seeding `flint up`) may hold a lock for a moment.
#pragma once

#include <sqlite3.h>

#include <string>
#include <string_view>

#include "flint/result.h"

namespace flint::spinhost {

/// Opens `path` read-write, creating it (empty: an in-memory database); the
/// error names `what` ("key-value store") and the file. The caller closes
/// the connection.
Result<sqlite3*> open_sqlite_file(const std::string& path, std::string_view what);

}  // namespace flint::spinhost
