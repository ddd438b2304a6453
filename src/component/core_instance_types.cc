// Core module and instance types for component validation; see
// core_instance_types.h.
#include "component/core_instance_types.h"

#include <fmt/format.h>

namespace flint::component {

const CoreExternType* CoreInstanceSig::find(std::string_view name) const {
  for (const CoreExportSig& e : exports)
    if (e.name == name) return &e.type;
  return nullptr;
}

CoreExternType import_type(const Module& m, const Import& i) {
  CoreExternType t;
  t.kind = i.kind;
  switch (i.kind) {
    case ExternKind::Func:
      if (i.func_type < m.types.size())
        t.func = m.types[i.func_type];
      else
        t.known = false;
      break;
    case ExternKind::Table: t.table = i.table; break;
    case ExternKind::Memory: t.memory = i.memory; break;
    case ExternKind::Global: t.global = i.global; break;
    case ExternKind::Tag:
      if (i.tag_type < m.types.size())
        t.func = m.types[i.tag_type];
      else
        t.known = false;
      break;
  }
  return t;
}

namespace {

// The type of item `index` of kind `kind` in m's index spaces (imports
// first, then definitions).
CoreExternType item_type(const Module& m, ExternKind kind, uint32_t index) {
  CoreExternType t;
  t.kind = kind;
  // The n-th import of `kind`, when index falls among the imports.
  auto imported = [&](uint32_t n) -> const Import* {
    for (const Import& i : m.imports)
      if (i.kind == kind && n-- == 0) return &i;
    return nullptr;
  };
  switch (kind) {
    case ExternKind::Func:
      if (index < m.function_count()) {
        const uint32_t type = m.function_type_index(index);
        if (type < m.types.size()) return CoreExternType::of_func(m.types[type]);
      }
      t.known = false;
      return t;
    case ExternKind::Table:
      if (index < m.imported_tables) return import_type(m, *imported(index));
      if (index - m.imported_tables < m.tables.size())
        t.table = m.tables[index - m.imported_tables];
      return t;
    case ExternKind::Memory:
      if (index < m.imported_memories) return import_type(m, *imported(index));
      if (index - m.imported_memories < m.memories.size())
        t.memory = m.memories[index - m.imported_memories];
      return t;
    case ExternKind::Global:
      if (index < m.imported_globals) return import_type(m, *imported(index));
      if (index - m.imported_globals < m.globals.size())
        t.global = m.globals[index - m.imported_globals].type;
      return t;
    case ExternKind::Tag:
      if (index < m.imported_tags) return import_type(m, *imported(index));
      if (index - m.imported_tags < m.tags.size() &&
          m.tags[index - m.imported_tags] < m.types.size())
        t.func = m.types[m.tags[index - m.imported_tags]];
      else
        t.known = false;
      return t;
  }
  return t;
}

const char* kind_word(ExternKind k) {
  switch (k) {
    case ExternKind::Func: return "func";
    case ExternKind::Table: return "table";
    case ExternKind::Memory: return "memory";
    case ExternKind::Global: return "global";
    case ExternKind::Tag: return "tag";
  }
  return "?";
}

// wasmparser prints core value types with Rust's Debug: I32, FuncRef, ...
const char* debug_name(flint::ValType t) {
  switch (t) {
    case flint::ValType::I32: return "I32";
    case flint::ValType::I64: return "I64";
    case flint::ValType::F32: return "F32";
    case flint::ValType::F64: return "F64";
    case flint::ValType::V128: return "V128";
    case flint::ValType::FuncRef: return "FuncRef";
    case flint::ValType::ExternRef: return "ExternRef";
    case flint::ValType::ExnRef: return "ExnRef";
  }
  return "?";
}

// Limits `a` lie within `b` (core spec, "Limits" import subtyping).
bool limits_within(const Limits& a, const Limits& b) {
  if (a.min < b.min) return false;
  if (!b.max) return true;
  return a.max && *a.max <= *b.max;
}

// A core function type as the text format writes it: "(func (param i32)
// (result i64))", the form wasmparser's messages use.
std::string wat_func(const flint::FuncType& f) {
  std::string out = "(func";
  auto list = [&](const char* what, const std::vector<flint::ValType>& types) {
    if (types.empty()) return;
    out += fmt::format(" ({}", what);
    for (flint::ValType t : types) out += fmt::format(" {}", to_string(t));
    out += ")";
  };
  list("param", f.params);
  list("result", f.results);
  return out + ")";
}

}  // namespace

std::string debug_list(const std::vector<flint::ValType>& types) {
  std::string out = "[";
  for (size_t i = 0; i < types.size(); ++i) {
    if (i) out += ", ";
    out += debug_name(types[i]);
  }
  return out + "]";
}

CoreModuleSig module_sig(const Module& m) {
  CoreModuleSig sig;
  for (const Import& i : m.imports) sig.imports.push_back({i.module, i.name, import_type(m, i)});
  for (const Export& e : m.exports) sig.exports.push_back({e.name, item_type(m, e.kind, e.index)});
  return sig;
}

Status core_extern_matches(const CoreExternType& actual, const CoreExternType& expected,
                           size_t offset) {
  // A validation error: the component validator checks core instantiations
  // statically, as wasmparser does, before anything is linked.
  auto mismatch = [&](std::string detail) {
    return error_at(ErrorCode::ComponentTypeMismatch, offset, std::move(detail));
  };
  if (actual.kind != expected.kind)
    return mismatch(
        fmt::format("expected {}, found {}", kind_word(expected.kind), kind_word(actual.kind)));
  switch (actual.kind) {
    case ExternKind::Func:
      if (actual.known && expected.known && !(actual.func == expected.func))
        return mismatch(fmt::format("type mismatch: expected: {}, found: {}",
                                    wat_func(expected.func), wat_func(actual.func)));
      return {};
    case ExternKind::Table:
      if (actual.table.element != expected.table.element)
        return mismatch(fmt::format("expected table element type {}, found {}",
                                    to_string(expected.table.element),
                                    to_string(actual.table.element)));
      if (!limits_within(actual.table.limits, expected.table.limits))
        return mismatch("mismatch in table limits");
      return {};
    case ExternKind::Memory:
      if (actual.memory.shared != expected.memory.shared)
        return mismatch("mismatch in the shared flag for memories");
      if (!limits_within(actual.memory.limits, expected.memory.limits))
        return mismatch("mismatch in memory limits");
      return {};
    case ExternKind::Global:
      if (actual.global.is_mutable != expected.global.is_mutable)
        return mismatch("global types differ in mutability");
      if (actual.global.type != expected.global.type)
        return mismatch(fmt::format("expected global type {}, found {}",
                                    to_string(expected.global.type),
                                    to_string(actual.global.type)));
      return {};
    case ExternKind::Tag:
      if (actual.known && expected.known && !(actual.func == expected.func))
        return mismatch(fmt::format("tag type mismatch: expected: {}, found: {}",
                                    wat_func(expected.func), wat_func(actual.func)));
      return {};
  }
  return {};
}

}  // namespace flint::component
