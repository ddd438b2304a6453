// The rdbms WIT types, built once (resolved types are immutable and
// compared structurally).
#include "spinhost/rdbms_types.h"

namespace flint::spinhost::rdbms {

namespace {

using namespace component;

ValueTypePtr range_bound_kind() {
  static ValueTypePtr t = wit::enumeration({"inclusive", "exclusive"});
  return t;
}
ValueTypePtr interval() {
  static ValueTypePtr t =
      wit::record({{"micros", wit::s64()}, {"days", wit::s32()}, {"months", wit::s32()}});
  return t;
}

ValueTypePtr range_of(ValueTypePtr element) {
  ValueTypePtr bound = wit::option(wit::tuple({element, range_bound_kind()}));
  return wit::tuple({bound, bound});
}

/// The payload of value case `name` (null: none).
ValueTypePtr payload(const std::string& name) {
  if (name == "boolean") return wit::boolean();
  if (name == "int8") return wit::s8();
  if (name == "int16") return wit::s16();
  if (name == "int32") return wit::s32();
  if (name == "int64") return wit::s64();
  if (name == "uint8") return wit::u8();
  if (name == "uint16") return wit::u16();
  if (name == "uint32") return wit::u32();
  if (name == "uint64") return wit::u64();
  if (name == "floating32") return wit::f32();
  if (name == "floating64") return wit::f64();
  if (name == "str" || name == "uuid" || name == "decimal") return wit::string();
  if (name == "binary" || name == "jsonb") return wit::list(wit::u8());
  if (name == "date") return wit::tuple({wit::s32(), wit::u8(), wit::u8()});
  if (name == "time") return wit::tuple({wit::u8(), wit::u8(), wit::u8(), wit::u32()});
  if (name == "datetime")
    return wit::tuple(
        {wit::s32(), wit::u8(), wit::u8(), wit::u8(), wit::u8(), wit::u8(), wit::u32()});
  if (name == "timestamp") return wit::s64();
  if (name == "range-int32") return range_of(wit::s32());
  if (name == "range-int64") return range_of(wit::s64());
  if (name == "range-decimal") return range_of(wit::string());
  if (name == "array-int32") return wit::list(wit::option(wit::s32()));
  if (name == "array-int64") return wit::list(wit::option(wit::s64()));
  if (name == "array-decimal" || name == "array-str") return wit::list(wit::option(wit::string()));
  if (name == "interval") return interval();
  return nullptr;  // db-null
}

std::vector<Field> cases(const std::vector<std::string>& names) {
  std::vector<Field> out;
  for (const std::string& n : names) out.push_back({n, payload(n)});
  return out;
}

const std::vector<std::string> kV2 = {"boolean",    "int8",   "int16",  "int32",  "int64",
                                      "uint8",      "uint16", "uint32", "uint64", "floating32",
                                      "floating64", "str",    "binary"};
// spin:postgres@3.0.0 has no unsigned cases (PostgreSQL has no unsigned
// types), as the WIT Spin's SDKs import says.
const std::vector<std::string> kV3 = {"boolean",    "int8",       "int16",    "int32",  "int64",
                                      "floating32", "floating64", "str",      "binary", "date",
                                      "time",       "datetime",   "timestamp"};
const std::vector<std::string> kV4 = {
    "boolean",       "int8",        "int16",       "int32",         "int64",       "floating32",
    "floating64",    "str",         "binary",      "date",          "time",        "datetime",
    "timestamp",     "uuid",        "jsonb",       "decimal",       "range-int32", "range-int64",
    "range-decimal", "array-int32", "array-int64", "array-decimal", "array-str",   "interval"};

/// A version's types from its value case names; `v4`: spin:postgres@4's
/// richer error, data-type variant and unsupported payload.
Types make(const std::vector<std::string>& names, bool v4) {
  Types t;
  std::vector<Field> values = cases(names);
  std::vector<Field> params = values;
  params.push_back({"db-null", nullptr});
  values.push_back({"db-null", nullptr});
  values.push_back({"unsupported", v4 ? wit::list(wit::u8()) : nullptr});
  t.db_value = wit::variant(values);
  t.parameter_value = wit::variant(params);
  std::vector<std::string> type_names = names;
  if (v4) {
    std::vector<Field> dt;
    for (const std::string& n : names) dt.push_back({n, nullptr});
    dt.push_back({"other", wit::string()});
    t.data_type = wit::variant(dt);
  } else {
    type_names.push_back("other");
    t.data_type = wit::enumeration(type_names);
  }
  ValueTypePtr query_failed = wit::string();
  if (v4) {
    ValueTypePtr db_error =
        wit::record({{"as-text", wit::string()},
                     {"severity", wit::string()},
                     {"code", wit::string()},
                     {"message", wit::string()},
                     {"detail", wit::option(wit::string())},
                     {"extras", wit::list(wit::tuple({wit::string(), wit::string()}))}});
    query_failed = wit::variant({{"text", wit::string()}, {"db-error", db_error}});
    t.named.push_back({"db-error", db_error});
    t.named.push_back({"query-error", query_failed});
    t.named.push_back({"interval", interval()});
    t.named.push_back({"range-bound-kind", range_bound_kind()});
  }
  t.error = wit::variant({{"connection-failed", wit::string()},
                          {"bad-parameter", wit::string()},
                          {"query-failed", query_failed},
                          {"value-conversion-failed", wit::string()},
                          {"other", wit::string()}});
  t.column = wit::record({{"name", wit::string()}, {"data-type", t.data_type}});
  t.row = wit::list(t.db_value);
  t.row_set = wit::record({{"columns", wit::list(t.column)}, {"rows", wit::list(t.row)}});
  t.named.push_back({"error", t.error});
  t.named.push_back({"db-data-type", t.data_type});
  t.named.push_back({"db-value", t.db_value});
  t.named.push_back({"parameter-value", t.parameter_value});
  t.named.push_back({"column", t.column});
  t.named.push_back({"row", t.row});
  t.named.push_back({"row-set", t.row_set});
  return t;
}

}  // namespace

const Types& types_v2() {
  static const Types t = make(kV2, false);
  return t;
}
const Types& postgres_types_v3() {
  static const Types t = make(kV3, false);
  return t;
}
const Types& postgres_types_v4() {
  static const Types t = make(kV4, true);
  return t;
}

}  // namespace flint::spinhost::rdbms

namespace flint::spinhost::rdbms {

void define_rdbms_types(component::ComponentLinker& linker) {
  component::HostInterface iface("fermyon:spin/rdbms-types", "2.0.0");
  for (const auto& [name, type] : types_v2().named) iface.type(name, type);
  define(linker, iface);
}

}  // namespace flint::spinhost::rdbms
