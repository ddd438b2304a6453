// Tokenizer for the text format (spec 6.3). A token is a maximal run of
// idchars and strings delimited by whitespace, parentheses or comments; a run
// that is not exactly one keyword, number, identifier or string is "reserved"
// and rejected by the parser as an unknown operator (see token.wast).
#include "text/lexer.h"

#include <fmt/format.h>

namespace flint::text {

namespace {

// spec 6.3.5: idchar
bool is_idchar(unsigned char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '/':
    case ':':
    case '<':
    case '=':
    case '>':
    case '?':
    case '@':
    case '\\':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~': return true;
    default: return false;
  }
}

// Characters that may appear in a reserved token without being idchars.
bool is_reserved_char(unsigned char c) {
  return c == ',' || c == '[' || c == ']' || c == '{' || c == '}';
}

int hex_value(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Length of the well-formed UTF-8 sequence starting at s[i], or 0.
size_t utf8_sequence_length(std::string_view s, size_t i) {
  auto byte = [&](size_t k) -> unsigned { return static_cast<unsigned char>(s[k]); };
  unsigned c = byte(i);
  if (c < 0x80) return 1;
  size_t n;
  uint32_t cp;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    cp = c & 0x07;
  } else
    return 0;
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    unsigned cc = byte(i + k);
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  // Reject overlong forms, surrogates and code points above U+10FFFF.
  if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000)) return 0;
  if (cp >= 0xD800 && cp <= 0xDFFF) return 0;
  if (cp > 0x10FFFF) return 0;
  return n;
}

class Lexer {
 public:
  explicit Lexer(std::string_view src) : src_(src) {}

  Result<std::vector<Token>> run() {
    std::vector<Token> tokens;
    while (true) {
      FLINT_TRY(skip_space_and_comments());
      if (pos_ >= src_.size()) break;
      unsigned char c = src_[pos_];
      Token t = start_token();
      if (c == '(') {
        t.kind = TokenKind::LParen;
        advance(1);
      } else if (c == ')') {
        t.kind = TokenKind::RParen;
        advance(1);
      } else {
        FLINT_TRY(read_word(t));
      }
      t.text = src_.substr(t.offset, pos_ - t.offset);
      tokens.push_back(std::move(t));
    }
    Token eof = start_token();
    eof.kind = TokenKind::Eof;
    tokens.push_back(std::move(eof));
    return tokens;
  }

 private:
  Token start_token() const {
    Token t;
    t.line = line_;
    t.column = column_;
    t.offset = static_cast<uint32_t>(pos_);
    return t;
  }

  Error error_here(ErrorCode code, std::string detail = {}) const {
    Error e = make_error(code, std::move(detail));
    e.offset = pos_;
    e.line = line_;
    e.column = column_;
    return e;
  }

  void advance(size_t n) {
    for (size_t k = 0; k < n && pos_ < src_.size(); ++k) {
      // spec 6.3.1: newline ::= U+0A | U+0D | U+0D U+0A
      bool cr_alone = src_[pos_] == '\r' && (pos_ + 1 >= src_.size() || src_[pos_ + 1] != '\n');
      if (src_[pos_] == '\n' || cr_alone) {
        ++line_;
        column_ = 1;
      } else if ((static_cast<unsigned char>(src_[pos_]) & 0xC0) != 0x80) {
        ++column_;  // count characters, not UTF-8 continuation bytes
      }
      ++pos_;
    }
  }

  bool at(std::string_view s) const { return src_.substr(pos_, s.size()) == s; }

  // Consumes one source character of a comment, checking its UTF-8 form.
  Status skip_comment_char() {
    size_t n = utf8_sequence_length(src_, pos_);
    if (n == 0) return error_here(ErrorCode::MalformedTextUtf8);
    advance(n);
    return {};
  }

  Status skip_space_and_comments() {
    while (pos_ < src_.size()) {
      unsigned char c = src_[pos_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        advance(1);
      } else if (at(";;")) {
        while (pos_ < src_.size() && src_[pos_] != '\n' && src_[pos_] != '\r') {
          FLINT_TRY(skip_comment_char());
        }
      } else if (at("(;")) {
        FLINT_TRY(skip_block_comment());
      } else {
        break;
      }
    }
    return {};
  }

  // Block comments nest (spec 6.3.4).
  Status skip_block_comment() {
    Error unclosed = error_here(ErrorCode::UnclosedComment);
    advance(2);
    uint32_t depth = 1;
    while (depth > 0) {
      if (pos_ >= src_.size()) return unclosed;
      if (at("(;")) {
        advance(2);
        ++depth;
      } else if (at(";)")) {
        advance(2);
        --depth;
      } else {
        FLINT_TRY(skip_comment_char());
      }
    }
    return {};
  }

