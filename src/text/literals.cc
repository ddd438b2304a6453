// Numeric literals (spec 6.3.2). The grammar is checked here character by
// character; the value of a float is then computed by the C library from a
// cleaned copy (underscores removed): glibc's strtof/strtod round decimal and
// hexadecimal input correctly to nearest-even in one step, which is exactly
// what the spec requires (converting through double for f32 would round twice).
#include "text/literals.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>

namespace flint::text {

namespace {

bool is_digit(char c, bool hex) {
  if (c >= '0' && c <= '9') return true;
  return hex && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'));
}

unsigned digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

// digit ('_'? digit)*: appends the digits to `out`; false when none or when an
// underscore is not between two digits.
bool scan_digits(std::string_view s, size_t& i, bool hex, std::string& out) {
  size_t start = out.size();
  while (i < s.size()) {
    if (is_digit(s[i], hex)) {
      out += s[i++];
    } else if (s[i] == '_' && out.size() > start && i + 1 < s.size() && is_digit(s[i + 1], hex)) {
      ++i;
    } else {
      break;
    }
  }
  return out.size() > start;
}

// Optional fraction digits after '.': same grammar, may be empty.
bool scan_optional_digits(std::string_view s, size_t& i, bool hex, std::string& out) {
  if (i < s.size() && is_digit(s[i], hex)) return scan_digits(s, i, hex, out);
  return true;
}

// Magnitude of an unsigned literal, or OutOfRange beyond 2^64-1.
Literal<uint64_t> parse_magnitude(std::string_view s) {
  Literal<uint64_t> r;
  bool hex = s.size() > 2 && s[0] == '0' && s[1] == 'x';
  size_t i = hex ? 2 : 0;
  std::string digits;
  if (!scan_digits(s, i, hex, digits) || i != s.size()) return r;
  unsigned base = hex ? 16 : 10;
  uint64_t v = 0;
  for (char c : digits) {
    unsigned d = digit_value(c);
    if (v > (UINT64_MAX - d) / base) {
      r.status = LiteralStatus::OutOfRange;
      return r;
    }
    v = v * base + d;
  }
  r.status = LiteralStatus::Ok;
  r.value = v;
  return r;
}

uint64_t max_unsigned(unsigned bits) { return bits >= 64 ? UINT64_MAX : (uint64_t{1} << bits) - 1; }

template <class Bits, int kMantissaBits>
Literal<Bits> make_nan(bool negative, std::string_view payload_text) {
  Literal<Bits> r;
  constexpr int kTotal = sizeof(Bits) * 8;
  Bits exponent = ((Bits{1} << (kTotal - 1 - kMantissaBits)) - 1) << kMantissaBits;
  Bits payload = Bits{1} << (kMantissaBits - 1);  // canonical NaN
  if (!payload_text.empty()) {
    if (payload_text.substr(0, 2) != "0x") return r;
    Literal<uint64_t> p = parse_magnitude(payload_text);
    if (p.status == LiteralStatus::Malformed) return r;
    if (p.status == LiteralStatus::OutOfRange || p.value == 0 ||
        p.value >= (uint64_t{1} << kMantissaBits)) {
      r.status = LiteralStatus::OutOfRange;
      return r;
    }
    payload = static_cast<Bits>(p.value);
  }
  r.status = LiteralStatus::Ok;
  r.value = exponent | payload | (negative ? Bits{1} << (kTotal - 1) : 0);
  return r;
}

// Checks the float grammar and produces the string strtod understands, or
// an empty string when `s` (without sign) is not a finite float literal.
std::string clean_float(std::string_view s) {
  std::string out;
  size_t i = 0;
  bool hex = s.size() > 2 && s[0] == '0' && s[1] == 'x';
  if (hex) {
    out = "0x";
    i = 2;
  }
  if (!scan_digits(s, i, hex, out)) return {};
  if (i < s.size() && s[i] == '.') {
    out += '.';
    ++i;
    if (!scan_optional_digits(s, i, hex, out)) return {};
  }
  if (i < s.size() && (hex ? (s[i] == 'p' || s[i] == 'P') : (s[i] == 'e' || s[i] == 'E'))) {
    out += hex ? 'p' : 'e';
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) out += s[i++];
    if (!scan_digits(s, i, false, out)) return {};
  }
  if (i != s.size()) return {};
  return out;
}

template <class Bits, class Float, int kMantissaBits>
Literal<Bits> parse_float(std::string_view text) {
  Literal<Bits> r;
  bool negative = false;
  std::string_view s = text;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "inf") {
    Float f = negative ? -INFINITY : INFINITY;
    r.status = LiteralStatus::Ok;
    std::memcpy(&r.value, &f, sizeof f);
    return r;
  }
  if (s == "nan") return make_nan<Bits, kMantissaBits>(negative, {});
  if (s.substr(0, 4) == "nan:") return make_nan<Bits, kMantissaBits>(negative, s.substr(4));
  std::string clean = clean_float(s);
  if (clean.empty()) return r;
  if (negative) clean.insert(clean.begin(), '-');
  Float f;
  if constexpr (sizeof(Float) == 4)
    f = std::strtof(clean.c_str(), nullptr);
  else
    f = std::strtod(clean.c_str(), nullptr);
  if (std::isinf(f)) {
    r.status = LiteralStatus::OutOfRange;
    return r;
  }
  r.status = LiteralStatus::Ok;
  std::memcpy(&r.value, &f, sizeof f);
  return r;
}

}  // namespace

Literal<uint64_t> parse_unsigned(std::string_view text, unsigned bits) {
  if (text.empty() || text[0] == '+' || text[0] == '-') return {};
  Literal<uint64_t> r = parse_magnitude(text);
  if (r.ok() && r.value > max_unsigned(bits)) r.status = LiteralStatus::OutOfRange;
  return r;
}

Literal<uint64_t> parse_integer(std::string_view text, unsigned bits) {
  if (text.empty()) return {};
  if (text[0] != '+' && text[0] != '-') return parse_unsigned(text, bits);
  bool negative = text[0] == '-';
  Literal<uint64_t> r = parse_magnitude(text.substr(1));
  if (!r.ok()) return r;
  uint64_t half = uint64_t{1} << (bits - 1);  // 2^(N-1)
  if (negative ? r.value > half : r.value >= half) {
    r.status = LiteralStatus::OutOfRange;
    return r;
  }
  if (negative) r.value = (~r.value + 1) & max_unsigned(bits);
  return r;
}

Literal<uint32_t> parse_f32(std::string_view text) {
  return parse_float<uint32_t, float, 23>(text);
}

Literal<uint64_t> parse_f64(std::string_view text) {
  return parse_float<uint64_t, double, 52>(text);
}

const LaneShape* find_lane_shape(std::string_view name) {
  static constexpr LaneShape kShapes[] = {{"i8x16", 16, 1, false}, {"i16x8", 8, 2, false},
                                          {"i32x4", 4, 4, false},  {"i64x2", 2, 8, false},
                                          {"f32x4", 4, 4, true},   {"f64x2", 2, 8, true}};
  for (const LaneShape& s : kShapes) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

Literal<uint64_t> parse_lane(const LaneShape& shape, std::string_view text) {
  if (!shape.is_float) return parse_integer(text, shape.bytes * 8);
  if (shape.bytes == 8) return parse_f64(text);
  Literal<uint32_t> f = parse_f32(text);
  return {f.status, f.value};
}

}  // namespace flint::text
