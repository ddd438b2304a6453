#include "wast/spectest.h"

#include <fmt/format.h>

#include "wast/expect.h"

namespace flint::wast {

namespace {

struct PrintFunction {
  const char* name;
  std::vector<ValType> params;
};

}  // namespace

Status define_spectest(Store& store, Linker& linker, std::FILE* out) {
  using enum ValType;
  const PrintFunction prints[] = {
      {"print", {}},
      {"print_i32", {I32}},
      {"print_i64", {I64}},
      {"print_f32", {F32}},
      {"print_f64", {F64}},
      {"print_i32_f32", {I32, F32}},
      {"print_f64_f64", {F64, F64}},
  };
  for (const PrintFunction& p : prints) {
    auto callback = [out](Caller&, std::span<const Value> args, std::span<Value>) -> Status {
      if (!out) return {};
      std::string line;
      for (const Value& v : args) line += (line.empty() ? "" : " ") + describe(v);
      fmt::print(out, "{}\n", line);
      return {};
    };
    linker.define("spectest", p.name,
                  store.host_function(FuncType{p.params, {}}, callback, p.name));
  }

  linker.define("spectest", "global_i32", store.create_global({I32, false}, Value::i32_(666)));
  linker.define("spectest", "global_i64", store.create_global({I64, false}, Value::i64_(666)));
  linker.define("spectest", "global_f32", store.create_global({F32, false}, Value::f32_(666.6f)));
  linker.define("spectest", "global_f64", store.create_global({F64, false}, Value::f64_(666.6)));
  linker.define("spectest", "table",
                store.create_table(TableType{FuncRef, Limits{10, 20}}, Value::null_(FuncRef)));
  FLINT_ASSIGN(Extern memory, store.create_memory(MemoryType{Limits{1, 2}}));
  linker.define("spectest", "memory", memory);
  return {};
}

}  // namespace flint::wast
