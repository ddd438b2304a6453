// A read position in a token vector, with the small checks every parser of
// the text format repeats: "expect `(`", "is this `(keyword`", and choosing
// between "unexpected token" and "unknown operator" for a bad token.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flint/result.h"
#include "text/lexer.h"

namespace flint::text {

class Cursor {
 public:
  Cursor(const std::vector<Token>& tokens, size_t pos) : tokens_(&tokens), pos_(pos) {}

  /// The token `k` places ahead; the final Eof when past the end.
  const Token& peek(size_t k = 0) const {
    size_t i = pos_ + k;
    return i < tokens_->size() ? (*tokens_)[i] : tokens_->back();
  }
  const Token& next() {
    const Token& t = peek();
    if (pos_ < tokens_->size() - 1) ++pos_;
    return t;
  }
  size_t pos() const { return pos_; }
  void seek(size_t pos) { pos_ = pos; }

  bool at(TokenKind kind, size_t k = 0) const { return peek(k).kind == kind; }
  bool at_keyword(std::string_view kw, size_t k = 0) const {
    return peek(k).kind == TokenKind::Keyword && peek(k).text == kw;
  }
  /// `(` followed by the keyword `kw`.
  bool at_form(std::string_view kw) const { return at(TokenKind::LParen) && at_keyword(kw, 1); }
  /// An index or identifier token (a `Var` in the spec's parser).
  bool at_index() const { return at(TokenKind::Id) || at(TokenKind::Number); }

  Status expect(TokenKind kind) {
    if (!at(kind)) return unexpected();
    next();
    return {};
  }
  Status expect_keyword(std::string_view kw) {
    if (!at_keyword(kw)) return unexpected();
    next();
    return {};
  }
  /// `( kw` consumed.
  Status expect_form(std::string_view kw) {
    if (!at_form(kw)) return unexpected();
    next();
    next();
    return {};
  }
  Result<std::string> expect_string() {
    if (!at(TokenKind::String)) return unexpected();
    return next().value;
  }
  /// A string that must be a valid UTF-8 name (imports and exports).
  Result<std::string> expect_name();
  /// A `u32` literal; values beyond 2^32-1 are "i32 constant out of range".
  Result<uint32_t> expect_u32();

  /// Consumes an optional `$id`.
  std::optional<std::string> take_id() {
    if (!at(TokenKind::Id)) return std::nullopt;
    return next().value;
  }

  /// Skips a parenthesised form starting at `(`, to just after its `)`.
  Status skip_form();

  /// The error for the current token when it cannot go here: "unknown
  /// operator" for a reserved word, an unknown keyword or an ill-formed
  /// number; "unexpected token" for a good token in the wrong place.
  Error unexpected() const { return unexpected_at(peek()); }
  static Error unexpected_at(const Token& t);

  Error error(ErrorCode code, std::string detail = {}) const {
    return error_at_token(code, peek(), std::move(detail));
  }

 private:
  const std::vector<Token>* tokens_;
  size_t pos_;
};

/// True for a token that can be a lane of `v128.const`: a number, `inf`,
/// `nan` or `nan:...` (the script's `nan:canonical` / `nan:arithmetic` too).
bool is_lane_literal(const Token& t);

/// Checks that exactly `lanes` lane literals follow the cursor (spec 6.5.8:
/// "wrong number of lane literals"); a reserved word among them is an unknown
/// operator.
Status check_lane_count(const Cursor& cur, unsigned lanes);

/// True for words the text grammar knows: instruction names, module field and
/// type keywords, memarg and float forms.
bool is_known_keyword(std::string_view text);

}  // namespace flint::text
