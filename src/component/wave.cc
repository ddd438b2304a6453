// WAVE text: a type-directed writer and recursive-descent reader, written
// from the wasm-wave README's grammar (no code taken from it).
#include "component/wave.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace flint::component {

namespace {

constexpr const char* kKeywords[] = {"true", "false", "inf", "nan", "some", "none", "ok", "err"};

bool is_keyword(std::string_view s) {
  for (const char* k : kKeywords)
    if (s == k) return true;
  return false;
}

std::string label_text(const std::string& label) { return is_keyword(label) ? "%" + label : label; }

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += char(c);
  } else if (c < 0x800) {
    out += char(0xC0 | (c >> 6));
    out += char(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += char(0xE0 | (c >> 12));
    out += char(0x80 | ((c >> 6) & 0x3F));
    out += char(0x80 | (c & 0x3F));
  } else {
    out += char(0xF0 | (c >> 18));
    out += char(0x80 | ((c >> 12) & 0x3F));
    out += char(0x80 | ((c >> 6) & 0x3F));
    out += char(0x80 | (c & 0x3F));
  }
}

// One character of a char or string literal, escaped where WAVE needs it
// (`quote` is the literal's own delimiter).
void append_escaped(std::string& out, char32_t c, char quote) {
  switch (c) {
    case '\\': out += "\\\\"; return;
    case '\t': out += "\\t"; return;
    case '\n': out += "\\n"; return;
    case '\r': out += "\\r"; return;
    default: break;
  }
  if (c == char32_t(quote)) {
    out += '\\';
    out += quote;
  } else if (c < 0x20 || c == 0x7F) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "\\u{%x}", unsigned(c));
    out += buf;
  } else {
    append_utf8(out, c);
  }
}

template <class F>
std::string float_text(F f) {
  if (std::isnan(f)) return "nan";
  if (std::isinf(f)) return f < 0 ? "-inf" : "inf";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, f);  // shortest round-trip form
  return std::string(buf, r.ptr);
}

void write(std::string& out, const ComponentValue& v, const ValueType& t);

void write_case(std::string& out, const std::string& name, const ComponentValue::Case& c,
                const ValueTypePtr& payload_type) {
  out += name;
  if (c.payload && payload_type) {
    out += '(';
    write(out, *c.payload, *payload_type);
    out += ')';
  }
}

