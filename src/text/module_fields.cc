// Phase 2 of a text module: each field parsed in full and written to its
// section (spec 6.6.4-6.6.10, with the inline import/export/elem/data
// abbreviations of each field); segments are in module_segments.cc.
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
  if (k == "tag") return encode_tag_field();
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
    FLINT_TRY(parse_memory_type(imports_));
  } else if (kind.text == "global") {
    take_index(Space::Global);
    FLINT_TRY(write_import_header(module, name, ExternKind::Global));
    FLINT_TRY(parse_global_type(imports_));
  } else if (kind.text == "tag") {
    take_index(Space::Tag);
    FLINT_TRY(write_import_header(module, name, ExternKind::Tag));
    FLINT_TRY(parse_tag_type(imports_));
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
        FLINT_TRY(parse_keyword_expr("item", items));
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
    FLINT_TRY(parse_memory_type(imports_));
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
  FLINT_TRY(parse_memory_type(memories_));
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

// (tag $id? (export)* (import)? typeuse): exception handling, wasm 3.0.
Status ModuleParser::encode_tag_field() {
  cur_.next();  // 'tag'
  cur_.take_id();
  uint32_t index = take_index(Space::Tag);
  FLINT_TRY(parse_inline_exports(ExternKind::Tag, index));
  if (cur_.at_form("import")) {
    std::string module, name;
    FLINT_TRY(parse_inline_import(&module, &name));
    FLINT_TRY(write_import_header(module, name, ExternKind::Tag));
    FLINT_TRY(parse_tag_type(imports_));
    return cur_.expect(TokenKind::RParen);
  }
  FLINT_TRY(parse_tag_type(tags_));
  ++tag_count_;
  return cur_.expect(TokenKind::RParen);
}

// tagtype: attribute 0 (exception) and the type index of a type use.
Status ModuleParser::parse_tag_type(ByteWriter& out) {
  FLINT_ASSIGN(TypeUse use, parse_type_use(false));
  FLINT_ASSIGN(uint32_t type, resolve_type_use(use));
  out.u8(0);
  out.u32(type);
  return {};
}

// (export "name" (func|table|memory|global|tag x))
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
  } else if (kind.text == "tag") {
    k = ExternKind::Tag;
    s = Space::Tag;
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

}  // namespace flint::text
