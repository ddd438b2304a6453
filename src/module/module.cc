#include "module/module.h"

namespace flint {

namespace {
// The n-th import of a kind; imports of one kind keep their relative order.
const Import& nth_import(const std::vector<Import>& imports, ExternKind kind, uint32_t n) {
  for (const Import& imp : imports) {
    if (imp.kind != kind) continue;
    if (n == 0) return imp;
    --n;
  }
  __builtin_unreachable();  // callers check the index against the import count
}
}  // namespace

uint32_t Module::function_type_index(uint32_t func) const {
  if (func < imported_functions) return nth_import(imports, ExternKind::Func, func).func_type;
  return functions[func - imported_functions].type_index;
}

TableType Module::table_type(uint32_t table) const {
  if (table < imported_tables) return nth_import(imports, ExternKind::Table, table).table;
  return tables[table - imported_tables];
}

MemoryType Module::memory_type(uint32_t memory) const {
  if (memory < imported_memories) return nth_import(imports, ExternKind::Memory, memory).memory;
  return memories[memory - imported_memories];
}

GlobalType Module::global_type(uint32_t global) const {
  if (global < imported_globals) return nth_import(imports, ExternKind::Global, global).global;
  return globals[global - imported_globals].type;
}

uint32_t Module::tag_type_index(uint32_t tag) const {
  if (tag < imported_tags) return nth_import(imports, ExternKind::Tag, tag).tag_type;
  return tags[tag - imported_tags];
}

std::string Module::function_name(uint32_t func) const {
  if (auto it = names.functions.find(func); it != names.functions.end()) return it->second;
  for (const Export& e : exports)
    if (e.kind == ExternKind::Func && e.index == func) return e.name;
  return {};
}

}  // namespace flint
