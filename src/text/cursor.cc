#include "text/cursor.h"

#include "module/opcode.h"
#include "text/literals.h"

namespace flint::text {

namespace {

// Keywords of the grammar that are not instruction names (spec 6.4-6.6 and
// the script format). Shapes are here so that `v128.const i32x4` reads well
// even before the SIMD rows join the opcode table.
constexpr std::string_view kGrammarKeywords[] = {
    "module",
    "type",
    "func",
    "param",
    "result",
    "local",
    "import",
    "export",
    "table",
    "memory",
    "global",
    "elem",
    "data",
    "start",
    "offset",
    "item",
    "declare",
    "mut",
    "funcref",
    "externref",
    "extern",
    "i32",
    "i64",
    "f32",
    "f64",
    "v128",
    "then",
    "else",
    "end",
    "inf",
    "nan",
    "binary",
    "quote",
    "register",
    "invoke",
    "get",
    "either",
    "i8x16",
    "i16x8",
    "i32x4",
    "i64x2",
    "f32x4",
    "f64x2",
    "assert_return",
    "assert_trap",
    "assert_exhaustion",
    "assert_malformed",
    "assert_invalid",
    "assert_unlinkable",
    "nan:canonical",
    "nan:arithmetic",
    "ref.extern",
};

}  // namespace

bool is_known_keyword(std::string_view text) {
  if (opcode_by_text(text) != nullptr) return true;
  for (std::string_view k : kGrammarKeywords) {
    if (k == text) return true;
  }
  if (text.starts_with("offset=") || text.starts_with("align=")) return true;
  if (text.starts_with("nan:0x")) return parse_f64(text).status != LiteralStatus::Malformed;
  return false;
}

bool is_lane_literal(const Token& t) {
  if (t.kind == TokenKind::Number) return true;
  return t.kind == TokenKind::Keyword &&
         (t.text == "inf" || t.text == "nan" || t.text.starts_with("nan:"));
}

Status check_lane_count(const Cursor& cur, unsigned lanes) {
  unsigned n = 0;
  while (n <= lanes && is_lane_literal(cur.peek(n))) ++n;
  if (n == lanes) return {};
  if (n < lanes && cur.peek(n).kind == TokenKind::Reserved)
    return Cursor::unexpected_at(cur.peek(n));
  return error_at_token(ErrorCode::WrongNumberOfLaneLiterals, cur.peek(n < lanes ? n : lanes));
}

Error Cursor::unexpected_at(const Token& t) {
  switch (t.kind) {
    case TokenKind::Eof: return error_at_token(ErrorCode::UnexpectedEndOfText, t);
    case TokenKind::Reserved:
      return error_at_token(ErrorCode::UnknownOperator, t, std::string(t.text));
    case TokenKind::Keyword:
      if (!is_known_keyword(t.text)) {
        return error_at_token(ErrorCode::UnknownOperator, t, std::string(t.text));
      }
      break;
    case TokenKind::Number:
      // A word that starts like a number but is none ("0drop") is reserved.
      if (parse_f64(t.text).status == LiteralStatus::Malformed &&
          parse_integer(t.text, 64).status == LiteralStatus::Malformed) {
        return error_at_token(ErrorCode::UnknownOperator, t, std::string(t.text));
      }
      break;
    default: break;
  }
  return error_at_token(ErrorCode::UnexpectedToken, t, std::string(t.text));
}

Result<std::string> Cursor::expect_name() {
  const Token& t = peek();
  FLINT_ASSIGN(std::string s, expect_string());
  if (!is_valid_utf8(s)) return error_at_token(ErrorCode::MalformedTextUtf8, t);
  return s;
}

Result<uint32_t> Cursor::expect_u32() {
  const Token& t = peek();
  if (t.kind != TokenKind::Number) return unexpected();
  Literal<uint64_t> v = parse_unsigned(t.text, 32);
  if (v.status == LiteralStatus::OutOfRange) {
    return error_at_token(ErrorCode::I32ConstantOutOfRange, t);
  }
  if (!v.ok()) return unexpected();
  next();
  return static_cast<uint32_t>(v.value);
}

Status Cursor::skip_form() {
  FLINT_TRY(expect(TokenKind::LParen));
  size_t depth = 1;
  while (depth > 0) {
    const Token& t = next();
    if (t.kind == TokenKind::Eof) return unexpected_at(t);
    if (t.kind == TokenKind::LParen) ++depth;
    if (t.kind == TokenKind::RParen) --depth;
  }
  return {};
}

}  // namespace flint::text
