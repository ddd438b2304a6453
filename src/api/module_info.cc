// imports() and exports() of a compiled module (flint/module_info.h).
#include "flint/module_info.h"

#include "module/module.h"

namespace flint {

namespace {

ExternType import_type(const Module& m, const Import& import) {
  ExternType t;
  t.kind = import.kind;
  switch (import.kind) {
    case ExternKind::Func: t.func = m.types[import.func_type]; break;
    case ExternKind::Table: t.table = import.table; break;
    case ExternKind::Memory: t.memory = import.memory; break;
    case ExternKind::Global: t.global = import.global; break;
    case ExternKind::Tag: t.tag = m.types[import.tag_type]; break;
  }
  return t;
}

ExternType export_type(const Module& m, const Export& e) {
  ExternType t;
  t.kind = e.kind;
  switch (e.kind) {
    case ExternKind::Func: t.func = m.function_type(e.index); break;
    case ExternKind::Table: t.table = m.table_type(e.index); break;
    case ExternKind::Memory: t.memory = m.memory_type(e.index); break;
    case ExternKind::Global: t.global = m.global_type(e.index); break;
    case ExternKind::Tag: t.tag = m.types[m.tag_type_index(e.index)]; break;
  }
  return t;
}

}  // namespace

std::vector<ImportInfo> imports(const CompiledModule& module) {
  const Module& m = module.module();
  std::vector<ImportInfo> out;
  out.reserve(m.imports.size());
  for (const Import& i : m.imports) out.push_back({i.module, i.name, import_type(m, i)});
  return out;
}

std::vector<ExportInfo> exports(const CompiledModule& module) {
  const Module& m = module.module();
  std::vector<ExportInfo> out;
  out.reserve(m.exports.size());
  for (const Export& e : m.exports) out.push_back({e.name, export_type(m, e)});
  return out;
}

}  // namespace flint
