// Instructions of the text format (spec 6.5), plain and folded, encoded as
// they are read. Folded instructions `(op imm* operand*)` write their
// operands first (spec 6.5.5); a folded `if` writes its condition before the
// `if` opcode. Labels (spec 6.5.1) resolve on the spot: the label stack is
// part of the text, not of the module.

#include <bit>

#include "module/module.h"
#include "text/literals.h"
#include "text/module_parser.h"

namespace flint::text {

namespace {

// Deeper nesting of folded instructions than real modules use; it bounds the
// parser's recursion so hostile input cannot overflow the stack.
constexpr uint32_t kMaxNesting = 1000;

struct NestingGuard {
  uint32_t& depth;
  ~NestingGuard() { --depth; }
};

Status literal_error(LiteralStatus status, const Token& t) {
  if (status == LiteralStatus::OutOfRange) {
    return error_at_token(ErrorCode::ConstantOutOfRange, t, std::string(t.text));
  }
  return Cursor::unexpected_at(t);
}

bool is_block_op(Opcode op) {
  return op == Opcode::Block || op == Opcode::Loop || op == Opcode::If || op == Opcode::TryTable;
}

}  // namespace

Status ModuleParser::enter_nesting() {
  if (depth_ >= kMaxNesting) return cur_.error(ErrorCode::NestingTooDeep);
  ++depth_;
  return {};
}

void ModuleParser::write_opcode(const OpcodeInfo& op, ByteWriter& out) {
  if (op.prefix == 0) {
    out.u8(static_cast<uint8_t>(op.code));
  } else {
    out.u8(op.prefix);
    out.u32(op.code);
  }
}

// Plain structured instructions (`block ... end`) are kept on an explicit
// stack rather than parsed recursively: machine-generated code nests blocks
// thousands deep (one per case of a large switch), and that must not cost
// native stack. Folded forms recurse and are bounded by kMaxNesting.
Status ModuleParser::parse_instrs(FunctionScope& scope, ByteWriter& out) {
  struct OpenBlock {
    bool is_if;
    bool seen_else;
  };
  std::vector<OpenBlock> open;
  while (true) {
    if (cur_.at(TokenKind::LParen)) {
      FLINT_TRY(parse_folded_instr(scope, out));
    } else if (cur_.at_keyword("end")) {
      if (open.empty()) return {};
      FLINT_TRY(parse_block_end(scope, "end"));
      scope.labels.pop_back();
      open.pop_back();
      out.u8(0x0B);
    } else if (cur_.at_keyword("else")) {
      if (open.empty()) return {};
      if (!open.back().is_if || open.back().seen_else) return cur_.unexpected();
      FLINT_TRY(parse_block_end(scope, "else"));
      open.back().seen_else = true;
      out.u8(0x05);
    } else if (cur_.at(TokenKind::Keyword)) {
      const OpcodeInfo* op = opcode_by_text(cur_.peek().text);
      if (op != nullptr && op->op == Opcode::TryTable) {
        cur_.next();
        FLINT_TRY(parse_try_table(scope, out));
        open.push_back({false, false});
      } else if (op != nullptr && is_block_op(op->op)) {
        cur_.next();
        write_opcode(*op, out);
        FLINT_TRY(parse_block_label(scope));
        FLINT_TRY(parse_block_type(out));
        open.push_back({op->op == Opcode::If, false});
      } else {
        FLINT_TRY(parse_plain_instr(scope, out));
      }
    } else if (cur_.at(TokenKind::Reserved) || !open.empty()) {
      return cur_.unexpected();  // a reserved word, or a block without `end`
    } else {
      return {};
    }
  }
}

Status ModuleParser::parse_const_expr(ByteWriter& out) {
  FunctionScope scope;
  FLINT_TRY(parse_instrs(scope, out));
  out.u8(0x0B);
  return {};
}

Status ModuleParser::parse_block_label(FunctionScope& scope) {
  scope.labels.push_back(cur_.take_id().value_or(std::string()));
  return {};
}

// `end $l?` / `else $l?`: a repeated label must name the enclosing block.
Status ModuleParser::parse_block_end(FunctionScope& scope, std::string_view keyword) {
  FLINT_TRY(cur_.expect_keyword(keyword));
  if (cur_.at(TokenKind::Id)) {
    const Token& t = cur_.next();
    if (scope.labels.empty() || t.value != scope.labels.back() || t.value.empty()) {
      return error_at_token(ErrorCode::MismatchingLabel, t, "$" + t.value);
    }
  }
  return {};
}

// blocktype (spec 6.5.2): empty, one result, or a type use.
Status ModuleParser::parse_block_type(ByteWriter& out) {
  FLINT_ASSIGN(TypeUse use, parse_type_use(false));
  if (!use.index && use.inline_type.params.empty() && use.inline_type.results.size() <= 1) {
    if (use.inline_type.results.empty())
      out.u8(0x40);
    else
      out.u8(static_cast<uint8_t>(use.inline_type.results[0]));
    return {};
  }
  FLINT_ASSIGN(uint32_t index, resolve_type_use(use));
  // A type index naming [] -> [t?] is written in the short form, like wabt.
  const FuncType* t = type_at(index);
  if (t != nullptr && t->params.empty() && t->results.size() <= 1) {
    if (t->results.empty())
      out.u8(0x40);
    else
      out.u8(static_cast<uint8_t>(t->results[0]));
    return {};
  }
  out.s64(index);
  return {};
}

// A plain instruction other than block, loop and if (see parse_instrs).
Status ModuleParser::parse_plain_instr(FunctionScope& scope, ByteWriter& out) {
  const Token& t = cur_.next();
  const OpcodeInfo* op = opcode_by_text(t.text);
  if (op == nullptr || op->op == Opcode::End || op->op == Opcode::Else || is_block_op(op->op)) {
    return Cursor::unexpected_at(t);
  }
  return parse_immediates(*op, scope, out);
}

Status ModuleParser::parse_folded_instr(FunctionScope& scope, ByteWriter& out) {
  FLINT_TRY(enter_nesting());
  NestingGuard guard{depth_};
  FLINT_TRY(cur_.expect(TokenKind::LParen));
  const Token& t = cur_.next();
  const OpcodeInfo* op = t.kind == TokenKind::Keyword ? opcode_by_text(t.text) : nullptr;
  if (op == nullptr || op->op == Opcode::End || op->op == Opcode::Else) {
    return Cursor::unexpected_at(t);
  }
  if (op->op == Opcode::Block || op->op == Opcode::Loop || op->op == Opcode::TryTable) {
    if (op->op == Opcode::TryTable) {
      FLINT_TRY(parse_try_table(scope, out));
    } else {
      write_opcode(*op, out);
      FLINT_TRY(parse_block_label(scope));
      FLINT_TRY(parse_block_type(out));
    }
    FLINT_TRY(parse_instrs(scope, out));
    FLINT_TRY(cur_.expect(TokenKind::RParen));
    scope.labels.pop_back();
    out.u8(0x0B);
    return {};
  }
  if (op->op == Opcode::If) {
    // The label is not in scope in the condition, which runs before `if`.
    std::string label = cur_.take_id().value_or(std::string());
    ByteWriter block_type;
    FLINT_TRY(parse_block_type(block_type));
    while (cur_.at(TokenKind::LParen) && !cur_.at_form("then")) {
      FLINT_TRY(parse_folded_instr(scope, out));
    }
    write_opcode(*op, out);
    out.raw(block_type.bytes());
    scope.labels.push_back(std::move(label));
    FLINT_TRY(cur_.expect_form("then"));
    FLINT_TRY(parse_instrs(scope, out));
    FLINT_TRY(cur_.expect(TokenKind::RParen));
    if (cur_.at_form("else")) {
      cur_.next();
      cur_.next();
      out.u8(0x05);
      FLINT_TRY(parse_instrs(scope, out));
      FLINT_TRY(cur_.expect(TokenKind::RParen));
    }
    FLINT_TRY(cur_.expect(TokenKind::RParen));
    scope.labels.pop_back();
    out.u8(0x0B);
    return {};
  }
  ByteWriter self;
  FLINT_TRY(parse_immediates(*op, scope, self));
  while (cur_.at(TokenKind::LParen)) FLINT_TRY(parse_folded_instr(scope, out));
  FLINT_TRY(cur_.expect(TokenKind::RParen));
  out.raw(self.bytes());
  return {};
}

Status ModuleParser::parse_label_index(FunctionScope& scope, ByteWriter& out) {
  const Token& t = cur_.peek();
  if (t.kind == TokenKind::Id) {
    for (size_t i = scope.labels.size(); i-- > 0;) {
      if (scope.labels[i] == t.value) {
        cur_.next();
        out.u32(scope.labels.size() - 1 - i);
        return {};
      }
    }
    return error_at_token(ErrorCode::UnknownTextLabel, t, "$" + t.value);
  }
  FLINT_ASSIGN(uint32_t depth, cur_.expect_u32());
  out.u32(depth);
  return {};
}

Status ModuleParser::parse_local_index(FunctionScope& scope, ByteWriter& out) {
  const Token& t = cur_.peek();
  if (t.kind == TokenKind::Id) {
    auto it = scope.local_names.find(t.value);
    if (it == scope.local_names.end()) {
      return error_at_token(ErrorCode::UnknownIdentifier, t, "local $" + t.value);
    }
    cur_.next();
    out.u32(it->second);
    return {};
  }
  FLINT_ASSIGN(uint32_t index, cur_.expect_u32());
  out.u32(index);
  return {};
}

// Whether a memory index comes first (multi-memory, spec 6.5.7 in 3.0): an
// identifier always does; a number only when more of the instruction
// follows, since a lone number after a lane instruction is its lane index.
bool ModuleParser::at_memory_index(const OpcodeInfo& op) const {
  if (cur_.at(TokenKind::Id)) return true;
  if (!cur_.at(TokenKind::Number)) return false;
  if (op.imm != ImmKind::MemArgLane) return true;
  const Token& after = cur_.peek(1);
  return after.kind == TokenKind::Number ||
         (after.kind == TokenKind::Keyword &&
          (after.text.starts_with("offset=") || after.text.starts_with("align=")));
}

// memarg ::= memidx? offset=n? align=n? (spec 6.5.7); the binary holds
// log2(align), with bit 6 set and the index after it when the memory is
// not 0 (so single-memory code stays byte-identical to 2.0's).
Status ModuleParser::parse_memarg(const OpcodeInfo& op, ByteWriter& out) {
  uint32_t memory = 0;
  if (at_memory_index(op)) {
    FLINT_ASSIGN(memory, parse_index(Space::Memory));
  }
  uint32_t offset = 0;
  uint32_t align_log2 = op.align_log2;
  if (cur_.at(TokenKind::Keyword) && cur_.peek().text.starts_with("offset=")) {
    const Token& t = cur_.next();
    Literal<uint64_t> v = parse_unsigned(t.text.substr(7), 32);
    if (v.status == LiteralStatus::OutOfRange) {
      return error_at_token(ErrorCode::I32ConstantOutOfRange, t);
    }
    if (!v.ok()) return error_at_token(ErrorCode::UnknownOperator, t, std::string(t.text));
    offset = static_cast<uint32_t>(v.value);
  }
  if (cur_.at(TokenKind::Keyword) && cur_.peek().text.starts_with("align=")) {
    const Token& t = cur_.next();
    Literal<uint64_t> v = parse_unsigned(t.text.substr(6), 32);
    if (v.status == LiteralStatus::OutOfRange) {
      return error_at_token(ErrorCode::I32ConstantOutOfRange, t);
    }
    if (!v.ok()) return error_at_token(ErrorCode::UnknownOperator, t, std::string(t.text));
    if (!std::has_single_bit(v.value)) {
      return error_at_token(ErrorCode::AlignmentMustBePowerOfTwo, t);
    }
    align_log2 = static_cast<uint32_t>(std::countr_zero(v.value));
  }
  if (memory == 0) {
    out.u32(align_log2);
  } else {
    out.u32(align_log2 | 0x40);
    out.u32(memory);
  }
  out.u32(offset);
  return {};
}

// memory.size/grow/fill memidx? (spec 6.5.7): 0 when absent.
Status ModuleParser::parse_memory_index(ByteWriter& out) {
  uint32_t memory = 0;
  if (cur_.at_index()) {
    FLINT_ASSIGN(memory, parse_index(Space::Memory));
  }
  out.u32(memory);
  return {};
}

// memory.copy (x y)?: both memories or neither (then 0 and 0).
Status ModuleParser::parse_memory_copy(ByteWriter& out) {
  uint32_t dst = 0, src = 0;
  if (cur_.at_index()) {
    FLINT_ASSIGN(dst, parse_index(Space::Memory));
    FLINT_ASSIGN(src, parse_index(Space::Memory));
  }
  out.u32(dst);
  out.u32(src);
  return {};
}

// A lane index (spec 6.5.8): a u8 literal. A number beyond 255 is a
// "malformed lane index"; any other token is out of place, except in a
// shuffle, whose 16 indices the reference parser reads as lane literals.
Status ModuleParser::parse_lane_index(ByteWriter& out, bool in_shuffle) {
  const Token& t = cur_.peek();
  Literal<uint64_t> v = parse_unsigned(t.text, 64);
  bool literal = t.kind == TokenKind::Number || t.kind == TokenKind::Keyword;
  if (literal && v.ok() && v.value <= 255) {
    cur_.next();
    out.u8(static_cast<uint8_t>(v.value));
    return {};
  }
  if (in_shuffle ? literal : v.status != LiteralStatus::Malformed) {
    return error_at_token(ErrorCode::MalformedLaneIndex, t, std::string(t.text));
  }
  return cur_.unexpected();
}

// v128.const shape lane+ (spec 6.5.8): lanes little-endian in 16 bytes.
Status ModuleParser::parse_v128_const(ByteWriter& out) {
  const Token& shape_token = cur_.next();
  const LaneShape* shape =
      shape_token.kind == TokenKind::Keyword ? find_lane_shape(shape_token.text) : nullptr;
  if (shape == nullptr) return Cursor::unexpected_at(shape_token);
  FLINT_TRY(check_lane_count(cur_, shape->lanes));
  for (unsigned i = 0; i < shape->lanes; ++i) {
    const Token& t = cur_.peek();
    Literal<uint64_t> v = parse_lane(*shape, t.text);
    if (!v.ok()) return literal_error(v.status, t);
    cur_.next();
    out.fixed(v.value, shape->bytes);
  }
  return {};
}

// `select (result t)*` (spec 6.5.4): the typed form 0x1C when any result
// type is given, the plain 0x1B otherwise.
Status ModuleParser::parse_select(ByteWriter& out) {
  if (!cur_.at_form("result")) {
    out.u8(0x1B);
    return {};
  }
  std::vector<ValType> types;
  while (cur_.at_form("result")) {
    cur_.next();
    cur_.next();
    while (!cur_.at(TokenKind::RParen)) {
      FLINT_ASSIGN(ValType t, parse_value_type());
      types.push_back(t);
    }
    FLINT_TRY(cur_.expect(TokenKind::RParen));
  }
  out.u8(0x1C);
  out.u32(types.size());
  for (ValType t : types) out.u8(static_cast<uint8_t>(t));
  return {};
}

// br_table l* l_N (spec 6.5.2): at least one label; the last is the default.
Status ModuleParser::parse_br_table(FunctionScope& scope, ByteWriter& out) {
  ByteWriter labels;
  uint32_t count = 0;
  while (cur_.at_index()) {
    FLINT_TRY(parse_label_index(scope, labels));
    ++count;
  }
  if (count == 0) return cur_.unexpected();
  out.u32(count - 1);  // the last label is the default
  out.raw(labels.bytes());
  return {};
}

// try_table label? blocktype catch* (exception handling, after the keyword):
// writes the opcode, block type and catch vector, and opens the label. The
// catch clauses' labels resolve outside the try_table, so its own label is
// pushed only after them.
Status ModuleParser::parse_try_table(FunctionScope& scope, ByteWriter& out) {
  out.u8(static_cast<uint8_t>(Opcode::TryTable));
  std::string label = cur_.take_id().value_or(std::string());
  FLINT_TRY(parse_block_type(out));
  ByteWriter catches;
  uint32_t count = 0;
  while (cur_.at(TokenKind::LParen) && cur_.at(TokenKind::Keyword, 1)) {
    std::string_view k = cur_.peek(1).text;
    CatchKind kind;
    if (k == "catch")
      kind = CatchKind::Catch;
    else if (k == "catch_ref")
      kind = CatchKind::CatchRef;
    else if (k == "catch_all")
      kind = CatchKind::CatchAll;
    else if (k == "catch_all_ref")
      kind = CatchKind::CatchAllRef;
    else
      break;
    cur_.next();
    cur_.next();
    catches.u8(static_cast<uint8_t>(kind));
    if (kind == CatchKind::Catch || kind == CatchKind::CatchRef) {
      FLINT_ASSIGN(uint32_t tag, parse_index(Space::Tag));
      catches.u32(tag);
    }
    FLINT_TRY(parse_label_index(scope, catches));
    FLINT_TRY(cur_.expect(TokenKind::RParen));
    ++count;
  }
  out.u32(count);
  out.raw(catches.bytes());
  scope.labels.push_back(std::move(label));
  return {};
}

// call_indirect x? typeuse (spec 6.5.2): the table defaults to 0; the binary
// has the type index first.
Status ModuleParser::parse_call_indirect(ByteWriter& out) {
  uint32_t table = 0;
  if (cur_.at_index()) {
    FLINT_ASSIGN(table, parse_index(Space::Table));
  }
  FLINT_ASSIGN(TypeUse use, parse_type_use(false));
  FLINT_ASSIGN(uint32_t type, resolve_type_use(use));
  out.u32(type);
  out.u32(table);
  return {};
}

// One index into the space the immediate kind names (global, elem, data); a
// data index makes the module need its data count section.
Status ModuleParser::parse_space_index(ImmKind imm, ByteWriter& out) {
  Space s = imm == ImmKind::Global ? Space::Global
            : imm == ImmKind::Elem ? Space::Elem
                                   : Space::Data;
  if (s == Space::Data) uses_data_count_ = true;
  FLINT_ASSIGN(uint32_t index, parse_index(s));
  out.u32(index);
  return {};
}

// The table instructions' optional table index (spec 6.5.5): 0 when absent.
Status ModuleParser::parse_table_index(ByteWriter& out) {
  uint32_t table = 0;
  if (cur_.at_index()) {
    FLINT_ASSIGN(table, parse_index(Space::Table));
  }
  out.u32(table);
  return {};
}

// table.init x? y: with one index it names the elem segment of table 0.
Status ModuleParser::parse_table_init(ByteWriter& out) {
  if (!cur_.at_index()) return cur_.unexpected();
  const Token& first = cur_.next();
  uint32_t table = 0;
  uint32_t elem;
  if (cur_.at_index()) {
    FLINT_ASSIGN(table, resolve_index(Space::Table, first));
    FLINT_ASSIGN(elem, parse_index(Space::Elem));
  } else {
    FLINT_ASSIGN(elem, resolve_index(Space::Elem, first));
  }
  out.u32(elem);
  out.u32(table);
  return {};
}

// table.copy (x y)?: both tables or neither (then 0 and 0).
Status ModuleParser::parse_table_copy(ByteWriter& out) {
  uint32_t dst = 0, src = 0;
  if (cur_.at_index()) {
    FLINT_ASSIGN(dst, parse_index(Space::Table));
    FLINT_ASSIGN(src, parse_index(Space::Table));
  }
  out.u32(dst);
  out.u32(src);
  return {};
}

// memory.init x? y: with one index it names the data segment of memory 0;
// the binary has the data index first.
Status ModuleParser::parse_memory_init(ByteWriter& out) {
  uses_data_count_ = true;
  if (!cur_.at_index()) return cur_.unexpected();
  const Token& first = cur_.next();
  uint32_t memory = 0;
  uint32_t data;
  if (cur_.at_index()) {
    FLINT_ASSIGN(memory, resolve_index(Space::Memory, first));
    FLINT_ASSIGN(data, parse_index(Space::Data));
  } else {
    FLINT_ASSIGN(data, resolve_index(Space::Data, first));
  }
  out.u32(data);
  out.u32(memory);
  return {};
}

// i32.const / i64.const (spec 6.5.7): a literal of the width, signed or
// not, written as the signed LEB128 of its bit pattern.
Status ModuleParser::parse_int_const(ImmKind imm, ByteWriter& out) {
  const Token& t = cur_.peek();
  unsigned bits = imm == ImmKind::I32 ? 32 : 64;
  Literal<uint64_t> v = parse_integer(t.text, bits);
  if (t.kind != TokenKind::Number || !v.ok()) return literal_error(v.status, t);
  cur_.next();
  if (bits == 32)
    out.s64(static_cast<int32_t>(static_cast<uint32_t>(v.value)));
  else
    out.s64(static_cast<int64_t>(v.value));
  return {};
}

// f32.const / f64.const (spec 6.5.7): a number or a keyword (inf, nan,
// nan:0x...), written as its little-endian bits.
Status ModuleParser::parse_float_const(ImmKind imm, ByteWriter& out) {
  const Token& t = cur_.peek();
  if (imm == ImmKind::F32) {
    Literal<uint32_t> v = parse_f32(t.text);
    if ((t.kind != TokenKind::Number && t.kind != TokenKind::Keyword) || !v.ok()) {
      return literal_error(v.status, t);
    }
    cur_.next();
    out.fixed(v.value, 4);
    return {};
  }
  Literal<uint64_t> v = parse_f64(t.text);
  if ((t.kind != TokenKind::Number && t.kind != TokenKind::Keyword) || !v.ok()) {
    return literal_error(v.status, t);
  }
  cur_.next();
  out.fixed(v.value, 8);
  return {};
}

// ref.null func|extern (spec 6.5.3).
Status ModuleParser::parse_ref_null_type(ByteWriter& out) {
  if (cur_.at_keyword("func"))
    out.u8(static_cast<uint8_t>(ValType::FuncRef));
  else if (cur_.at_keyword("extern"))
    out.u8(static_cast<uint8_t>(ValType::ExternRef));
  else if (cur_.at_keyword("exn"))
    out.u8(static_cast<uint8_t>(ValType::ExnRef));
  else
    return cur_.unexpected();
  cur_.next();
  return {};
}

// i8x16.shuffle (spec 6.5.8): exactly 16 lane indices.
Status ModuleParser::parse_shuffle_lanes(ByteWriter& out) {
  for (int i = 0; i < 16; ++i) {
    if (!cur_.at(TokenKind::Number) && !cur_.at(TokenKind::Keyword)) {
      return cur_.error(ErrorCode::InvalidLaneLength);
    }
    FLINT_TRY(parse_lane_index(out, true));
  }
  if (cur_.at(TokenKind::Number)) return cur_.error(ErrorCode::InvalidLaneLength);
  return {};
}

// Writes the opcode and its immediates (spec 6.5.2-6.5.8), driven by the
// opcode table's immediate kind: one parser per kind of immediate.
Status ModuleParser::parse_immediates(const OpcodeInfo& op, FunctionScope& scope, ByteWriter& out) {
  if (op.op == Opcode::Select || op.op == Opcode::SelectTyped) return parse_select(out);
  if (op.imm == ImmKind::BlockType) return cur_.unexpected();  // handled by the block parsers
  write_opcode(op, out);
  switch (op.imm) {
    case ImmKind::None:
    case ImmKind::SelectTypes:           // select's forms: above
    case ImmKind::BlockType: return {};  // block, loop and if: above
    case ImmKind::Label: return parse_label_index(scope, out);
    case ImmKind::BrTable: return parse_br_table(scope, out);
    case ImmKind::Func: {
      FLINT_ASSIGN(uint32_t f, parse_index(Space::Func));
      out.u32(f);
      return {};
    }
    case ImmKind::CallIndirect: return parse_call_indirect(out);
    case ImmKind::Tag: {
      FLINT_ASSIGN(uint32_t tag, parse_index(Space::Tag));
      out.u32(tag);
      return {};
    }
    case ImmKind::TryTable: return cur_.unexpected();  // parse_try_table, above
    case ImmKind::Local: return parse_local_index(scope, out);
    case ImmKind::Global:
    case ImmKind::Elem:
    case ImmKind::Data: return parse_space_index(op.imm, out);
    case ImmKind::Table: return parse_table_index(out);
    case ImmKind::TableInit: return parse_table_init(out);
    case ImmKind::TableCopy: return parse_table_copy(out);
    case ImmKind::MemArg: return parse_memarg(op, out);
    // A memory index of 0 is one 0x00 byte, the reserved byte of 2.0.
    case ImmKind::Memory: return parse_memory_index(out);
    case ImmKind::MemoryInit: return parse_memory_init(out);
    case ImmKind::MemoryCopy: return parse_memory_copy(out);
    case ImmKind::I32:
    case ImmKind::I64: return parse_int_const(op.imm, out);
    case ImmKind::F32:
    case ImmKind::F64: return parse_float_const(op.imm, out);
    case ImmKind::RefType: return parse_ref_null_type(out);
    case ImmKind::V128: return parse_v128_const(out);
    case ImmKind::Shuffle: return parse_shuffle_lanes(out);
    case ImmKind::Lane: return parse_lane_index(out, false);
    case ImmKind::MemArgLane: FLINT_TRY(parse_memarg(op, out)); return parse_lane_index(out, false);
  }
  return cur_.unexpected();
}

}  // namespace flint::text
