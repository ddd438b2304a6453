// Element and data segments of a text module (spec 6.6.11, 6.6.12) with
// their offset and item abbreviations, and the binary segment encodings
// (spec 5.5.12, 5.5.14).
#include <optional>

#include "text/module_parser.h"

namespace flint::text {

// A constant expression written as `(KEYWORD instr*)` or, abbreviated, as a
// single folded instruction: segment offsets use `offset` (spec 6.6.12),
// element expressions `item` (spec 6.6.11).
Status ModuleParser::parse_keyword_expr(std::string_view keyword, ByteWriter& out) {
  if (cur_.at_form(keyword)) {
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
    FLINT_TRY(parse_keyword_expr("item", items));
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
      FLINT_TRY(parse_keyword_expr("offset", offset));
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
    FLINT_TRY(parse_keyword_expr("offset", offset));
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