  // A word: idchars, strings and reserved characters up to a delimiter.
  Status read_word(Token& t) {
    size_t begin = pos_;
    size_t strings = 0;
    bool other = false;  // anything but idchars and strings
    std::string decoded;
    while (pos_ < src_.size()) {
      unsigned char c = src_[pos_];
      if (c == '"') {
        ++strings;
        decoded.clear();
        FLINT_TRY(read_string(decoded));
      } else if (is_idchar(c)) {
        advance(1);
      } else if (is_reserved_char(c) || (c == ';' && !at(";;"))) {
        other = true;
        advance(1);
      } else {
        break;
      }
    }
    if (pos_ == begin) {
      return error_here(ErrorCode::IllegalCharacter,
                        fmt::format("byte {:#04x}", static_cast<unsigned char>(src_[pos_])));
    }
    std::string_view word = src_.substr(begin, pos_ - begin);
    t.kind = TokenKind::Reserved;
    if (other) return {};
    if (strings == 1 && word.front() == '"' && word.back() == '"' && string_spans_word(word, 0)) {
      t.kind = TokenKind::String;
      t.value = std::move(decoded);
    } else if (word.front() == '$' && word.size() > 1) {
      if (strings == 0) {
        t.kind = TokenKind::Id;
        t.value = std::string(word.substr(1));
      } else if (strings == 1 && word[1] == '"' && string_spans_word(word, 1) && !decoded.empty() &&
                 is_valid_utf8(decoded)) {
        t.kind = TokenKind::Id;  // $"..." (identifiers as strings)
        t.value = std::move(decoded);
      }
    } else if (strings == 0) {
      unsigned char c = word.front();
      if (c >= 'a' && c <= 'z')
        t.kind = TokenKind::Keyword;
      else if ((c >= '0' && c <= '9') || c == '+' || c == '-')
        t.kind = TokenKind::Number;
    }
    return {};
  }

  // True when the string starting at word[from] ends exactly at the word's end.
  static bool string_spans_word(std::string_view word, size_t from) {
    size_t i = from + 1;
    while (i < word.size()) {
      if (word[i] == '\\') {
        i += 2;
        continue;
      }
      if (word[i] == '"') return i == word.size() - 1;
      ++i;
    }
    return false;
  }

  // spec 6.3.3: strings, with escapes; raw characters must be UTF-8.
  Status read_string(std::string& out) {
    Error unclosed = error_here(ErrorCode::UnclosedString);
    advance(1);  // opening quote
    while (true) {
      if (pos_ >= src_.size()) return unclosed;
      unsigned char c = src_[pos_];
      if (c == '"') {
        advance(1);
        return {};
      }
      if (c == '\n') return unclosed;
      if (c < 0x20 || c == 0x7F) return error_here(ErrorCode::IllegalCharacter, "in string");
      if (c != '\\') {
        size_t n = utf8_sequence_length(src_, pos_);
        if (n == 0) return error_here(ErrorCode::MalformedTextUtf8);
        out.append(src_.substr(pos_, n));
        advance(n);
        continue;
      }
      FLINT_TRY(read_escape(out));
    }
  }

  Status read_escape(std::string& out) {
    Error bad = error_here(ErrorCode::IllegalCharacter, "bad escape in string");
    if (pos_ + 1 >= src_.size()) return bad;
    unsigned char e = src_[pos_ + 1];
    switch (e) {
      case 't':
        out += '\t';
        advance(2);
        return {};
      case 'n':
        out += '\n';
        advance(2);
        return {};
      case 'r':
        out += '\r';
        advance(2);
        return {};
      case '"':
        out += '"';
        advance(2);
        return {};
      case '\'':
        out += '\'';
        advance(2);
        return {};
      case '\\':
        out += '\\';
        advance(2);
        return {};
      case 'u': return read_unicode_escape(out, bad);
      default: break;
    }
    if (pos_ + 2 < src_.size() && hex_value(e) >= 0 &&
        hex_value(static_cast<unsigned char>(src_[pos_ + 2])) >= 0) {
      out += static_cast<char>(hex_value(e) * 16 +
                               hex_value(static_cast<unsigned char>(src_[pos_ + 2])));
      advance(3);
      return {};
    }
    return bad;
  }

  // \u{hexnum}: a Unicode scalar value, stored as UTF-8.
  Status read_unicode_escape(std::string& out, const Error& bad) {
    advance(2);
    if (pos_ >= src_.size() || src_[pos_] != '{') return bad;
    advance(1);
    uint32_t cp = 0;
    size_t digits = 0;
    bool previous_underscore = false;
    while (pos_ < src_.size() && src_[pos_] != '}') {
      unsigned char c = src_[pos_];
      if (c == '_' && digits > 0 && !previous_underscore) {
        previous_underscore = true;
        advance(1);
        continue;
      }
      int v = hex_value(c);
      if (v < 0) return bad;
      cp = cp * 16 + v;
      if (cp > 0x10FFFF) return error_here(ErrorCode::MalformedTextUtf8);
      ++digits;
      previous_underscore = false;
      advance(1);
    }
    if (pos_ >= src_.size() || digits == 0 || previous_underscore) return bad;
    advance(1);  // '}'
    if (cp >= 0xD800 && cp <= 0xDFFF) return error_here(ErrorCode::MalformedTextUtf8);
    append_utf8(out, cp);
    return {};
  }

  std::string_view src_;
  size_t pos_ = 0;
  uint32_t line_ = 1;
  uint32_t column_ = 1;
};

}  // namespace

bool is_valid_utf8(std::string_view bytes) {
  for (size_t i = 0; i < bytes.size();) {
    size_t n = utf8_sequence_length(bytes, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

Result<std::vector<Token>> tokenize(std::string_view source) { return Lexer(source).run(); }

Error error_at_token(ErrorCode code, const Token& token, std::string detail) {
  Error e = make_error(code, std::move(detail));
  e.offset = token.offset;
  e.line = token.line;
  e.column = token.column;
  return e;
}

}  // namespace flint::text
