// The sections that declare a module's entities (spec 5.5.4-5.5.11): types,
// imports, functions, tables, memories, globals, exports and the start function.
#include <fmt/format.h>

#include "binary/sections.h"
#include "binary/types.h"

namespace flint::binary {

Status decode_type_section(Reader& r, DecodeState& s) {
  return read_vector(r, [&](uint32_t) -> Status {
    FLINT_ASSIGN(FuncType t, read_function_type(r));
    s.module.types.push_back(std::move(t));
    return {};
  });
}

Status decode_import_section(Reader& r, DecodeState& s) {
  Module& m = s.module;
  return read_vector(r, [&](uint32_t) -> Status {
    Import imp;
    FLINT_ASSIGN(imp.module, r.name());
    FLINT_ASSIGN(imp.name, r.name());
    const size_t at = r.offset();
    FLINT_ASSIGN(uint8_t kind, r.u8());
    switch (kind) {
      case uint8_t(ExternKind::Func): {
        FLINT_ASSIGN(imp.func_type, r.u32());
        ++m.imported_functions;
        break;
      }
      case uint8_t(ExternKind::Table): {
        FLINT_ASSIGN(imp.table, read_table_type(r));
        ++m.imported_tables;
        break;
      }
      case uint8_t(ExternKind::Memory): {
        FLINT_ASSIGN(imp.memory, read_memory_type(r));
        ++m.imported_memories;
        break;
      }
      case uint8_t(ExternKind::Global): {
        FLINT_ASSIGN(imp.global, read_global_type(r));
        ++m.imported_globals;
        break;
      }
      case uint8_t(ExternKind::Tag): {
        FLINT_ASSIGN(imp.tag_type, read_tag_type(r));
        ++m.imported_tags;
        break;
      }
      default: return error_at(ErrorCode::MalformedImportKind, at, fmt::format("0x{:02x}", kind));
    }
    imp.kind = static_cast<ExternKind>(kind);
    m.imports.push_back(std::move(imp));
    return {};
  });
}

Status decode_function_section(Reader& r, DecodeState& s) {
  return read_vector(r, [&](uint32_t) -> Status {
    FLINT_ASSIGN(uint32_t type_index, r.u32());
    s.function_types.push_back(type_index);
    return {};
  });
}

Status decode_table_section(Reader& r, DecodeState& s) {
  return read_vector(r, [&](uint32_t) -> Status {
    FLINT_ASSIGN(TableType t, read_table_type(r));
    s.module.tables.push_back(t);
    return {};
  });
}

Status decode_memory_section(Reader& r, DecodeState& s) {
  return read_vector(r, [&](uint32_t) -> Status {
    FLINT_ASSIGN(MemoryType t, read_memory_type(r));
    s.module.memories.push_back(t);
    return {};
  });
}

// The tag section (id 13, exception handling): a vector of tag types.
Status decode_tag_section(Reader& r, DecodeState& s) {
  return read_vector(r, [&](uint32_t) -> Status {
    FLINT_ASSIGN(uint32_t type_index, read_tag_type(r));
    s.module.tags.push_back(type_index);
    return {};
  });
}

Status decode_global_section(Reader& r, DecodeState& s) {
  return read_vector(r, [&](uint32_t) -> Status {
    Global g;
    FLINT_ASSIGN(g.type, read_global_type(r));
    FLINT_ASSIGN(g.init, decode_const_expr(r));
    s.module.globals.push_back(std::move(g));
    return {};
  });
}

Status decode_export_section(Reader& r, DecodeState& s) {
  return read_vector(r, [&](uint32_t) -> Status {
    Export e;
    FLINT_ASSIGN(e.name, r.name());
    const size_t at = r.offset();
    FLINT_ASSIGN(uint8_t kind, r.u8());
    if (kind > uint8_t(ExternKind::Tag))
      return error_at(ErrorCode::MalformedExportKind, at, fmt::format("0x{:02x}", kind));
    e.kind = static_cast<ExternKind>(kind);
    FLINT_ASSIGN(e.index, r.u32());
    s.module.exports.push_back(std::move(e));
    return {};
  });
}

Status decode_start_section(Reader& r, DecodeState& s) {
  FLINT_ASSIGN(uint32_t func, r.u32());
  s.module.start = func;
  return {};
}

}  // namespace flint::binary
