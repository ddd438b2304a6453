// The core type section (id 3) and core type declarations
// (component-model Binary.md, "Type Definitions": core:type,
// core:moduletype): core function types, the GC proposal's types, and
// core module types.
//
// A bare 0x50 opens a core module type here, so a non-final GC `sub` takes a
// 0x00 prefix (`0x00 0x50 ...`) in a type section; inside a module type's
// declarations there are no nested module types and 0x50 is `sub` again.
#include <fmt/format.h>

#include "binary/types.h"
#include "component/component.h"
#include "component/sections.h"

namespace flint::component {

namespace {

// Abstract heap types of the GC and exception-handling proposals.
bool is_abstract_heap_type(uint8_t b) { return (b >= 0x69 && b <= 0x74); }

// heaptype: an abstract heap type byte or a non-negative s33 type index.
Status read_heap_type(Reader& r) {
  const size_t at = r.offset();
  Reader probe = r;
  FLINT_ASSIGN(uint8_t b, probe.u8());
  if (is_abstract_heap_type(b)) {
    r = probe;
    return {};
  }
  FLINT_ASSIGN(int64_t index, r.s33());
  if (index < 0) return leading_byte_error(b, at, "heap type");
  return {};
}

// valtype (core, with GC reference types), or a packed storage type when
// `storage`. Returns the Flint value type when it has one.
Result<std::optional<flint::ValType>> read_core_val_type(Reader& r, bool storage) {
  const size_t at = r.offset();
  FLINT_ASSIGN(uint8_t b, r.u8());
  switch (b) {
    case 0x7f: return std::optional<flint::ValType>(flint::ValType::I32);
    case 0x7e: return std::optional<flint::ValType>(flint::ValType::I64);
    case 0x7d: return std::optional<flint::ValType>(flint::ValType::F32);
    case 0x7c: return std::optional<flint::ValType>(flint::ValType::F64);
    case 0x7b: return std::optional<flint::ValType>(flint::ValType::V128);
    case 0x70: return std::optional<flint::ValType>(flint::ValType::FuncRef);
    case 0x6f: return std::optional<flint::ValType>(flint::ValType::ExternRef);
    case 0x63:
    case 0x64: FLINT_TRY(read_heap_type(r)); return std::optional<flint::ValType>();
    case 0x78:
    case 0x77:
      if (storage) return std::optional<flint::ValType>();
      break;
    default:
      if (is_abstract_heap_type(b)) return std::optional<flint::ValType>();
  }
  return leading_byte_error(b, at, "value type");
}

// Result types of a function: Flint types when all have one.
Result<bool> read_core_result_type(Reader& r, std::vector<flint::ValType>& out) {
  bool plain = true;
  FLINT_TRY(binary::read_vector(r, [&](uint32_t) -> Status {
    FLINT_ASSIGN(auto t, read_core_val_type(r, false));
    if (t)
      out.push_back(*t);
    else
      plain = false;
    return {};
  }));
  return plain;
}

Status read_field_type(Reader& r) {
  FLINT_TRY(read_core_val_type(r, true));
  FLINT_TRY(read_flag(r));  // mutability
  return {};
}

// comptype: func, struct or array, after its leading byte.
Status read_comp_type(Reader& r, uint8_t b, size_t at, CoreDefType& t) {
  switch (b) {
    case 0x60: {
      flint::FuncType f;
      FLINT_ASSIGN(bool plain_params, read_core_result_type(r, f.params));
      FLINT_ASSIGN(bool plain_results, read_core_result_type(r, f.results));
      if (plain_params && plain_results) t.func = std::move(f);
      if (t.kind != CoreDefType::Kind::Sub && t.kind != CoreDefType::Kind::Rec)
        t.kind = CoreDefType::Kind::Func;
      return {};
    }
    case 0x5f:
      if (t.kind == CoreDefType::Kind::Func) t.kind = CoreDefType::Kind::Struct;
      return binary::read_vector(r, [&](uint32_t) { return read_field_type(r); });
    case 0x5e:
      if (t.kind == CoreDefType::Kind::Func) t.kind = CoreDefType::Kind::Array;
      return read_field_type(r);
    default: return leading_byte_error(b, at, "type definition");
  }
}

// subtype: `sub` (0x50, or `0x00 0x50` when `prefixed`), `sub final`
// (0x4f) or a bare comptype.
Status read_sub_type(Reader& r, CoreDefType& t, bool prefixed) {
  const size_t at = r.offset();
  FLINT_ASSIGN(uint8_t b, r.u8());
  bool sub = b == 0x4f || (!prefixed && b == 0x50);
  if (prefixed && b == 0x00) {
    const size_t sub_at = r.offset();
    FLINT_ASSIGN(uint8_t p, r.u8());
    if (p != 0x50) return leading_byte_error(p, sub_at, "non-final sub type");
    sub = true;
  }
  if (sub) {
    if (t.kind != CoreDefType::Kind::Rec) t.kind = CoreDefType::Kind::Sub;
    FLINT_TRY(binary::read_vector(r, [&](uint32_t) -> Status {  // supertypes
      FLINT_TRY(r.u32());
      return {};
    }));
    const size_t comp_at = r.offset();
    FLINT_ASSIGN(uint8_t c, r.u8());
    return read_comp_type(r, c, comp_at, t);
  }
  return read_comp_type(r, b, at, t);
}

// rectype: `rec` (0x4e) and its subtypes, or a single subtype.
Result<CoreDefType> read_core_def_type(Reader& r, bool prefixed) {
  CoreDefType t;
  t.offset = r.offset();
  Reader probe = r;
  FLINT_ASSIGN(uint8_t b, probe.u8());
  if (b == 0x4e) {
    r = probe;
    t.kind = CoreDefType::Kind::Rec;
    // Within `rec` there are no module types: 0x50 is `sub`.
    FLINT_TRY(binary::read_vector(r, [&](uint32_t) { return read_sub_type(r, t, false); }));
    t.func.reset();
  } else {
    FLINT_TRY(read_sub_type(r, t, prefixed));
  }
  t.size = r.offset() - t.offset;
  return t;
}

// core:importdesc: func, table, memory, global (or tag, kept as a func
// type index).
Status read_core_import_desc(Reader& r, Import& imp) {
  const size_t at = r.offset();
  FLINT_ASSIGN(uint8_t kind, r.u8());
  switch (kind) {
    case uint8_t(ExternKind::Func): {
      FLINT_ASSIGN(imp.func_type, r.u32());
      break;
    }
    case uint8_t(ExternKind::Table): {
      FLINT_ASSIGN(imp.table, binary::read_table_type(r));
      break;
    }
    case uint8_t(ExternKind::Memory): {
      FLINT_ASSIGN(imp.memory, binary::read_memory_type(r));
      break;
    }
    case uint8_t(ExternKind::Global): {
      FLINT_ASSIGN(imp.global, binary::read_global_type(r));
      break;
    }
    default: return leading_byte_error(kind, at, "external kind");
  }
  imp.kind = static_cast<ExternKind>(kind);
  return {};
}

Result<CoreModuleDecl> read_module_decl(Reader& r) {
  CoreModuleDecl d;
  d.offset = r.offset();
  FLINT_ASSIGN(uint8_t b, r.u8());
  switch (b) {
    case uint8_t(CoreModuleDecl::Kind::Import): {
      FLINT_ASSIGN(d.item.module, read_string(r));
      FLINT_ASSIGN(d.item.name, read_string(r));
      FLINT_TRY(read_core_import_desc(r, d.item));
      break;
    }
    case uint8_t(CoreModuleDecl::Kind::Type): {
      FLINT_ASSIGN(d.type, read_core_def_type(r, false));
      break;
    }
    case uint8_t(CoreModuleDecl::Kind::Alias): {
      // core:alias: only `outer` aliases of core types so far.
      const size_t sort_at = r.offset();
      FLINT_ASSIGN(uint8_t sort, r.u8());
      if (sort != uint8_t(CoreSort::Type))
        return leading_byte_error(sort, sort_at, "outer alias kind");
      const size_t target_at = r.offset();
      FLINT_ASSIGN(uint8_t target, r.u8());
      if (target != 0x01) return leading_byte_error(target, target_at, "outer alias target");
      FLINT_ASSIGN(d.outer_count, r.u32());
      FLINT_ASSIGN(d.outer_index, r.u32());
      break;
    }
    case uint8_t(CoreModuleDecl::Kind::Export): {
      FLINT_ASSIGN(d.item.name, read_string(r));
      FLINT_TRY(read_core_import_desc(r, d.item));
      break;
    }
    default: return leading_byte_error(b, d.offset, "type definition");
  }
  d.kind = static_cast<CoreModuleDecl::Kind>(b);
  return d;
}

}  // namespace

Result<std::shared_ptr<const CoreTypeDef>> read_core_type_def(Reader& r) {
  auto t = std::make_shared<CoreTypeDef>();
  t->offset = r.offset();
  Reader probe = r;
  FLINT_ASSIGN(uint8_t b, probe.u8());
  if (b == 0x50) {
    r = probe;
    t->is_module = true;
    FLINT_TRY(binary::read_vector(r, [&](uint32_t) -> Status {
      FLINT_ASSIGN(CoreModuleDecl d, read_module_decl(r));
      t->module.decls.push_back(std::move(d));
      return {};
    }));
  } else {
    FLINT_ASSIGN(t->type, read_core_def_type(r, true));
  }
  return std::shared_ptr<const CoreTypeDef>(std::move(t));
}

Status decode_core_type_section(Reader& r, DecodeState& s) {
  return binary::read_vector(r, [&](uint32_t) -> Status {
    FLINT_ASSIGN(auto t, read_core_type_def(r));
    s.component.core_types.push_back({std::move(t), s.land(Space::CoreType).index});
    return {};
  });
}

}  // namespace flint::component
