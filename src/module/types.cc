#include "flint/types.h"

#include <fmt/format.h>

namespace flint {

std::string_view to_string(ValType t) {
  switch (t) {
    case ValType::I32: return "i32";
    case ValType::I64: return "i64";
    case ValType::F32: return "f32";
    case ValType::F64: return "f64";
    case ValType::V128: return "v128";
    case ValType::FuncRef: return "funcref";
    case ValType::ExternRef: return "externref";
    case ValType::ExnRef: return "exnref";
  }
  return "<invalid type>";
}

std::string to_string(const FuncType& t) {
  auto list = [](const std::vector<ValType>& v) {
    std::string s;
    for (ValType x : v) s += (s.empty() ? "" : " ") + std::string(to_string(x));
    return s;
  };
  return fmt::format("[{}] -> [{}]", list(t.params), list(t.results));
}

std::string_view to_string(ExternKind k) {
  switch (k) {
    case ExternKind::Func: return "func";
    case ExternKind::Table: return "table";
    case ExternKind::Memory: return "memory";
    case ExternKind::Global: return "global";
    case ExternKind::Tag: return "tag";
  }
  return "<invalid kind>";
}

}  // namespace flint
