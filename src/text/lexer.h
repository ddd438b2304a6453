// The lexical format of WebAssembly text (spec 6.3 "Lexical Format").
//
// The whole source is split into tokens up front; the module and script
// parsers then walk the token vector (the module parser twice: once to learn
// every identifier, once to encode).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "flint/result.h"

namespace flint::text {

enum class TokenKind : uint8_t {
  LParen,
  RParen,
  Keyword,   ///< starts with a lowercase letter: `func`, `i32.add`, `offset=4`, `nan:0x1`, `inf`
  Number,    ///< starts with a digit or sign; validated when a literal is expected
  Id,        ///< `$name` or `$"name"`; `value` holds the name without `$`
  String,    ///< `"..."`; `value` holds the decoded bytes (any bytes, not checked for UTF-8)
  Reserved,  ///< any other run of idchars and strings: never valid (spec 6.3.2)
  Eof,
};

struct Token {
  TokenKind kind = TokenKind::Eof;
  std::string_view text;  ///< the exact source characters
  std::string value;      ///< decoded contents of String and Id tokens
  uint32_t line = 1;
  uint32_t column = 1;
  uint32_t offset = 0;  ///< byte offset in the source
};

/// Splits `source` into tokens; the vector always ends with one Eof token.
/// Errors (unclosed string or comment, bad escape, malformed UTF-8, a
/// character that cannot start a token) carry line and column.
Result<std::vector<Token>> tokenize(std::string_view source);

/// True when `bytes` is well-formed UTF-8 (spec 5.2.4 / 6.3.3: names are UTF-8).
bool is_valid_utf8(std::string_view bytes);

/// An error of the text phase at a token's place.
Error error_at_token(ErrorCode code, const Token& token, std::string detail = {});

}  // namespace flint::text
