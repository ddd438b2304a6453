// Phase 1 of a text module: learn every field's identifier before any field is
// encoded, since uses may precede definitions (spec 6.6.1, identifier
// contexts). Explicit types are parsed here in full: type uses anywhere in
// the module need them.

#include "text/module_parser.h"

namespace flint::text {

Status ModuleParser::scan_fields() {
  while (cur_.at(TokenKind::LParen)) FLINT_TRY(scan_field());
  fields_end_ = cur_.pos();
  return {};
}

Status ModuleParser::scan_field() {
  size_t start = cur_.pos();
  cur_.next();  // '('
  const Token& kw = cur_.peek();
  if (kw.kind != TokenKind::Keyword) return cur_.unexpected();
  std::string_view k = kw.text;
  if (k == "type") return scan_type_field();  // consumes the whole field
  if (k == "import") {
    FLINT_TRY(scan_import_field());
  } else if (k == "func") {
    FLINT_TRY(scan_definition(Space::Func, ExternKind::Func));
  } else if (k == "table") {
    FLINT_TRY(scan_definition(Space::Table, ExternKind::Table));
  } else if (k == "memory") {
    FLINT_TRY(scan_definition(Space::Memory, ExternKind::Memory));
  } else if (k == "global") {
    FLINT_TRY(scan_definition(Space::Global, ExternKind::Global));
  } else if (k == "tag") {
    FLINT_TRY(scan_definition(Space::Tag, ExternKind::Tag));
  } else if (k == "elem" || k == "data") {
    cur_.next();
    const Token& at = cur_.peek();
    FLINT_TRY(define(k == "elem" ? Space::Elem : Space::Data, cur_.take_id(), at));
  } else if (k != "export" && k != "start") {
    return cur_.unexpected();
  }
  cur_.seek(start);
  return cur_.skip_form();
}

Status ModuleParser::scan_type_field() {
  cur_.next();  // 'type'
  const Token& at = cur_.peek();
  FLINT_TRY(define(Space::Type, cur_.take_id(), at));
  FLINT_TRY(cur_.expect_form("func"));
  FLINT_ASSIGN(FuncType type, parse_func_type_body(nullptr, true));
  FLINT_TRY(cur_.expect(TokenKind::RParen));
  FLINT_TRY(cur_.expect(TokenKind::RParen));
  types_.push_back(std::move(type));
  explicit_types_ = static_cast<uint32_t>(types_.size());
  return {};
}

// (import "module" "name" (func|table|memory|global $id? ...))
Status ModuleParser::scan_import_field() {
  const Token& at = cur_.next();  // 'import'
  FLINT_TRY(cur_.expect(TokenKind::String));
  FLINT_TRY(cur_.expect(TokenKind::String));
  FLINT_TRY(cur_.expect(TokenKind::LParen));
  const Token& kind = cur_.next();
  Space s;
  if (kind.text == "func")
    s = Space::Func;
  else if (kind.text == "table")
    s = Space::Table;
  else if (kind.text == "memory")
    s = Space::Memory;
  else if (kind.text == "global")
    s = Space::Global;
  else if (kind.text == "tag")
    s = Space::Tag;
  else
    return Cursor::unexpected_at(kind);
  FLINT_TRY(note_import(at));
  const Token& id_at = cur_.peek();
  return define(s, cur_.take_id(), id_at);
}

// (func|table|memory|global $id? (export "n")* (import "m" "n")? ...). A table
// with an inline `(elem ...)` also defines an elem segment, a memory with an
// inline `(data ...)` a data segment, right after it (spec 6.6.7, 6.6.8).
Status ModuleParser::scan_definition(Space s, ExternKind kind) {
  cur_.next();  // keyword
  const Token& id_at = cur_.peek();
  std::optional<std::string> id = cur_.take_id();
  while (cur_.at_form("export")) FLINT_TRY(cur_.skip_form());
  if (cur_.at_form("import")) {
    FLINT_TRY(note_import(cur_.peek(1)));
    return define(s, id, id_at);
  }
  if (!first_definition_) first_definition_ = kind;
  FLINT_TRY(define(s, id, id_at));
  if (s == Space::Table && cur_.at(TokenKind::Keyword) && cur_.at(TokenKind::LParen, 1) &&
      cur_.at_keyword("elem", 2)) {
    return define(Space::Elem, std::nullopt, id_at);
  }
  if (s == Space::Memory && cur_.at_form("data")) return define(Space::Data, std::nullopt, id_at);
  return {};
}

// spec 6.6.13: all imports come before any function, table, memory or global
// definition.
Status ModuleParser::note_import(const Token& at) {
  if (!first_definition_) return {};
  switch (*first_definition_) {
    case ExternKind::Func: return error_at_token(ErrorCode::ImportAfterDefinition, at);
    case ExternKind::Table: return error_at_token(ErrorCode::ImportAfterTable, at);
    case ExternKind::Memory: return error_at_token(ErrorCode::ImportAfterMemory, at);
    case ExternKind::Global: return error_at_token(ErrorCode::ImportAfterGlobal, at);
    // The spec's text format has no "import after tag" rule of its own words.
    case ExternKind::Tag: return error_at_token(ErrorCode::ImportAfterDefinition, at);
  }
  return {};
}

Status ModuleParser::define(Space s, const std::optional<std::string>& id, const Token& at) {
  IndexSpace& sp = space(s);
  if (id) {
    if (sp.names.contains(*id)) {
      static constexpr ErrorCode kDuplicate[] = {
          ErrorCode::DuplicateType,   ErrorCode::DuplicateFunc,   ErrorCode::DuplicateTable,
          ErrorCode::DuplicateMemory, ErrorCode::DuplicateGlobal, ErrorCode::DuplicateElem,
          ErrorCode::DuplicateData,   ErrorCode::DuplicateTag};
      return error_at_token(kDuplicate[static_cast<size_t>(s)], at, "$" + *id);
    }
    sp.names.emplace(*id, sp.count);
  }
  sp.by_index.push_back(id.value_or(std::string()));
  ++sp.count;
  return {};
}

// (param $id? t*)* (result t*)* -- the inside of `(func ...)` in a type
// definition and of a type use. Named params declare one type each.
Result<FuncType> ModuleParser::parse_func_type_body(std::vector<std::string>* param_names,
                                                    bool allow_names) {
  FuncType type;
  while (cur_.at_form("param")) {
    cur_.next();
    cur_.next();
    if (cur_.at(TokenKind::Id)) {
      if (!allow_names) return cur_.unexpected();
      std::string name = cur_.next().value;
      FLINT_ASSIGN(ValType t, parse_value_type());
      type.params.push_back(t);
      if (param_names) param_names->push_back(std::move(name));
    } else {
      while (!cur_.at(TokenKind::RParen)) {
        FLINT_ASSIGN(ValType t, parse_value_type());
        type.params.push_back(t);
        if (param_names) param_names->emplace_back();
      }
    }
    FLINT_TRY(cur_.expect(TokenKind::RParen));
  }
  while (cur_.at_form("result")) {
    cur_.next();
    cur_.next();
    while (!cur_.at(TokenKind::RParen)) {
      FLINT_ASSIGN(ValType t, parse_value_type());
      type.results.push_back(t);
    }
    FLINT_TRY(cur_.expect(TokenKind::RParen));
  }
  // Parameters after results are out of order, whatever follows.
  if (cur_.at_form("param")) return cur_.unexpected();
  return type;
}

}  // namespace flint::text
