// The SQLite interfaces guests import, over SqliteDatabases:
// fermyon:spin/sqlite@2.0.0 (Spin's wit/deps/spin@2.0.0/sqlite.wit) and
// spin:sqlite/sqlite@3.1.0 (the same, plus `last-insert-rowid` and
// `changes` on the connection, and 3.1's `open-async`,
// `last-insert-rowid-async` and `changes-async`, answered at once, and
// `execute-async`, which links but traps until streams run; an import of
// 3.0.0 links to it, the same major version). Opening a database the component's
// `sqlite_databases` does not grant answers access-denied; a granted label
// with no configured database answers no-such-database.
#include <algorithm>

#include "component_runtime/host_interface.h"
#include "spinhost/rdbms_values.h"
#include "spinhost/spinhost.h"
#include "spinhost/sqlite.h"

namespace flint::spinhost {

using namespace component;

namespace {

using Args = std::span<const ComponentValue>;
using Ctx = std::shared_ptr<const SpinHostContext>;

/// A guest's connection: the database and what its last statement left.
struct Connection {
  std::shared_ptr<SqliteDatabase> db;
  int64_t last_insert_rowid = 0;
  uint64_t changes = 0;
};

enum ErrorCase : uint32_t {
  kNoSuchDatabase,
  kAccessDenied,
  kInvalidConnection,
  kDatabaseFull,
  kIo
};

ComponentValue error_value(ErrorCase c, std::optional<std::string> message = std::nullopt) {
  return val::err(val::variant_case(
      c, message ? std::optional<ComponentValue>(val::string(std::move(*message))) : std::nullopt));
}

/// value: integer(s64), real(f64), text(string), blob(list<u8>), null.
ComponentValue to_value(const SqliteValue& v) {
  if (auto* n = std::get_if<int64_t>(&v)) return val::variant_case(0, val::s64(*n));
  if (auto* r = std::get_if<double>(&v)) return val::variant_case(1, val::f64(*r));
  if (auto* t = std::get_if<std::string>(&v)) return val::variant_case(2, val::string(*t));
  if (auto* b = std::get_if<std::vector<uint8_t>>(&v))
    return val::variant_case(3, val::bytes(b->data(), b->size()));
  return val::variant_case(4);
}

SqliteValue from_value(const ComponentValue& v) {
  const auto& c = v.as_case();
  switch (c.index) {
    case 0: return c.payload->as_signed();
    case 1: return c.payload->as_f64();
    case 2: return c.payload->as_string();
    case 3: return val::to_bytes(*c.payload);
    default: return std::monostate{};
  }
}

void define_sqlite_interface(ComponentLinker& linker, const Ctx& ctx, const std::string& name,
                             const std::string& version, bool v3) {
  HostResourceTable<Connection> connections(name + ".connection");
  linker.renew_with_each_store(connections.clearer());
  auto connection = connections.type();
  auto error = wit::variant({{"no-such-database", nullptr},
                             {"access-denied", nullptr},
                             {"invalid-connection", nullptr},
                             {"database-full", nullptr},
                             {"io", wit::string()}});
  auto value = wit::variant({{"integer", wit::s64()},
                             {"real", wit::f64()},
                             {"text", wit::string()},
                             {"blob", wit::list(wit::u8())},
                             {"null", nullptr}});
  auto row_result = wit::record({{"values", wit::list(value)}});
  auto query_result =
      wit::record({{"columns", wit::list(wit::string())}, {"rows", wit::list(row_result)}});
  auto self = Param{"self", wit::borrow(connection)};

  HostInterface iface(name, version);
  iface.resource("connection", connection);
  iface.type("error", error);
  iface.type("value", value);
  iface.type("row-result", row_result);
  iface.type("query-result", query_result);
  auto open_type =
      wit::func({{"database", wit::string()}}, wit::result(wit::own(connection), error));
  HostBody open = [ctx, connections](Store&, Args a) mutable -> HostReturn {
    const std::string& label = a[0].as_string();
    const auto& grants = ctx->sqlite_grants;
    if (std::find(grants.begin(), grants.end(), label) == grants.end())
      return error_value(kAccessDenied);
    if (!ctx->sqlite || !ctx->sqlite->has(label)) return error_value(kNoSuchDatabase);
    auto db = ctx->sqlite->open(label);
    if (!db) return error_value(kIo, db.error().detail);
    if (connections.size() >= HostResourceTable<Connection>::kMaxObjects)
      return error_value(kIo, "too many open connections");
    FLINT_ASSIGN(ComponentValue handle, connections.insert_own(Connection{*db}));
    return val::ok(std::move(handle));
  };
  iface.static_function("connection", "open", open_type, open);
  HostBody execute = [connections](Store&, Args a) mutable -> HostReturn {
    FLINT_ASSIGN(Connection * c, connections.get(a[0]));
    std::vector<SqliteValue> params;
    for (const ComponentValue& p : a[2].items()) params.push_back(from_value(p));
    auto r = c->db->execute(a[1].as_string(), params);
    if (auto* f = std::get_if<SqliteFailure>(&r))
      return f->kind == SqliteFailure::Kind::DatabaseFull ? error_value(kDatabaseFull)
                                                          : error_value(kIo, f->message);
    auto& q = std::get<SqliteQueryResult>(r);
    c->last_insert_rowid = q.last_insert_rowid;
    c->changes = q.changes;
    std::vector<ComponentValue> columns, rows;
    for (auto& col : q.columns) columns.push_back(val::string(std::move(col)));
    for (const auto& row : q.rows) {
      std::vector<ComponentValue> values;
      values.reserve(row.size());
      for (const SqliteValue& v : row) values.push_back(to_value(v));
      rows.push_back(val::record({val::list(std::move(values))}));
    }
    return val::ok(val::record({val::list(std::move(columns)), val::list(std::move(rows))}));
  };
  iface.method("connection", "execute",
               wit::func({self, {"statement", wit::string()}, {"parameters", wit::list(value)}},
                         wit::result(query_result, error)),
               execute);
  if (v3) {
    HostBody last_insert_rowid = [connections](Store&, Args a) mutable -> HostReturn {
      FLINT_ASSIGN(Connection * c, connections.get(a[0]));
      return val::s64(c->last_insert_rowid);
    };
    HostBody changes = [connections](Store&, Args a) mutable -> HostReturn {
      FLINT_ASSIGN(Connection * c, connections.get(a[0]));
      return val::u64(c->changes);
    };
    iface.method("connection", "last-insert-rowid", wit::func({self}, wit::s64()),
                 last_insert_rowid);
    iface.method("connection", "changes", wit::func({self}, wit::u64()), changes);
    // 3.1.0's async twins: the host answers at once, so the same bodies.
    iface.static_function(
        "connection", "open-async",
        wit::async_func({{"database", wit::string()}}, wit::result(wit::own(connection), error)),
        open);
    iface.method("connection", "last-insert-rowid-async", wit::async_func({self}, wit::s64()),
                 last_insert_rowid);
    iface.method("connection", "changes-async", wit::async_func({self}, wit::u64()), changes);
    // `execute-async`: execute's result, its rows as a stream and its
    // outcome as a future (the query has run whole by then).
    iface.method(
        "connection", "execute-async",
        wit::async_func({self, {"statement", wit::string()}, {"parameters", wit::list(value)}},
                        wit::result(wit::tuple({wit::list(wit::string()), wit::stream(row_result),
                                                wit::future(wit::result(nullptr, error))}),
                                    error)),
        [execute, row_result, error](Store& store, Args a) mutable -> HostReturn {
          // query-result is { columns, rows }, as a row-set.
          return rdbms::rows_as_stream(execute(store, a), row_result, error);
        });
  }
  define(linker, iface);
}

}  // namespace

void define_sqlite(ComponentLinker& linker, const std::shared_ptr<const SpinHostContext>& ctx) {
  define_sqlite_interface(linker, ctx, "fermyon:spin/sqlite", "2.0.0", false);
  define_sqlite_interface(linker, ctx, "spin:sqlite/sqlite", "3.1.0", true);
}

}  // namespace flint::spinhost
