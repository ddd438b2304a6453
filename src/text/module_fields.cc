// Phase 2 of a text module: each field parsed in full and written to its
// section (spec 6.6.4-6.6.12, with the inline import/export/elem/data
// abbreviations of each field).
#include <fmt/format.h>

#include "text/module_parser.h"

namespace flint::text {

Status ModuleParser::encode_field() {
  size_t start = cur_.pos();
  FLINT_TRY(cur_.expect(TokenKind::LParen));
  std::string_view k = cur_.peek().text;
  if (k == "type") {  // parsed in phase 1
    cur_.seek(start);
    return cur_.skip_form();
  }
  if (k == "import") return encode_import_field();
  if (k == "func") return encode_func_field();
  if (k == "table") return encode_table_field();
  if (k == "memory") return encode_memory_field();
  if (k == "global") return encode_global_field();
  if (k == "export") return encode_export_field();
  if (k == "start") return encode_start_field();
  if (k == "elem") return encode_elem_field();
  if (k == "data") return encode_data_field();
  return cur_.unexpected();
}

Status ModuleParser::parse_inline_exports(ExternKind kind, uint32_t index) {
  while (cur_.at_form("export")) {
    cur_.next();
    cur_.next();
    FLINT_ASSIGN(std::string name, cur_.expect_name());
    FLINT_TRY(cur_.expect(TokenKind::RParen));
    exports_.name(name);
    exports_.u8(static_cast<uint8_t>(kind));
    exports_.u32(index);
    ++export_count_;
  }
  return {};
}

Status ModuleParser::parse_inline_import(std::string* module, std::string* name) {
  FLINT_TRY(cur_.expect_form("import"));
  FLINT_ASSIGN(*module, cur_.expect_name());
  FLINT_ASSIGN(*name, cur_.expect_name());
  return cur_.expect(TokenKind::RParen);
}

Status ModuleParser::write_import_header(const std::string& module, const std::string& name,
                                         ExternKind kind) {
  imports_.name(module);
  imports_.name(name);
  imports_.u8(static_cast<uint8_t>(kind));
  ++import_count_;
  return {};
}

// (import "m" "n" (func|table|memory|global $id? desc))
Status ModuleParser::encode_import_field() {
  cur_.next();  // 'import'
  FLINT_ASSIGN(std::string module, cur_.expect_name());
  FLINT_ASSIGN(std::string name, cur_.expect_name());
  FLINT_TRY(cur_.expect(TokenKind::LParen));
  const Token& kind = cur_.next();
  cur_.take_id();
  if (kind.text == "func") {
    take_index(Space::Func);
    FLINT_ASSIGN(TypeUse use, parse_type_use(true));
    FLINT_ASSIGN(uint32_t type, resolve_type_use(use));
    FLINT_TRY(write_import_header(module, name, ExternKind::Func));
    imports_.u32(type);
  } else if (kind.text == "table") {
    take_index(Space::Table);
    ByteWriter limits;
    FLINT_TRY(parse_limits(limits));
    FLINT_ASSIGN(ValType type, parse_ref_type());
    FLINT_TRY(write_import_header(module, name, ExternKind::Table));
    imports_.u8(static_cast<uint8_t>(type));
    imports_.raw(limits.bytes());
  } else if (kind.text == "memory") {
    take_index(Space::Memory);
    FLINT_TRY(write_import_header(module, name, ExternKind::Memory));
    FLINT_TRY(parse_limits(imports_));
  } else if (kind.text == "global") {
    take_index(Space::Global);
    FLINT_TRY(write_import_header(module, name, ExternKind::Global));
    FLINT_TRY(parse_global_type(imports_));
  } else {
    return Cursor::unexpected_at(kind);
  }
  FLINT_TRY(cur_.expect(TokenKind::RParen));
  return cur_.expect(TokenKind::RParen);
}

// (func $id? (export)* (import)? typeuse (local)* instr*)
Status ModuleParser::encode_func_field() {
  cur_.next();  // 'func'
  cur_.take_id();
  uint32_t index = take_index(Space::Func);
  FLINT_TRY(parse_inline_exports(ExternKind::Func, index));
  if (cur_.at_form("import")) {
    std::string module, name;
    FLINT_TRY(parse_inline_import(&module, &name));
    FLINT_ASSIGN(TypeUse use, parse_type_use(true));
    FLINT_ASSIGN(uint32_t type, resolve_type_use(use));
    FLINT_TRY(write_import_header(module, name, ExternKind::Func));
    imports_.u32(type);
    return cur_.expect(TokenKind::RParen);
  }
  FLINT_ASSIGN(TypeUse use, parse_type_use(true));
  FLINT_ASSIGN(uint32_t type, resolve_type_use(use));
  functions_.u32(type);
  ++func_count_;
  return parse_function_body(index, use, type);
}

// Locals (spec 6.6.5) and the body; the code entry groups equal local types.
Status ModuleParser::parse_function_body(uint32_t func_index, const TypeUse& use,
                                         uint32_t type_index) {
  FunctionScope scope;
  auto declare_local = [&](const std::string& name, const Token& at) -> Status {
    if (!name.empty()) {
      if (scope.local_names.contains(name)) {
        return error_at_token(ErrorCode::DuplicateLocal, at, "$" + name);
      }
      scope.local_names.emplace(name, scope.local_count);
      scope.named_locals.emplace_back(scope.local_count, name);
    }
    ++scope.local_count;
    return {};
  };
  const Token& header = cur_.peek();
  if (use.has_inline || !use.index) {
    for (const std::string& name : use.param_names) FLINT_TRY(declare_local(name, header));
  } else if (const FuncType* t = type_at(type_index)) {
    scope.local_count = static_cast<uint32_t>(t->params.size());
  }
  std::vector<ValType> locals;
  while (cur_.at_form("local")) {
    cur_.next();
    cur_.next();
    if (cur_.at(TokenKind::Id)) {
      const Token& at = cur_.peek();
      std::string name = cur_.next().value;
      FLINT_ASSIGN(ValType t, parse_value_type());
      FLINT_TRY(declare_local(name, at));
      locals.push_back(t);
    } else {
      while (!cur_.at(TokenKind::RParen)) {
        FLINT_ASSIGN(ValType t, parse_value_type());
        FLINT_TRY(declare_local(std::string(), header));
        locals.push_back(t);
      }
    }
    FLINT_TRY(cur_.expect(TokenKind::RParen));
  }
  ByteWriter body;
  std::vector<std::pair<uint32_t, ValType>> groups;
  for (ValType t : locals) {
    if (!groups.empty() && groups.back().second == t)
      ++groups.back().first;
    else
      groups.emplace_back(1, t);
  }
  body.u32(groups.size());
  for (auto [count, t] : groups) {
    body.u32(count);
    body.u8(static_cast<uint8_t>(t));
  }
  FLINT_TRY(parse_instrs(scope, body));
  FLINT_TRY(cur_.expect(TokenKind::RParen));
  body.u8(0x0B);
  code_.sized(body);
  if (!scope.named_locals.empty())
    local_names_.emplace_back(func_index, std::move(scope.named_locals));
  return {};
}

// (table $id? (export)* (import)? limits reftype) or
// (table $id? (export)* reftype (elem ...)): a table sized to the inline
// segment, which is placed at offset 0.
Status ModuleParser::encode_table_field() {
  cur_.next();  // 'table'
  cur_.take_id();
  uint32_t index = take_index(Space::Table);
  FLINT_TRY(parse_inline_exports(ExternKind::Table, index));
  if (cur_.at_form("import")) {
    std::string module, name;
    FLINT_TRY(parse_inline_import(&module, &name));
    ByteWriter limits;
    FLINT_TRY(parse_limits(limits));
    FLINT_ASSIGN(ValType type, parse_ref_type());
    FLINT_TRY(write_import_header(module, name, ExternKind::Table));
    imports_.u8(static_cast<uint8_t>(type));
    imports_.raw(limits.bytes());
    return cur_.expect(TokenKind::RParen);
  }
  ++table_count_;
  if (cur_.at(TokenKind::Keyword)) {
    FLINT_ASSIGN(ValType type, parse_ref_type());
    FLINT_TRY(cur_.expect_form("elem"));
    take_index(Space::Elem);
    ByteWriter items;
    uint32_t count = 0;
    bool as_indices = !cur_.at(TokenKind::LParen);
    if (as_indices) {
      while (cur_.at_index()) {
        FLINT_ASSIGN(uint32_t f, parse_index(Space::Func));
        items.u32(f);
        ++count;
      }
    } else {
      while (cur_.at(TokenKind::LParen)) {
        FLINT_TRY(parse_elem_expr(items));
        ++count;
      }
    }
    FLINT_TRY(cur_.expect(TokenKind::RParen));
    tables_.u8(static_cast<uint8_t>(type));
    tables_.u8(0x01);
    tables_.u32(count);
    tables_.u32(count);
    ByteWriter offset;
    offset.u8(0x41);  // i32.const 0
    offset.u8(0x00);
    offset.u8(0x0B);
    write_elem_segment(ElemMode::Active, index, offset, type, as_indices, count, items);
    return cur_.expect(TokenKind::RParen);
  }
  ByteWriter limits;
  FLINT_TRY(parse_limits(limits));
  FLINT_ASSIGN(ValType type, parse_ref_type());
  tables_.u8(static_cast<uint8_t>(type));
  tables_.raw(limits.bytes());
  return cur_.expect(TokenKind::RParen);
}

// (memory $id? (export)* (import)? limits) or (memory $id? (export)* (data ...)):
// a memory just large enough for the inline segment, placed at offset 0.
Status ModuleParser::encode_memory_field() {
  cur_.next();  // 'memory'
  cur_.take_id();
  uint32_t index = take_index(Space::Memory);
  FLINT_TRY(parse_inline_exports(ExternKind::Memory, index));
  if (cur_.at_form("import")) {
    std::string module, name;
    FLINT_TRY(parse_inline_import(&module, &name));
    FLINT_TRY(write_import_header(module, name, ExternKind::Memory));
    FLINT_TRY(parse_limits(imports_));
    return cur_.expect(TokenKind::RParen);
  }
  ++memory_count_;
  if (cur_.at_form("data")) {
    cur_.next();
    cur_.next();
    take_index(Space::Data);
    std::string bytes;
    while (cur_.at(TokenKind::String)) bytes += cur_.next().value;
    FLINT_TRY(cur_.expect(TokenKind::RParen));
    uint64_t pages = (bytes.size() + kPageSize - 1) / kPageSize;
    memories_.u8(0x01);
    memories_.u32(pages);
    memories_.u32(pages);
    datas_.u32(index == 0 ? 0 : 2);
    if (index != 0) datas_.u32(index);
    datas_.u8(0x41);  // i32.const 0
    datas_.u8(0x00);
    datas_.u8(0x0B);
    datas_.name(bytes);
    ++data_count_;
    return cur_.expect(TokenKind::RParen);
  }
  FLINT_TRY(parse_limits(memories_));
  return cur_.expect(TokenKind::RParen);
}

// (global $id? (export)* (import)? globaltype expr)
Status ModuleParser::encode_global_field() {
  cur_.next();  // 'global'
  cur_.take_id();
  uint32_t index = take_index(Space::Global);
  FLINT_TRY(parse_inline_exports(ExternKind::Global, index));
  if (cur_.at_form("import")) {
    std::string module, name;
    FLINT_TRY(parse_inline_import(&module, &name));
    FLINT_TRY(write_import_header(module, name, ExternKind::Global));
    FLINT_TRY(parse_global_type(imports_));
    return cur_.expect(TokenKind::RParen);
  }
  FLINT_TRY(parse_global_type(globals_));
  FLINT_TRY(parse_const_expr(globals_));
  ++global_count_;
  return cur_.expect(TokenKind::RParen);
}

// (export "name" (func|table|memory|global x))
Status ModuleParser::encode_export_field() {
  cur_.next();  // 'export'
  FLINT_ASSIGN(std::string name, cur_.expect_name());
  FLINT_TRY(cur_.expect(TokenKind::LParen));
  const Token& kind = cur_.next();
  ExternKind k;
  Space s;
  if (kind.text == "func") {
    k = ExternKind::Func;
    s = Space::Func;
  } else if (kind.text == "table") {
    k = ExternKind::Table;
    s = Space::Table;
  } else if (kind.text == "memory") {
    k = ExternKind::Memory;
    s = Space::Memory;
  } else if (kind.text == "global") {
    k = ExternKind::Global;
    s = Space::Global;
  } else
    return Cursor::unexpected_at(kind);
  FLINT_ASSIGN(uint32_t index, parse_index(s));
  FLINT_TRY(cur_.expect(TokenKind::RParen));
  exports_.name(name);
  exports_.u8(static_cast<uint8_t>(k));
  exports_.u32(index);
  ++export_count_;
  return cur_.expect(TokenKind::RParen);
}

// (start x); the binary format allows one start section.
Status ModuleParser::encode_start_field() {
  const Token& at = cur_.next();  // 'start'
  if (start_) return error_at_token(ErrorCode::MultipleStartSections, at);
  FLINT_ASSIGN(uint32_t f, parse_index(Space::Func));
  start_ = f;
  return cur_.expect(TokenKind::RParen);
}

// offset ::= (offset instr*) | foldedinstr (spec 6.6.12 abbreviation)
Status ModuleParser::parse_offset(ByteWriter& out) {
  if (cur_.at_form("offset")) {
    cur_.next();
    cur_.next();
    FLINT_TRY(parse_const_expr(out));
    return cur_.expect(TokenKind::RParen);
  }
  FunctionScope scope;
  FLINT_TRY(parse_folded_instr(scope, out));
  out.u8(0x0B);
  return {};
}

// elemexpr ::= (item instr*) | foldedinstr
Status ModuleParser::parse_elem_expr(ByteWriter& out) {
  if (cur_.at_form("item")) {
    cur_.next();
    cur_.next();
    FLINT_TRY(parse_const_expr(out));
    return cur_.expect(TokenKind::RParen);
  }
  FunctionScope scope;
  FLINT_TRY(parse_folded_instr(scope, out));
  out.u8(0x0B);
  return {};
}

// elemlist ::= reftype elemexpr* | func funcidx*; after an offset the bare
// funcidx* form abbreviates `func funcidx*`.
Status ModuleParser::parse_elem_list(ValType* type, bool* as_indices, uint32_t* count,
                                     ByteWriter& items, bool allow_bare_indices) {
  *count = 0;
  if (cur_.at_keyword("func") || (allow_bare_indices && !cur_.at(TokenKind::Keyword))) {
    if (cur_.at_keyword("func")) cur_.next();
    *type = ValType::FuncRef;
    *as_indices = true;
    while (cur_.at_index()) {
      FLINT_ASSIGN(uint32_t f, parse_index(Space::Func));
      items.u32(f);
      ++*count;
    }
    return {};
  }
  FLINT_ASSIGN(*type, parse_ref_type());
  *as_indices = false;
  while (cur_.at(TokenKind::LParen)) {
    FLINT_TRY(parse_elem_expr(items));
    ++*count;
  }
  return {};
}

namespace {

// The function indices of element expressions that are each exactly
// `ref.func x` (bytes D2 x 0B), or nothing. Such segments are written in the
// shorter index form, as wabt does, which keeps our output byte-comparable.
std::optional<ByteWriter> as_function_indices(const ByteWriter& exprs) {
  const std::vector<uint8_t>& b = exprs.bytes();
  ByteWriter indices;
  size_t i = 0;
  while (i < b.size()) {
    if (b[i] != 0xD2) return std::nullopt;
    ++i;
    while (i < b.size() && (b[i] & 0x80)) indices.u8(b[i++]);
    if (i >= b.size()) return std::nullopt;
    indices.u8(b[i++]);
    if (i >= b.size() || b[i] != 0x0B) return std::nullopt;
    ++i;
  }
  return indices;
}

}  // namespace

// The eight binary encodings of element segments (spec 5.5.12), choosing the
// shortest that expresses the segment.
void ModuleParser::write_elem_segment(ElemMode mode, uint32_t table, const ByteWriter& offset,
                                      ValType type, bool as_indices, uint32_t count,
                                      const ByteWriter& items) {
  if (!as_indices && type == ValType::FuncRef) {
    if (std::optional<ByteWriter> indices = as_function_indices(items)) {
      return write_elem_segment(mode, table, offset, type, true, count, *indices);
    }
  }
  uint32_t flags = as_indices ? 0 : 4;
  bool short_active = table == 0 && type == ValType::FuncRef;
  if (mode == ElemMode::Passive)
    flags |= 1;
  else if (mode == ElemMode::Declarative)
    flags |= 3;
  else if (!short_active)
    flags |= 2;
  elems_.u32(flags);
  if (mode == ElemMode::Active && !short_active) elems_.u32(table);
  if (mode == ElemMode::Active) elems_.raw(offset.bytes());
  if (mode != ElemMode::Active || !short_active) {
    if (as_indices)
      elems_.u8(0x00);  // elemkind funcref
    else
      elems_.u8(static_cast<uint8_t>(type));
  }
  elems_.u32(count);
  elems_.raw(items.bytes());
  ++elem_count_;
}

// (elem $id? declare elemlist) | (elem $id? (table x)? offset elemlist) |
// (elem $id? elemlist)
Status ModuleParser::encode_elem_field() {
  cur_.next();  // 'elem'
  cur_.take_id();
  take_index(Space::Elem);
  ElemMode mode = ElemMode::Passive;
  uint32_t table = 0;
  ByteWriter offset;
  if (cur_.at_keyword("declare")) {
    cur_.next();
    mode = ElemMode::Declarative;
  } else {
    bool has_table = false;
    if (cur_.at_form("table")) {
      cur_.next();
      cur_.next();
      FLINT_ASSIGN(table, parse_index(Space::Table));
      FLINT_TRY(cur_.expect(TokenKind::RParen));
      has_table = true;
    }
    if (cur_.at(TokenKind::LParen)) {
      FLINT_TRY(parse_offset(offset));
      mode = ElemMode::Active;
    } else if (has_table) {
      return cur_.unexpected();
    }
  }
  ValType type;
  bool as_indices;
  uint32_t count;
  ByteWriter items;
  FLINT_TRY(parse_elem_list(&type, &as_indices, &count, items, mode == ElemMode::Active));
  write_elem_segment(mode, table, offset, type, as_indices, count, items);
  return cur_.expect(TokenKind::RParen);
}

// (data $id? (memory x)? offset string*) | (data $id? string*)
Status ModuleParser::encode_data_field() {
  cur_.next();  // 'data'
  cur_.take_id();
  take_index(Space::Data);
  uint32_t memory = 0;
  bool active = false;
  ByteWriter offset;
  bool has_memory = false;
  if (cur_.at_form("memory")) {
    cur_.next();
    cur_.next();
    FLINT_ASSIGN(memory, parse_index(Space::Memory));
    FLINT_TRY(cur_.expect(TokenKind::RParen));
    has_memory = true;
  }
  if (cur_.at(TokenKind::LParen)) {
    FLINT_TRY(parse_offset(offset));
    active = true;
  } else if (has_memory) {
    return cur_.unexpected();
  }
  std::string bytes;
  while (cur_.at(TokenKind::String)) bytes += cur_.next().value;
  FLINT_TRY(cur_.expect(TokenKind::RParen));
  if (!active) {
    datas_.u32(1);
  } else if (memory == 0) {
    datas_.u32(0);
    datas_.raw(offset.bytes());
  } else {
    datas_.u32(2);
    datas_.u32(memory);
    datas_.raw(offset.bytes());
  }
  datas_.name(bytes);
  ++data_count_;
  return {};
}

}  // namespace flint::text