void write(std::string& out, const ComponentValue& v, const ValueType& t) {
  if (!has_type(v, t)) {
    out += "<value of the wrong type>";
    return;
  }
  switch (t.kind) {
    case TypeKind::Bool: out += v.as_bool() ? "true" : "false"; return;
    case TypeKind::S8:
    case TypeKind::S16:
    case TypeKind::S32:
    case TypeKind::S64: out += std::to_string(v.as_signed()); return;
    case TypeKind::U8:
    case TypeKind::U16:
    case TypeKind::U32:
    case TypeKind::U64: out += std::to_string(v.as_unsigned()); return;
    case TypeKind::F32: out += float_text(v.as_f32()); return;
    case TypeKind::F64: out += float_text(v.as_f64()); return;
    case TypeKind::Char:
      out += '\'';
      append_escaped(out, v.as_char(), '\'');
      out += '\'';
      return;
    case TypeKind::String: {
      out += '"';
      // The string is valid UTF-8 (has_type's caller's promise); escape by
      // byte for ASCII and copy the rest.
      for (unsigned char c : v.as_string()) {
        if (c < 0x80)
          append_escaped(out, c, '"');
        else
          out += char(c);
      }
      out += '"';
      return;
    }
    case TypeKind::List:
    case TypeKind::Map: {
      out += '[';
      bool first = true;
      for (const auto& item : list_items(v)) {
        if (!first) out += ", ";
        first = false;
        if (t.kind == TypeKind::Map) {
          ValueType entry;
          entry.kind = TypeKind::Tuple;
          entry.fields = {{"", t.ok}, {"", t.element}};
          write(out, item, entry);
        } else {
          write(out, item, *t.element);
        }
      }
      out += ']';
      return;
    }
    case TypeKind::Record: {
      if (t.fields.empty()) {
        out += "{:}";
        return;
      }
      out += '{';
      for (size_t i = 0; i < t.fields.size(); ++i) {
        if (i) out += ", ";
        out += label_text(t.fields[i].label) + ": ";
        write(out, v.items()[i], *t.fields[i].type);
      }
      out += '}';
      return;
    }
    case TypeKind::Tuple: {
      out += '(';
      for (size_t i = 0; i < t.fields.size(); ++i) {
        if (i) out += ", ";
        write(out, v.items()[i], *t.fields[i].type);
      }
      out += ')';
      return;
    }
    case TypeKind::Variant: {
      const auto& c = v.as_case();
      write_case(out, label_text(t.fields[c.index].label), c, t.fields[c.index].type);
      return;
    }
    case TypeKind::Enum: out += label_text(t.labels[v.as_case().index]); return;
    case TypeKind::Option: {
      const auto& c = v.as_case();
      if (c.index == 0)
        out += "none";
      else
        write_case(out, "some", c, t.element);
      return;
    }
    case TypeKind::Result: {
      const auto& c = v.as_case();
      write_case(out, c.index == 0 ? "ok" : "err", c, c.index == 0 ? t.ok : t.error);
      return;
    }
    case TypeKind::Flags: {
      out += '{';
      bool first = true;
      for (size_t i = 0; i < t.labels.size(); ++i) {
        if (!v.as_flags()[i]) continue;
        if (!first) out += ", ";
        first = false;
        out += label_text(t.labels[i]);
      }
      out += '}';
      return;
    }
    case TypeKind::Own:
    case TypeKind::Borrow:
      out += std::string("#") + kind_name(t.kind) + "<" + std::to_string(v.as_handle().rep) + ">";
      return;
    default: out += "<unsupported>"; return;
  }
}

// ---- reading ----------------------------------------------------------------

class Reader {
 public:
  explicit Reader(std::string_view text) : s_(text) {}

  Result<ComponentValue> value(const ValueType& t, int depth = 0);

  Status finish() {
    skip();
    if (pos_ != s_.size()) return fail(ErrorCode::UnexpectedToken, "trailing text");
    return {};
  }

 private:
  Error fail(ErrorCode code, std::string detail) const {
    return error_at(code, pos_, std::move(detail));
  }

