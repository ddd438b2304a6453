// Database values lowered into one WIT version's variants by case name.
#include "spinhost/rdbms_values.h"

#include "component_runtime/host_channels.h"

namespace flint::spinhost::rdbms {

namespace {

using namespace component;

/// The index of case `name` in `variant` (or enum), if it has one.
std::optional<uint32_t> find_case(const ValueType& type, std::string_view name) {
  if (type.kind == TypeKind::Enum) {
    for (size_t i = 0; i < type.labels.size(); ++i)
      if (type.labels[i] == name) return uint32_t(i);
    return std::nullopt;
  }
  for (size_t i = 0; i < type.fields.size(); ++i)
    if (type.fields[i].label == name) return uint32_t(i);
  return std::nullopt;
}

}  // namespace

std::string_view case_name(const ValueType& variant, const ComponentValue& v) {
  uint32_t index = v.as_case().index;
  return index < variant.fields.size() ? std::string_view(variant.fields[index].label)
                                       : std::string_view();
}

ComponentValue lower_value(const ValueType& db_value, const Value& value) {
  if (auto i = find_case(db_value, value.kind)) {
    const ValueTypePtr& payload_type = db_value.fields[*i].type;
    if (!payload_type) return val::variant_case(*i);
    if (value.payload) return val::variant_case(*i, *value.payload);
  }
  // `unsupported`, or spin:postgres@4's `unsupported(list<u8>)`.
  uint32_t u = find_case(db_value, "unsupported").value_or(uint32_t(db_value.fields.size() - 1));
  if (db_value.fields[u].type) {
    std::string text = value.payload && value.payload->kind == TypeKind::String
                           ? value.payload->as_string()
                           : std::string();
    return val::variant_case(
        u, val::bytes(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
  }
  return val::variant_case(u);
}

ComponentValue lower_column(const ValueType& data_type, const Column& column) {
  ComponentValue type;
  std::optional<uint32_t> i = find_case(data_type, column.type);
  if (!i) i = find_case(data_type, "other");
  uint32_t index = i.value_or(0);
  if (data_type.kind == TypeKind::Enum)
    type = val::enum_case(index);
  else if (data_type.fields[index].type)
    type = val::variant_case(index, val::string(column.other.empty() ? column.type : column.other));
  else
    type = val::variant_case(index);
  return val::record({val::string(column.name), std::move(type)});
}

ComponentValue lower_error(const ValueType& error_type, const DbError& error) {
  uint32_t i = find_case(error_type, error.kind).value_or(*find_case(error_type, "other"));
  const ValueTypePtr& payload = error_type.fields[i].type;
  if (payload->kind == TypeKind::String) return val::variant_case(i, val::string(error.message));
  // spin:postgres@4's query-error: text(string) | db-error(db-error).
  if (!error.server) return val::variant_case(i, val::variant_case(0, val::string(error.message)));
  const DbError::Server& s = *error.server;
  std::vector<ComponentValue> extras;
  for (const auto& [k, v] : s.extras)
    extras.push_back(val::tuple({val::string(k), val::string(v)}));
  ComponentValue db_error = val::record({val::string(error.message), val::string(s.severity),
                                         val::string(s.code), val::string(s.message),
                                         s.detail ? val::some(val::string(*s.detail)) : val::none(),
                                         val::list(std::move(extras))});
  return val::variant_case(i, val::variant_case(1, std::move(db_error)));
}

ComponentValue lower_row_set(const ValueType& db_value, const ValueType& data_type,
                             const std::vector<Column>& columns,
                             const std::vector<std::vector<Value>>& rows) {
  std::vector<ComponentValue> cols;
  for (const Column& c : columns) cols.push_back(lower_column(data_type, c));
  std::vector<ComponentValue> out;
  out.reserve(rows.size());
  for (const auto& row : rows) {
    std::vector<ComponentValue> values;
    values.reserve(row.size());
    for (const Value& v : row) values.push_back(lower_value(db_value, v));
    out.push_back(val::list(std::move(values)));
  }
  return val::record({val::list(std::move(cols)), val::list(std::move(out))});
}

HostReturn rows_as_stream(HostReturn row_set_result, ValueTypePtr row, ValueTypePtr error) {
  if (!row_set_result || !*row_set_result) return row_set_result;
  const ComponentValue::Case& c = (*row_set_result)->as_case();
  if (c.index != 0 || !c.payload) return row_set_result;
  const auto& set = c.payload->items();  // { columns, rows }
  std::vector<ComponentValue> rows(set.at(1).items().begin(), set.at(1).items().end());
  return val::ok(val::tuple({set.at(0), stream_of(std::move(row), std::move(rows)),
                             resolved_future(wit::result(nullptr, std::move(error)), val::ok())}));
}

}  // namespace flint::spinhost::rdbms
