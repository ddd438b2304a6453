// PostgreSQL's text formats for Spin's values (PostgreSQL documentation,
// chapter 8, "Data Types": each type's input and output syntax). Parameters
// go to the server as text with their types left to the server (it infers
// them from the statement, as tokio-postgres's prepared statements do in
// Spin), and results come back as text read by their column's type OID.
// Output syntax assumes the session settings the client sets on connect:
// DateStyle ISO, IntervalStyle postgres, extra_float_digits 3.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "spinhost/rdbms_values.h"

namespace flint::spinhost::postgres_text {

/// A parameter's text: std::nullopt for `db-null`, or the error
/// (bad-parameter) for a value PostgreSQL cannot take.
struct Param {
  std::optional<std::string> text;
  std::optional<rdbms::DbError> error;
};

/// The text of parameter case `kind` ("int32", "date", "array-str") with
/// `payload` as the WIT types it.
Param encode(std::string_view kind, const std::optional<rdbms::ComponentValue>& payload);

/// The value of a result field of type `oid` whose text is `text` (bytea:
/// already unescaped to its bytes).
rdbms::Value decode(uint32_t oid, std::string_view text);

/// The db-data-type case name of type `oid` ("int32", "other").
std::string type_kind(uint32_t oid);
/// A name for type `oid`, for `other(string)`.
std::string type_name(uint32_t oid);

}  // namespace flint::spinhost::postgres_text
