// PostgreSQL over libpq: parameters as text with server-inferred types,
// results in text read by column type (postgres_text.h), lowered into each
// interface version's variants by case name (rdbms_values.h).
#include "spinhost/postgres.h"

#include <libpq-fe.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <variant>
#include <vector>

#include "spinhost/outbound_access.h"
#include "spinhost/postgres_text.h"
#include "spinhost/rdbms_types.h"
#include "spinhost/rdbms_values.h"

namespace flint::spinhost {

namespace {

using namespace component;
using rdbms::DbError;

struct ConnDeleter {
  void operator()(PGconn* c) const { PQfinish(c); }
};
using Connection = std::unique_ptr<PGconn, ConnDeleter>;
struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

std::string trimmed(const char* message) {
  std::string s = message ? message : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

std::vector<std::string> split(const char* list) {
  std::vector<std::string> out;
  if (!list || !*list) return out;
  std::string s = list;
  size_t start = 0;
  for (size_t comma; (comma = s.find(',', start)) != std::string::npos; start = comma + 1)
    out.push_back(s.substr(start, comma - start));
  out.push_back(s.substr(start));
  return out;
}

/// Whether every host the connection string names may be reached; the
/// error says which may not.
std::optional<DbError> check_address(const SpinHostContext& context, const std::string& address) {
  char* parse_error = nullptr;
  PQconninfoOption* options = PQconninfoParse(address.c_str(), &parse_error);
  if (!options) {
    DbError e{
        "connection-failed", trimmed(parse_error ? parse_error : "invalid connection string"), {}};
    PQfreemem(parse_error);
    return e;
  }
  std::vector<std::string> hosts, addrs, ports;
  std::optional<DbError> refused;
  for (PQconninfoOption* o = options; o->keyword; ++o) {
    if (!o->val) continue;
    std::string k = o->keyword;
    if (k == "host") hosts = split(o->val);
    if (k == "hostaddr") addrs = split(o->val);
    if (k == "port") ports = split(o->val);
    // Options that read the host's files are not the guest's to choose.
    if (k == "service" || k == "passfile" || k == "sslcert" || k == "sslkey" ||
        k == "sslrootcert" || k == "sslcrl" || k == "sslcrldir")
      refused = DbError{"connection-failed", "connection option '" + k + "' is not supported", {}};
  }
  PQconninfoFree(options);
  if (refused) return refused;
  // hostaddr, when given, is where libpq connects: it is checked too.
  std::vector<std::string> targets = hosts;
  targets.insert(targets.end(), addrs.begin(), addrs.end());
  if (targets.empty())
    return DbError{"connection-failed", "the connection string names no host", {}};
  for (size_t i = 0; i < targets.size(); ++i) {
    const std::string& host = targets[i];
    if (host.empty() || host[0] == '/' || host[0] == '@')
      return DbError{"connection-failed", "Unix sockets are not supported on WebAssembly", {}};
    size_t at = i < hosts.size() ? i : i - hosts.size();
    std::string port = ports.size() == 1 ? ports[0] : at < ports.size() ? ports[at] : "";
    if (port.empty()) port = "5432";
    std::string url = "postgres://" +
                      (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + port;
    if (!may_reach(context, url))
      return DbError{"connection-failed", "address " + url + " is not permitted", {}};
  }
  return std::nullopt;
}

/// A PEM file that lives while the connection is made (libpq reads
/// `sslrootcert` from a file).
class TempFile {
 public:
  explicit TempFile(const std::string& contents) {
    char name[] = "/tmp/flint-pg-ca-XXXXXX";
    int fd = mkstemp(name);
    if (fd < 0) return;
    path_ = name;
    bool ok = ::write(fd, contents.data(), contents.size()) == ssize_t(contents.size());
    ::close(fd);
    if (!ok) path_.clear();
  }
  ~TempFile() {
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

/// Connects as `address` says; `ca_root`: a PEM certificate to trust for
/// TLS (connection-builder.set-ca-root).
std::variant<Connection, DbError> connect(
    const SpinHostContext& context, const std::string& address,
    const std::optional<std::string>& ca_root = std::nullopt) {
  if (auto e = check_address(context, address)) return *e;
  std::optional<TempFile> ca;
  if (ca_root) {
    ca.emplace(*ca_root);
    if (ca->path().empty()) return DbError{"other", "cannot write the CA certificate", {}};
  }
  // The guest's string may set its own connect_timeout; passfile it may not.
  const char* keywords[] = {"connect_timeout", "dbname", "passfile", ca ? "sslrootcert" : nullptr,
                            nullptr};
  const char* values[] = {"10", address.c_str(), "/dev/null", ca ? ca->path().c_str() : nullptr,
                          nullptr};
  Connection c(PQconnectdbParams(keywords, values, 1));
  if (!c) return DbError{"connection-failed", "out of memory", {}};
  if (PQstatus(c.get()) != CONNECTION_OK)
    return DbError{"connection-failed", trimmed(PQerrorMessage(c.get())), {}};
  // The text formats postgres_text reads.
  PgResult set(PQexec(c.get(),
                      "SET DateStyle = 'ISO, MDY'; SET IntervalStyle = 'postgres'; "
                      "SET extra_float_digits = 3"));
  if (PQresultStatus(set.get()) != PGRES_COMMAND_OK)
    return DbError{"connection-failed", trimmed(PQerrorMessage(c.get())), {}};
  return c;
}

/// A failed result's error: the server's fields when it sent them.
DbError query_error(PGconn* conn, const PGresult* r) {
  DbError e{"query-failed", trimmed(r ? PQresultErrorMessage(r) : PQerrorMessage(conn)), {}};
  if (!r || !PQresultErrorField(r, PG_DIAG_SQLSTATE)) return e;
  auto field = [&](int code) -> std::optional<std::string> {
    const char* v = PQresultErrorField(r, code);
    return v ? std::optional<std::string>(v) : std::nullopt;
  };
  DbError::Server s;
  s.severity = field(PG_DIAG_SEVERITY).value_or("");
  s.code = field(PG_DIAG_SQLSTATE).value_or("");
  s.message = field(PG_DIAG_MESSAGE_PRIMARY).value_or("");
  s.detail = field(PG_DIAG_MESSAGE_DETAIL);
  const std::pair<const char*, int> extras[] = {
      {"hint", PG_DIAG_MESSAGE_HINT},      {"position", PG_DIAG_STATEMENT_POSITION},
      {"where", PG_DIAG_CONTEXT},          {"schema", PG_DIAG_SCHEMA_NAME},
      {"table", PG_DIAG_TABLE_NAME},       {"column", PG_DIAG_COLUMN_NAME},
      {"datatype", PG_DIAG_DATATYPE_NAME}, {"constraint", PG_DIAG_CONSTRAINT_NAME},
      {"file", PG_DIAG_SOURCE_FILE},       {"line", PG_DIAG_SOURCE_LINE},
      {"routine", PG_DIAG_SOURCE_FUNCTION}};
  for (auto [name, code] : extras)
    if (auto v = field(code)) s.extras.push_back({name, *v});
  e.message = "db error: " + s.severity + ": " + s.message;
  e.server = std::move(s);
  return e;
}

/// Runs `statement` with `params` (a version's parameter-values).
std::variant<PgResult, DbError> run(PGconn* conn, const ValueType& param_type,
                                    const std::string& statement, const ComponentValue& params) {
  std::vector<std::optional<std::string>> texts;
  for (const ComponentValue& p : params.items()) {
    const auto& c = p.as_case();
    std::optional<ComponentValue> payload;
    if (c.payload) payload = *c.payload;
    postgres_text::Param t = postgres_text::encode(rdbms::case_name(param_type, p), payload);
    if (t.error) return *t.error;
    texts.push_back(std::move(t.text));
  }
  std::vector<const char*> values;
  for (const auto& t : texts) values.push_back(t ? t->c_str() : nullptr);
  if (PQstatus(conn) == CONNECTION_BAD) PQreset(conn);
  PgResult r(PQexecParams(conn, statement.c_str(), int(values.size()), nullptr, values.data(),
                          nullptr, nullptr, 0));
  ExecStatusType status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK && status != PGRES_EMPTY_QUERY)
    return query_error(conn, r.get());
  return r;
}

/// A result's columns and rows, read by column type.
void read_rows(const PGresult* r, std::vector<rdbms::Column>& columns,
               std::vector<std::vector<rdbms::Value>>& rows) {
  int n = PQnfields(r);
  std::vector<uint32_t> oids;
  for (int i = 0; i < n; ++i) {
    uint32_t oid = PQftype(r, i);
    oids.push_back(oid);
    std::string kind = postgres_text::type_kind(oid);
    columns.push_back({PQfname(r, i), kind, kind == "other" ? postgres_text::type_name(oid) : ""});
  }
  for (int row = 0; row < PQntuples(r); ++row) {
    std::vector<rdbms::Value> values;
    for (int i = 0; i < n; ++i) {
      if (PQgetisnull(r, row, i)) {
        values.push_back({"db-null", std::nullopt});
        continue;
      }
      const char* text = PQgetvalue(r, row, i);
      if (oids[i] == 17) {  // bytea: hex text to bytes
        size_t len = 0;
        unsigned char* bytes = PQunescapeBytea(reinterpret_cast<const unsigned char*>(text), &len);
        values.push_back(postgres_text::decode(
            oids[i], std::string_view(reinterpret_cast<const char*>(bytes), bytes ? len : 0)));
        PQfreemem(bytes);
      } else {
        values.push_back(
            postgres_text::decode(oids[i], std::string_view(text, PQgetlength(r, row, i))));
      }
    }
    rows.push_back(std::move(values));
  }
}

struct PostgresHost {
  explicit PostgresHost(std::shared_ptr<const SpinHostContext> c) : context(std::move(c)) {}
  std::shared_ptr<const SpinHostContext> context;
};

/// spin:postgres@4.1's connection-builder: an address and a CA root.
struct Builder {
  std::string address;
  std::optional<std::string> ca_root;
};

/// Defines one version: `name`@`version` with `types`, all exported
/// (postgres@2.0.0 re-exports the rdbms-types@2.0.0 it `use`s);
/// `with_builder`: 4.1's connection-builder too; `with_async`: 4.2's async
/// twins (open-async, query-async with its rows as a stream,
/// execute-async, build-async), which run the same bodies.
void define_version(ComponentLinker& linker, const std::shared_ptr<PostgresHost>& host,
                    const std::string& name, const std::string& version, const rdbms::Types& types,
                    bool with_builder = false, bool with_async = false) {
  // One table per version: a handle of one version is not another's.
  auto connections = std::make_shared<HostResourceTable<Connection>>(name + ".connection");
  linker.renew_with_each_store(connections->clearer());
  ResourceTypePtr connection = connections->type();
  const rdbms::Types* t = &types;
  auto err = [t](const DbError& e) { return val::err(rdbms::lower_error(*t->error, e)); };

  HostInterface iface(name, version);
  iface.resource("connection", connection);
  for (const auto& [n, type] : types.named) iface.type(n, type);
  HostBody open = [host, connections, err](Store&,
                                           std::span<const ComponentValue> a) -> HostReturn {
    auto made = connect(*host->context, a[0].as_string());
    if (auto* e = std::get_if<DbError>(&made)) return err(*e);
    auto handle = connections->insert_own(std::move(std::get<Connection>(made)));
    if (!handle) return err({"connection-failed", "too many connections", {}});
    return val::ok(std::move(*handle));
  };
  std::vector<Param> open_params{{"address", wit::string()}};
  ValueTypePtr opened = wit::result(wit::own(connection), types.error);
  iface.static_function("connection", "open", wit::func(open_params, opened), open);
  if (with_async)
    iface.static_function("connection", "open-async", wit::async_func(open_params, opened), open);
  std::vector<Param> query_params{{"self", wit::borrow(connection)},
                                  {"statement", wit::string()},
                                  {"params", wit::list(types.parameter_value)}};
  HostBody query = [connections, t, err](Store&, std::span<const ComponentValue> a) -> HostReturn {
    FLINT_ASSIGN(Connection * c, connections->get(a[0]));
    auto r = run(c->get(), *t->parameter_value, a[1].as_string(), a[2]);
    if (auto* e = std::get_if<DbError>(&r)) return err(*e);
    std::vector<rdbms::Column> columns;
    std::vector<std::vector<rdbms::Value>> rows;
    read_rows(std::get<PgResult>(r).get(), columns, rows);
    return val::ok(rdbms::lower_row_set(*t->db_value, *t->data_type, columns, rows));
  };
  iface.method("connection", "query",
               wit::func(query_params, wit::result(types.row_set, types.error)), query);
  HostBody execute = [connections, t, err](Store&,
                                           std::span<const ComponentValue> a) -> HostReturn {
    FLINT_ASSIGN(Connection * c, connections->get(a[0]));
    auto r = run(c->get(), *t->parameter_value, a[1].as_string(), a[2]);
    if (auto* e = std::get_if<DbError>(&r)) return err(*e);
    const char* n = PQcmdTuples(std::get<PgResult>(r).get());
    return val::ok(val::u64(n && *n ? std::strtoull(n, nullptr, 10) : 0));
  };
  ValueTypePtr executed = wit::result(wit::u64(), types.error);
  iface.method("connection", "execute", wit::func(query_params, executed), execute);
  if (with_async) {
    iface.method("connection", "execute-async", wit::async_func(query_params, executed), execute);
    ValueTypePtr row = types.row_set->fields.at(1).type->element;
    ValueTypePtr streamed =
        wit::result(wit::tuple({types.row_set->fields.at(0).type, wit::stream(row),
                                wit::future(wit::result(nullptr, types.error))}),
                    types.error);
    iface.method("connection", "query-async", wit::async_func(query_params, streamed),
                 [query, row, t](Store& store, std::span<const ComponentValue> a) -> HostReturn {
                   return rdbms::rows_as_stream(query(store, a), row, t->error);
                 });
  }
  if (with_builder) {
    auto builders = std::make_shared<HostResourceTable<Builder>>(name + ".connection-builder");
    linker.renew_with_each_store(builders->clearer());
    ResourceTypePtr builder = builders->type();
    iface.resource("connection-builder", builder);
    iface.constructor("connection-builder",
                      wit::func({{"address", wit::string()}}, wit::own(builder)),
                      [builders](Store&, std::span<const ComponentValue> a) -> HostReturn {
                        return builders->insert_own(Builder{a[0].as_string(), std::nullopt});
                      });
    iface.method("connection-builder", "set-ca-root",
                 wit::func({{"self", wit::borrow(builder)}, {"certificate", wit::string()}},
                           wit::result(nullptr, types.error)),
                 [builders](Store&, std::span<const ComponentValue> a) -> HostReturn {
                   FLINT_ASSIGN(Builder * b, builders->get(a[0]));
                   b->ca_root = a[1].as_string();
                   return val::ok();
                 });
    HostBody build = [host, builders, connections, err](
                         Store&, std::span<const ComponentValue> a) -> HostReturn {
      FLINT_ASSIGN(Builder * b, builders->get(a[0]));
      auto made = connect(*host->context, b->address, b->ca_root);
      if (auto* e = std::get_if<DbError>(&made)) return err(*e);
      auto handle = connections->insert_own(std::move(std::get<Connection>(made)));
      if (!handle) return err({"connection-failed", "too many connections", {}});
      return val::ok(std::move(*handle));
    };
    std::vector<Param> self{{"self", wit::borrow(builder)}};
    iface.method("connection-builder", "build", wit::func(self, opened), build);
    if (with_async)
      iface.method("connection-builder", "build-async", wit::async_func(self, opened), build);
  }
  define(linker, iface);
}

}  // namespace

void define_postgres(ComponentLinker& linker,
                     const std::shared_ptr<const SpinHostContext>& context) {
  auto host = std::make_shared<PostgresHost>(context);
  rdbms::define_rdbms_types(linker);
  // 4.2.0 (4.1's functions and their async twins) satisfies imports of
  // any 4.x up to it.
  define_version(linker, host, "spin:postgres/postgres", "4.2.0", rdbms::postgres_types_v4(), true,
                 true);
  define_version(linker, host, "spin:postgres/postgres", "3.0.0", rdbms::postgres_types_v3());
  define_version(linker, host, "fermyon:spin/postgres", "2.0.0", rdbms::types_v2());
}

}  // namespace flint::spinhost
