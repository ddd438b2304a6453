// Database values between the host's clients and the WIT's variants
// (fermyon:spin/rdbms-types@2.0.0, spin:postgres@3.0.0 and @4.0.0,
// spin:mysql): each WIT version names the same cases (`int32`, `str`,
// `db-null`, ...) with the same payloads, and the newer ones add cases.
// So a client reads a value once, as a case name and its payload, and each
// version's interface lowers it by name into its own variant: a case that
// version lacks becomes its `unsupported` (or its `other` data type).
// Parameters go the other way: a version's case index becomes its name.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "component_runtime/host_interface.h"

namespace flint::spinhost::rdbms {

using component::ComponentValue;
using component::ValueType;
using component::ValueTypePtr;

/// A value as a client read it: the case name the WITs give it ("int32",
/// "str", "db-null", "unsupported") and its payload as the WIT types it.
struct Value {
  std::string kind;
  std::optional<ComponentValue> payload;
};

/// A column as a client read it: its name and the data type's case name
/// ("int32", "other"); `other` carries the database's name for the type.
struct Column {
  std::string name;
  std::string type;
  std::string other;  ///< the database's type name, for `other(string)`
};

/// The error of a database call, before it becomes a version's `error`.
struct DbError {
  /// "connection-failed", "bad-parameter", "query-failed",
  /// "value-conversion-failed" or "other".
  std::string kind;
  std::string message;
  /// The server's structured error (PostgreSQL's), for spin:postgres@4's
  /// `query-error::db-error`.
  struct Server {
    std::string severity, code, message;
    std::optional<std::string> detail;
    std::vector<std::pair<std::string, std::string>> extras;
  };
  std::optional<Server> server;
};

/// The name of `v`'s case in the variant type `variant`.
std::string_view case_name(const ValueType& variant, const ComponentValue& v);

/// `value` as a case of `db_value` (a db-value variant): the case of its
/// name, or `unsupported` when the version has none.
ComponentValue lower_value(const ValueType& db_value, const Value& value);

/// `column` as a `column` record whose data type is `data_type` (an enum,
/// or spin:postgres@4's variant with `other(string)`).
ComponentValue lower_column(const ValueType& data_type, const Column& column);

/// `error` as a case of `error_type` (a version's error variant).
ComponentValue lower_error(const ValueType& error_type, const DbError& error);

/// A row-set record of `columns` and `rows` for the version whose db-value
/// and db-data-type are `db_value` and `data_type`.
ComponentValue lower_row_set(const ValueType& db_value, const ValueType& data_type,
                             const std::vector<Column>& columns,
                             const std::vector<std::vector<Value>>& rows);

/// A query's result in the form the async functions give it (Spin 3's
/// mysql `query`, postgres@4.2's `query-async`, sqlite@3.1's
/// `execute-async`): `ok(row-set)` -- a record of the columns then the
/// rows -- as ok((columns, stream<row>, future<result<_, error>>)), the
/// rows streamed from the host (they were read whole) and the future
/// resolved ok; an `err` as it is. `row` and `error` are the version's.
component::HostReturn rows_as_stream(component::HostReturn row_set_result,
                                     component::ValueTypePtr row, component::ValueTypePtr error);

}  // namespace flint::spinhost::rdbms
