// The WIT types of Spin's relational database interfaces, by version:
// fermyon:spin/rdbms-types@2.0.0 (shared by fermyon:spin/postgres@2.0.0
// and mysql@2.0.0), spin:postgres/postgres@3.0.0 and @4.0.0. Each
// version's variants list cases by the names rdbms_values.h lowers by.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "component_runtime/host_interface.h"

namespace flint::spinhost::rdbms {

/// One version's types.
struct Types {
  component::ValueTypePtr error, data_type, db_value, parameter_value, column, row, row_set;
  /// Every named type of the interface, for its type exports.
  std::vector<std::pair<std::string, component::ValueTypePtr>> named;
};

/// fermyon:spin/rdbms-types@2.0.0.
const Types& types_v2();
/// spin:postgres/postgres@3.0.0.
const Types& postgres_types_v3();
/// spin:postgres/postgres@4.0.0 (query-error, db-error, intervals, ranges,
/// arrays, uuid, jsonb, decimal).
const Types& postgres_types_v4();

}  // namespace flint::spinhost::rdbms

namespace flint::spinhost::rdbms {

/// Defines fermyon:spin/rdbms-types@2.0.0 (types only) in `linker`.
void define_rdbms_types(component::ComponentLinker& linker);

}  // namespace flint::spinhost::rdbms