  void skip() {
    for (;;) {
      while (pos_ < s_.size() &&
             (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r'))
        ++pos_;
      if (s_.substr(pos_, 2) == "//") {
        while (pos_ < s_.size() && s_[pos_] != '\n') ++pos_;
        continue;
      }
      return;
    }
  }

  bool peek(char c) {
    skip();
    return pos_ < s_.size() && s_[pos_] == c;
  }

  bool accept(char c) {
    if (!peek(c)) return false;
    ++pos_;
    return true;
  }

  Status expect(char c) {
    if (accept(c)) return {};
    if (pos_ >= s_.size())
      return fail(ErrorCode::UnexpectedEndOfText, std::string("expected `") + c + "`");
    return fail(ErrorCode::UnexpectedToken, std::string("expected `") + c + "`");
  }

  static bool label_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
  }

  // A label or keyword; `escaped` says whether it had a leading `%` (then it
  // is never a keyword).
  struct Word {
    std::string text;
    bool escaped = false;
    size_t at = 0;
  };
  Result<Word> word() {
    skip();
    Word w;
    w.at = pos_;
    if (pos_ < s_.size() && s_[pos_] == '%') {
      w.escaped = true;
      ++pos_;
    }
    size_t start = pos_;
    while (pos_ < s_.size() && label_char(s_[pos_])) ++pos_;
    if (pos_ == start) {
      if (pos_ >= s_.size()) return fail(ErrorCode::UnexpectedEndOfText, "expected a label");
      return fail(ErrorCode::UnexpectedToken, "expected a label");
    }
    w.text = std::string(s_.substr(start, pos_ - start));
    return w;
  }

  bool keyword_ahead(std::string_view k) {
    skip();
    if (s_.substr(pos_, k.size()) != k) return false;
    size_t end = pos_ + k.size();
    return end >= s_.size() || !label_char(s_[end]);
  }

  Result<ComponentValue> integer(TypeKind k) {
    skip();
    size_t start = pos_;
    if (pos_ < s_.size() && (s_[pos_] == '-' || s_[pos_] == '+')) ++pos_;
    while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
    std::string_view tok = s_.substr(start, pos_ - start);
    if (!tok.empty() && tok[0] == '+') tok.remove_prefix(1);
    bool is_signed =
        k == TypeKind::S8 || k == TypeKind::S16 || k == TypeKind::S32 || k == TypeKind::S64;
    if (tok.empty() || tok == "-") {
      pos_ = start;
      return fail(ErrorCode::MalformedLiteral, "expected an integer");
    }
    if (is_signed) {
      int64_t v;
      auto r = std::from_chars(tok.data(), tok.data() + tok.size(), v);
      if (r.ec != std::errc() || r.ptr != tok.data() + tok.size())
        return error_at(ErrorCode::ConstantOutOfRange, start, std::string(tok));
      ComponentValue out = ComponentValue::signed_int(k, v);
      if (!has_type(out, *ValueType::primitive(k)))
        return error_at(ErrorCode::ConstantOutOfRange, start, std::string(tok));
      return out;
    }
    uint64_t v;
    auto r = std::from_chars(tok.data(), tok.data() + tok.size(), v);
    if (r.ec != std::errc() || r.ptr != tok.data() + tok.size())
      return error_at(ErrorCode::ConstantOutOfRange, start, std::string(tok));
    ComponentValue out = ComponentValue::unsigned_int(k, v);
    if (!has_type(out, *ValueType::primitive(k)))
      return error_at(ErrorCode::ConstantOutOfRange, start, std::string(tok));
    return out;
  }

  Result<double> float_number(bool single) {
    skip();
    size_t start = pos_;
    bool negative = pos_ < s_.size() && s_[pos_] == '-';
    if (negative) ++pos_;
    if (keyword_ahead("nan")) {
      if (negative) return fail(ErrorCode::MalformedLiteral, "-nan");
      pos_ += 3;
      return double(NAN);
    }
    if (keyword_ahead("inf")) {
      pos_ += 3;
      return negative ? -double(INFINITY) : double(INFINITY);
    }
    while (pos_ < s_.size() &&
           ((s_[pos_] >= '0' && s_[pos_] <= '9') || s_[pos_] == '.' || s_[pos_] == 'e' ||
            s_[pos_] == 'E' ||
            ((s_[pos_] == '+' || s_[pos_] == '-') && (s_[pos_ - 1] == 'e' || s_[pos_ - 1] == 'E'))))
      ++pos_;
    std::string_view tok = s_.substr(start, pos_ - start);
    double v = 0;
    auto r = std::from_chars(tok.data(), tok.data() + tok.size(), v);
    if (tok.empty() || r.ptr != tok.data() + tok.size() ||
        (r.ec != std::errc() && r.ec != std::errc::result_out_of_range) ||
        !(tok.back() >= '0' && tok.back() <= '9')) {
      pos_ = start;
      return fail(ErrorCode::MalformedLiteral, "expected a number");
    }
    if (single) {
      float f = float(v);
      if (std::isinf(f) && !std::isinf(v))
        return error_at(ErrorCode::ConstantOutOfRange, start, std::string(tok));
    }
    return v;
  }

  // One possibly escaped character inside a literal delimited by `quote`.
  Result<char32_t> literal_char() {
    if (pos_ >= s_.size()) return fail(ErrorCode::UnclosedString, "");
    unsigned char c = s_[pos_];
    if (c == '\\') {
      ++pos_;
      if (pos_ >= s_.size()) return fail(ErrorCode::UnclosedString, "");
      char e = s_[pos_++];
      switch (e) {
        case '\\': return U'\\';
        case '\'': return U'\'';
        case '"': return U'"';
        case 't': return U'\t';
        case 'n': return U'\n';
        case 'r': return U'\r';
        case 'u': {
          if (pos_ >= s_.size() || s_[pos_] != '{')
            return fail(ErrorCode::MalformedLiteral, "expected `{` after \\u");
          size_t start = ++pos_;
          while (pos_ < s_.size() && std::isxdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
          if (pos_ >= s_.size() || s_[pos_] != '}' || pos_ == start || pos_ - start > 6)
            return fail(ErrorCode::MalformedLiteral, "bad \\u{...} escape");
          uint32_t v = 0;
          std::from_chars(s_.data() + start, s_.data() + pos_, v, 16);
          ++pos_;
          if (v >= 0x110000 || (v >= 0xD800 && v <= 0xDFFF))
            return fail(ErrorCode::MalformedLiteral, "escape is not a Unicode scalar value");
          return char32_t(v);
        }
        default: return fail(ErrorCode::MalformedLiteral, "unknown escape");
      }
    }
    // A UTF-8 sequence, decoded (the text is expected to be valid UTF-8).
    size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (c >= 0x80 && (c < 0xC2 || c > 0xF4)) return fail(ErrorCode::MalformedTextUtf8, "");
    if (pos_ + n > s_.size()) return fail(ErrorCode::MalformedTextUtf8, "");
    char32_t v = n == 1 ? c : n == 2 ? c & 0x1F : n == 3 ? c & 0x0F : c & 0x07;
    for (size_t k = 1; k < n; ++k) {
      unsigned char cc = s_[pos_ + k];
      if ((cc & 0xC0) != 0x80) return fail(ErrorCode::MalformedTextUtf8, "");
      v = (v << 6) | (cc & 0x3F);
    }
    pos_ += n;
    return v;
  }

  Result<ComponentValue> character() {
    FLINT_TRY(expect('\''));
    FLINT_ASSIGN(char32_t c, literal_char());
    if (pos_ >= s_.size() || s_[pos_] != '\'')
      return fail(ErrorCode::MalformedLiteral, "a char literal holds one character");
    ++pos_;
    return ComponentValue::character(c);
  }

  Result<ComponentValue> string() {
    FLINT_TRY(expect('"'));
    std::string out;
    for (;;) {
      if (pos_ >= s_.size()) return fail(ErrorCode::UnclosedString, "");
      if (s_[pos_] == '"') {
        ++pos_;
        return ComponentValue::string(std::move(out));
      }
      FLINT_ASSIGN(char32_t c, literal_char());
      append_utf8(out, c);
    }
  }

  // `[a, b, ...]`, `(a, b)`: items up to `close`, a trailing comma allowed.
  template <class F>
  Status items(char open, char close, F each) {
    FLINT_TRY(expect(open));
    while (!accept(close)) {
      FLINT_TRY(each());
      if (accept(close)) break;
      FLINT_TRY(expect(','));
    }
    return {};
  }

  Result<ComponentValue> list(const ValueType& t, int depth) {
    std::vector<ComponentValue> out;
    ValueType entry;
    entry.kind = TypeKind::Tuple;
    entry.fields = {{"", t.ok}, {"", t.element}};
    const ValueType& element = t.kind == TypeKind::Map ? entry : *t.element;
    size_t start = pos_;
    FLINT_TRY(items('[', ']', [&]() -> Status {
      FLINT_ASSIGN(ComponentValue v, value(element, depth + 1));
      out.push_back(std::move(v));
      return {};
    }));
    if (t.length && out.size() != *t.length)
      return error_at(ErrorCode::UnexpectedToken, start,
                      "expected " + std::to_string(*t.length) + " elements");
    return ComponentValue::sequence(t.kind, std::move(out));
  }

  Result<ComponentValue> tuple(const ValueType& t, int depth) {
    std::vector<ComponentValue> out;
    size_t start = pos_;
    FLINT_TRY(items('(', ')', [&]() -> Status {
      if (out.size() >= t.fields.size())
        return fail(ErrorCode::UnexpectedToken, "too many elements");
      FLINT_ASSIGN(ComponentValue v, value(*t.fields[out.size()].type, depth + 1));
      out.push_back(std::move(v));
      return {};
    }));
    if (out.size() != t.fields.size())
      return error_at(ErrorCode::UnexpectedToken, start, "too few elements");
    return ComponentValue::sequence(TypeKind::Tuple, std::move(out));
  }

  Result<ComponentValue> record(const ValueType& t, int depth) {
    std::vector<std::optional<ComponentValue>> got(t.fields.size());
    size_t start = pos_;
    FLINT_TRY(expect('{'));
    if (accept(':')) {  // `{:}`: the empty record (or all options none)
      FLINT_TRY(expect('}'));
    } else {
      while (!accept('}')) {
        FLINT_ASSIGN(Word w, word());
        size_t i = 0;
        while (i < t.fields.size() && t.fields[i].label != w.text) ++i;
        if (i == t.fields.size())
          return error_at(ErrorCode::UnknownIdentifier, w.at, "field " + w.text);
        if (got[i]) return error_at(ErrorCode::DuplicateIdentifier, w.at, "field " + w.text);
        FLINT_TRY(expect(':'));
        FLINT_ASSIGN(ComponentValue v, value(*t.fields[i].type, depth + 1));
        got[i] = std::move(v);
        if (accept('}')) break;
        FLINT_TRY(expect(','));
      }
    }
    std::vector<ComponentValue> out;
    for (size_t i = 0; i < t.fields.size(); ++i) {
      if (got[i]) {
        out.push_back(std::move(*got[i]));
      } else if (t.fields[i].type->kind == TypeKind::Option) {
        out.push_back(ComponentValue::case_of(TypeKind::Option, 0, std::nullopt));
      } else {
        return error_at(ErrorCode::UnexpectedToken, start, "missing field " + t.fields[i].label);
      }
    }
    return ComponentValue::sequence(TypeKind::Record, std::move(out));
  }

  Result<ComponentValue> flags(const ValueType& t) {
    std::vector<bool> set(t.labels.size());
    FLINT_TRY(items('{', '}', [&]() -> Status {
      FLINT_ASSIGN(Word w, word());
      size_t i = 0;
      while (i < t.labels.size() && t.labels[i] != w.text) ++i;
      if (i == t.labels.size())
        return error_at(ErrorCode::UnknownIdentifier, w.at, "flag " + w.text);
      if (set[i]) return error_at(ErrorCode::DuplicateIdentifier, w.at, "flag " + w.text);
      set[i] = true;
      return {};
    }));
    return ComponentValue::flags(std::move(set));
  }

  // `name` or `name(payload)` for a case whose payload type is `payload`.
  Result<std::optional<ComponentValue>> case_payload(const ValueTypePtr& payload, int depth) {
    if (!payload) return std::optional<ComponentValue>();
    FLINT_TRY(expect('('));
    FLINT_ASSIGN(ComponentValue v, value(*payload, depth + 1));
    FLINT_TRY(expect(')'));
    return std::optional<ComponentValue>(std::move(v));
  }

  Result<ComponentValue> cases(const ValueType& t, int depth) {
    FLINT_ASSIGN(Word w, word());
    if (!w.escaped && is_keyword(w.text))
      return error_at(ErrorCode::UnexpectedToken, w.at, "keyword " + w.text + " as a case (use %)");
    if (t.kind == TypeKind::Enum) {
      for (size_t i = 0; i < t.labels.size(); ++i)
        if (t.labels[i] == w.text)
          return ComponentValue::case_of(TypeKind::Enum, uint32_t(i), std::nullopt);
      return error_at(ErrorCode::UnknownIdentifier, w.at, "case " + w.text);
    }
    for (size_t i = 0; i < t.fields.size(); ++i) {
      if (t.fields[i].label != w.text) continue;
      FLINT_ASSIGN(auto payload, case_payload(t.fields[i].type, depth));
      return ComponentValue::case_of(TypeKind::Variant, uint32_t(i), std::move(payload));
    }
    return error_at(ErrorCode::UnknownIdentifier, w.at, "case " + w.text);
  }

  Result<ComponentValue> option(const ValueType& t, int depth) {
    if (keyword_ahead("none")) {
      pos_ += 4;
      return ComponentValue::case_of(TypeKind::Option, 0, std::nullopt);
    }
    if (keyword_ahead("some")) {
      pos_ += 4;
      FLINT_ASSIGN(auto payload, case_payload(t.element, depth));
      return ComponentValue::case_of(TypeKind::Option, 1, std::move(payload));
    }
    // "Flat some": the payload alone.
    FLINT_ASSIGN(ComponentValue v, value(*t.element, depth + 1));
    return ComponentValue::case_of(TypeKind::Option, 1, std::move(v));
  }

  Result<ComponentValue> result(const ValueType& t, int depth) {
    for (uint32_t i = 0; i < 2; ++i) {
      const char* k = i == 0 ? "ok" : "err";
      if (!keyword_ahead(k)) continue;
      pos_ += std::strlen(k);
      const ValueTypePtr& payload = i == 0 ? t.ok : t.error;
      // `ok` alone is allowed for a payload-less case only.
      if (payload && !peek('(')) return fail(ErrorCode::UnexpectedToken, "expected `(`");
      FLINT_ASSIGN(auto p, case_payload(payload, depth));
      return ComponentValue::case_of(TypeKind::Result, i, std::move(p));
    }
    if (!t.ok) return fail(ErrorCode::UnexpectedToken, "expected ok or err");
    // "Flat ok": the ok payload alone.
    FLINT_ASSIGN(ComponentValue v, value(*t.ok, depth + 1));
    return ComponentValue::case_of(TypeKind::Result, 0, std::move(v));
  }

  std::string_view s_;
  size_t pos_ = 0;
};

// Deep enough for any real type; bounds the recursion on hostile types.
constexpr int kMaxDepth = 200;

Result<ComponentValue> Reader::value(const ValueType& t, int depth) {
  if (depth > kMaxDepth) return fail(ErrorCode::NestingTooDeep, "");
  skip();
  switch (t.kind) {
    case TypeKind::Bool:
      if (keyword_ahead("true")) {
        pos_ += 4;
        return ComponentValue::boolean(true);
      }
      if (keyword_ahead("false")) {
        pos_ += 5;
        return ComponentValue::boolean(false);
      }
      return fail(ErrorCode::UnexpectedToken, "expected true or false");
    case TypeKind::S8:
    case TypeKind::U8:
    case TypeKind::S16:
    case TypeKind::U16:
    case TypeKind::S32:
    case TypeKind::U32:
    case TypeKind::S64:
    case TypeKind::U64: return integer(t.kind);
    case TypeKind::F32: {
      FLINT_ASSIGN(double d, float_number(true));
      return ComponentValue::f32(float(d));
    }
    case TypeKind::F64: {
      FLINT_ASSIGN(double d, float_number(false));
      return ComponentValue::f64(d);
    }
    case TypeKind::Char: return character();
    case TypeKind::String: return string();
    case TypeKind::List:
    case TypeKind::Map:
      if (!t.element || (t.kind == TypeKind::Map && !t.ok))
        return fail(ErrorCode::UnexpectedToken, "incomplete type");
      return list(t, depth);
    case TypeKind::Record: return record(t, depth);
    case TypeKind::Tuple: return tuple(t, depth);
    case TypeKind::Variant:
    case TypeKind::Enum: return cases(t, depth);
    case TypeKind::Option: return option(t, depth);
    case TypeKind::Result: return result(t, depth);
    case TypeKind::Flags: return flags(t);
    default:
      return fail(ErrorCode::UnexpectedToken,
                  std::string("no WAVE form for ") + kind_name(t.kind) + " values");
  }
}

}  // namespace

std::string to_wave(const ComponentValue& value, const ValueType& type) {
  std::string out;
  write(out, value, type);
  return out;
}

Result<ComponentValue> parse_wave(std::string_view text, const ValueType& type) {
  Reader reader(text);
  FLINT_ASSIGN(ComponentValue v, reader.value(type));
  FLINT_TRY(reader.finish());
  return v;
}

}  // namespace flint::component
