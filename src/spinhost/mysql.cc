// MySQL over libmariadb's text protocol. `?` placeholders are replaced
// with SQL literals of the parameters on the client (strings escaped by the
// connection's character set, bytes as X'..', numbers as text); results
// are read by column type as Spin's MySQL client reads them: integers by
// size and signedness, floats, strings (binary-collated ones as bytes),
// DECIMAL as a string; other types are `unsupported`.
#include "spinhost/mysql.h"

#include <fmt/format.h>
#include <mysql.h>

#include <cmath>
#include <cstdlib>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

#include "spinhost/outbound_access.h"
#include "spinhost/rdbms_types.h"
#include "spinhost/rdbms_values.h"
#include "spinhost/service_url.h"

namespace flint::spinhost {

namespace {

using namespace component;
using rdbms::DbError;

constexpr unsigned kBinaryCharset = 63;  // the `binary` collation

struct MysqlDeleter {
  void operator()(MYSQL* m) const { mysql_close(m); }
};
using Connection = std::unique_ptr<MYSQL, MysqlDeleter>;
struct ResultDeleter {
  void operator()(MYSQL_RES* r) const { mysql_free_result(r); }
};
using MysqlResult = std::unique_ptr<MYSQL_RES, ResultDeleter>;

DbError error_of(MYSQL* m, const char* kind) {
  return DbError{kind, std::string(mysql_error(m)), {}};
}

std::variant<Connection, DbError> connect(const SpinHostContext& context,
                                          const std::string& address) {
  static std::once_flag init;
  std::call_once(init, [] { mysql_library_init(0, nullptr, nullptr); });
  if (!may_reach(context, address))
    return DbError{"connection-failed", "address " + address + " is not permitted", {}};
  auto url = parse_service_url(address);
  if (!url || url->scheme != "mysql")
    return DbError{"connection-failed",
                   url ? "unsupported scheme '" + url->scheme + "'" : url.error().detail,
                   {}};
  Connection m(mysql_init(nullptr));
  if (!m) return DbError{"connection-failed", "out of memory", {}};
  unsigned protocol = MYSQL_PROTOCOL_TCP;  // "localhost" is not the host's socket
  unsigned timeout = 10, read_timeout = 60;
  my_bool no = 0;
  mysql_optionsv(m.get(), MYSQL_OPT_PROTOCOL, &protocol);
  mysql_optionsv(m.get(), MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
  mysql_optionsv(m.get(), MYSQL_OPT_READ_TIMEOUT, &read_timeout);
  mysql_optionsv(m.get(), MYSQL_OPT_WRITE_TIMEOUT, &read_timeout);
  mysql_optionsv(m.get(), MYSQL_OPT_LOCAL_INFILE, &no);  // no host files for the guest
  mysql_optionsv(m.get(), MYSQL_SET_CHARSET_NAME, "utf8mb4");
  std::string db = url->path.size() > 1 ? url->path.substr(1) : "";
  if (!mysql_real_connect(m.get(), url->host.c_str(), url->user.c_str(),
                          url->password ? url->password->c_str() : nullptr,
                          db.empty() ? nullptr : db.c_str(), url->port.value_or(3306), nullptr, 0))
    return error_of(m.get(), "connection-failed");
  return m;
}

/// A parameter (a rdbms-types@2.0.0 parameter-value) as an SQL literal.
std::variant<std::string, DbError> literal(MYSQL* m, const ComponentValue& p) {
  std::string_view kind = rdbms::case_name(*rdbms::types_v2().parameter_value, p);
  if (kind == "db-null") return std::string("NULL");
  const ComponentValue& v = *p.as_case().payload;
  if (kind == "boolean") return std::string(v.as_bool() ? "TRUE" : "FALSE");
  if (kind.rfind("int", 0) == 0) return std::to_string(v.as_signed());
  if (kind.rfind("uint", 0) == 0) return std::to_string(v.as_unsigned());
  if (kind == "floating32" || kind == "floating64") {
    double d = kind == "floating32" ? double(v.as_f32()) : v.as_f64();
    if (!std::isfinite(d)) return DbError{"bad-parameter", "MySQL has no NaN or infinity", {}};
    return kind == "floating32" ? fmt::format("{}", v.as_f32()) : fmt::format("{}", d);
  }
  if (kind == "str") {
    const std::string& s = v.as_string();
    std::string out(s.size() * 2 + 1, '\0');
    out.resize(mysql_real_escape_string(m, out.data(), s.data(), s.size()));
    return "'" + out + "'";
  }
  if (kind == "binary") {
    std::string out = "X'";
    for (uint8_t b : val::to_bytes(v)) out += fmt::format("{:02x}", b);
    return out + "'";
  }
  return DbError{"bad-parameter", "unsupported parameter type " + std::string(kind), {}};
}

/// `statement` with each `?` outside quotes and comments replaced by the
/// next parameter's literal.
std::variant<std::string, DbError> bind(MYSQL* m, const std::string& statement,
                                        const ComponentValue& params) {
  const auto& ps = params.items();
  std::string out;
  size_t next = 0;
  for (size_t i = 0; i < statement.size(); ++i) {
    char c = statement[i];
    if (c == '\'' || c == '"' || c == '`') {  // a quoted string or name, kept whole
      size_t j = i + 1;
      for (; j < statement.size() && statement[j] != c; ++j)
        if (statement[j] == '\\' && c != '`') ++j;
      out.append(statement, i, j + 1 - i);
      i = j;
    } else if (c == '#' || (c == '-' && statement.compare(i, 3, "-- ") == 0)) {
      size_t j = statement.find('\n', i);
      if (j == std::string::npos) j = statement.size();
      out.append(statement, i, j - i);
      i = j - 1;
    } else if (c == '/' && statement.compare(i, 2, "/*") == 0) {
      size_t j = statement.find("*/", i + 2);
      j = j == std::string::npos ? statement.size() : j + 2;
      out.append(statement, i, j - i);
      i = j - 1;
    } else if (c == '?') {
      if (next == ps.size())
        return DbError{"bad-parameter", "more placeholders than parameters", {}};
      auto l = literal(m, ps[next++]);
      if (auto* e = std::get_if<DbError>(&l)) return *e;
      out += std::get<std::string>(l);
    } else {
      out += c;
    }
  }
  if (next != ps.size())
    return DbError{
        "bad-parameter", fmt::format("expected {} parameters, got {}", next, ps.size()), {}};
  return out;
}

/// The db-value of a field of `f`'s type whose text is `text`.
rdbms::Value read_value(const MYSQL_FIELD& f, const char* text, unsigned long length) {
  std::string s(text, length);
  bool is_unsigned = f.flags & UNSIGNED_FLAG;
  auto integer = [&](const char* signed_kind, const char* unsigned_kind, int bits) -> rdbms::Value {
    if (is_unsigned) {
      uint64_t n = std::strtoull(s.c_str(), nullptr, 10);
      ComponentValue v = bits == 8    ? val::u8(uint8_t(n))
                         : bits == 16 ? val::u16(uint16_t(n))
                         : bits == 32 ? val::u32(uint32_t(n))
                                      : val::u64(n);
      return {unsigned_kind, v};
    }
    int64_t n = std::strtoll(s.c_str(), nullptr, 10);
    ComponentValue v = bits == 8    ? val::s8(int8_t(n))
                       : bits == 16 ? val::s16(int16_t(n))
                       : bits == 32 ? val::s32(int32_t(n))
                                    : val::s64(n);
    return {signed_kind, v};
  };
  switch (f.type) {
    case MYSQL_TYPE_TINY: return integer("int8", "uint8", 8);
    case MYSQL_TYPE_SHORT:
    case MYSQL_TYPE_YEAR: return integer("int16", "uint16", 16);
    case MYSQL_TYPE_INT24:
    case MYSQL_TYPE_LONG: return integer("int32", "uint32", 32);
    case MYSQL_TYPE_LONGLONG: return integer("int64", "uint64", 64);
    case MYSQL_TYPE_FLOAT: return {"floating32", val::f32(std::strtof(s.c_str(), nullptr))};
    case MYSQL_TYPE_DOUBLE: return {"floating64", val::f64(std::strtod(s.c_str(), nullptr))};
    case MYSQL_TYPE_DECIMAL:
    case MYSQL_TYPE_NEWDECIMAL: return {"str", val::string(std::move(s))};
    case MYSQL_TYPE_VARCHAR:
    case MYSQL_TYPE_VAR_STRING:
    case MYSQL_TYPE_STRING:
    case MYSQL_TYPE_TINY_BLOB:
    case MYSQL_TYPE_MEDIUM_BLOB:
    case MYSQL_TYPE_LONG_BLOB:
    case MYSQL_TYPE_BLOB:
    case MYSQL_TYPE_JSON:
      if (f.charsetnr == kBinaryCharset)
        return {"binary", val::bytes(reinterpret_cast<const uint8_t*>(text), length)};
      return {"str", val::string(std::move(s))};
    default: return {"unsupported", val::string(std::move(s))};
  }
}

/// The data type name of a column.
std::string column_kind(const MYSQL_FIELD& f) {
  rdbms::Value v = read_value(f, "0", 1);
  return v.kind == "unsupported" ? "other" : v.kind;
}

struct MysqlHost {
  explicit MysqlHost(std::shared_ptr<const SpinHostContext> c)
      : context(std::move(c)), connections("fermyon:spin/mysql.connection") {}
  std::shared_ptr<const SpinHostContext> context;
  HostResourceTable<Connection> connections;
};

/// Runs `statement` with `params`; its result set, if it has one.
std::variant<MysqlResult, DbError> run(MYSQL* m, const std::string& statement,
                                       const ComponentValue& params) {
  auto sql = bind(m, statement, params);
  if (auto* e = std::get_if<DbError>(&sql)) return *e;
  const std::string& text = std::get<std::string>(sql);
  if (mysql_real_query(m, text.data(), text.size()) != 0) return error_of(m, "query-failed");
  MysqlResult r(mysql_store_result(m));
  if (!r && mysql_field_count(m) != 0) return error_of(m, "query-failed");
  return r;
}

}  // namespace

void define_mysql(ComponentLinker& linker, const std::shared_ptr<const SpinHostContext>& context) {
  auto host = std::make_shared<MysqlHost>(context);
  linker.renew_with_each_store(host->connections.clearer());
  rdbms::define_rdbms_types(linker);
  const rdbms::Types& t = rdbms::types_v2();
  auto err = [&t](const DbError& e) { return val::err(rdbms::lower_error(*t.error, e)); };
  ResourceTypePtr connection = host->connections.type();

  HostBody open = [host, err](Store&, std::span<const ComponentValue> a) -> HostReturn {
    auto made = connect(*host->context, a[0].as_string());
    if (auto* e = std::get_if<DbError>(&made)) return err(*e);
    auto handle = host->connections.insert_own(std::move(std::get<Connection>(made)));
    if (!handle) return err({"connection-failed", "too many connections", {}});
    return val::ok(std::move(*handle));
  };
  HostBody query = [host, err, &t](Store&, std::span<const ComponentValue> a) -> HostReturn {
    FLINT_ASSIGN(Connection * c, host->connections.get(a[0]));
    auto r = run(c->get(), a[1].as_string(), a[2]);
    if (auto* e = std::get_if<DbError>(&r)) return err(*e);
    std::vector<rdbms::Column> columns;
    std::vector<std::vector<rdbms::Value>> rows;
    if (MYSQL_RES* res = std::get<MysqlResult>(r).get()) {
      unsigned n = mysql_num_fields(res);
      MYSQL_FIELD* fields = mysql_fetch_fields(res);
      for (unsigned i = 0; i < n; ++i)
        columns.push_back({fields[i].name, column_kind(fields[i]), ""});
      while (MYSQL_ROW row = mysql_fetch_row(res)) {
        unsigned long* lengths = mysql_fetch_lengths(res);
        std::vector<rdbms::Value> values;
        for (unsigned i = 0; i < n; ++i)
          values.push_back(row[i] ? read_value(fields[i], row[i], lengths[i])
                                  : rdbms::Value{"db-null", std::nullopt});
        rows.push_back(std::move(values));
      }
    }
    return val::ok(rdbms::lower_row_set(*t.db_value, *t.data_type, columns, rows));
  };
  HostBody execute = [host, err](Store&, std::span<const ComponentValue> a) -> HostReturn {
    FLINT_ASSIGN(Connection * c, host->connections.get(a[0]));
    auto r = run(c->get(), a[1].as_string(), a[2]);
    if (auto* e = std::get_if<DbError>(&r)) return err(*e);
    return val::ok();
  };
  std::vector<Param> open_params{{"address", wit::string()}};
  ValueTypePtr opened = wit::result(wit::own(connection), t.error);
  std::vector<Param> params{{"self", wit::borrow(connection)},
                            {"statement", wit::string()},
                            {"params", wit::list(t.parameter_value)}};
  ValueTypePtr executed = wit::result(nullptr, t.error);

  HostInterface v2("fermyon:spin/mysql", "2.0.0");
  v2.resource("connection", connection);
  for (const auto& [n, type] : t.named) v2.type(n, type);
  v2.static_function("connection", "open", wit::func(open_params, opened), open);
  v2.method("connection", "query", wit::func(params, wit::result(t.row_set, t.error)), query);
  v2.method("connection", "execute", wit::func(params, executed), execute);
  define(linker, v2);

  // spin:mysql@3.0.0: the same types (now its own) and bodies, async, and
  // `query` answers with the rows as a stream.
  HostInterface v3("spin:mysql/mysql", "3.0.0");
  v3.resource("connection", connection);
  for (const auto& [n, type] : t.named) v3.type(n, type);
  v3.static_function("connection", "open", wit::async_func(open_params, opened), open);
  ValueTypePtr streamed = wit::result(
      wit::tuple({wit::list(t.column), wit::stream(t.row), wit::future(executed)}), t.error);
  v3.method("connection", "query", wit::async_func(params, streamed),
            [query, &t](Store& store, std::span<const ComponentValue> a) -> HostReturn {
              return rdbms::rows_as_stream(query(store, a), t.row, t.error);
            });
  v3.method("connection", "execute", wit::async_func(params, executed), execute);
  define(linker, v3);
}

}  // namespace flint::spinhost
