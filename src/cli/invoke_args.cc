#include "cli/invoke_args.h"

#include <fmt/format.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>

namespace flint::cli {

namespace {

Error bad_argument(std::string_view word, ValType type) {
  return make_error(ErrorCode::Usage,
                    fmt::format("cannot parse '{}' as an {} argument", word, to_string(type)));
}

// Accepts the union of the signed and unsigned ranges of a `bits`-wide integer.
Result<uint64_t> parse_integer(std::string_view word, unsigned bits, ValType type) {
  bool negative = !word.empty() && word[0] == '-';
  std::string_view digits = word.substr(negative || (!word.empty() && word[0] == '+') ? 1 : 0);
  int base = 10;
  if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
    base = 16;
    digits.remove_prefix(2);
  }
  uint64_t magnitude = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude, base);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size())
    return bad_argument(word, type);
  uint64_t unsigned_max = bits == 64 ? ~0ull : (1ull << bits) - 1;
  uint64_t negative_max = 1ull << (bits - 1);
  if (negative ? magnitude > negative_max : magnitude > unsigned_max)
    return bad_argument(word, type);
  uint64_t value = negative ? (0 - magnitude) : magnitude;
  return bits == 64 ? value : value & unsigned_max;
}

Result<double> parse_float(std::string_view word, ValType type) {
  std::string text(word);
  char* end = nullptr;
  errno = 0;
  double d = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size()) return bad_argument(word, type);
  return d;
}

}  // namespace

Result<Value> parse_argument(std::string_view word, ValType type) {
  switch (type) {
    case ValType::I32: {
      FLINT_ASSIGN(uint64_t v, parse_integer(word, 32, type));
      return Value::i32_(static_cast<uint32_t>(v));
    }
    case ValType::I64: {
      FLINT_ASSIGN(uint64_t v, parse_integer(word, 64, type));
      return Value::i64_(v);
    }
    case ValType::F32: {
      // strtof directly, so a decimal rounds once to single precision.
      std::string text(word);
      char* end = nullptr;
      float f = std::strtof(text.c_str(), &end);
      if (text.empty() || end != text.c_str() + text.size()) return bad_argument(word, type);
      return Value::f32_(f);
    }
    case ValType::F64: {
      FLINT_ASSIGN(double d, parse_float(word, type));
      return Value::f64_(d);
    }
    case ValType::FuncRef:
    case ValType::ExternRef:
    case ValType::ExnRef:
      if (word == "null") return Value::null_(type);
      return bad_argument(word, type);
    case ValType::V128: break;
  }
  return bad_argument(word, type);
}

std::string format_result(const Value& v) {
  switch (v.type) {
    case ValType::I32: return fmt::format("{}", static_cast<int32_t>(v.i32));
    case ValType::I64: return fmt::format("{}", static_cast<int64_t>(v.i64));
    case ValType::F32: return fmt::format("{}", v.as_f32());
    case ValType::F64: return fmt::format("{}", v.as_f64());
    case ValType::V128: {
      std::string s = "0x";
      for (int i = 15; i >= 0; --i) s += fmt::format("{:02x}", v.v128.bytes[i]);
      return s;
    }
    case ValType::FuncRef:
    case ValType::ExternRef:
    case ValType::ExnRef: return v.ref ? fmt::format("{}:{}", to_string(v.type), v.ref) : "null";
  }
  return "?";
}

}  // namespace flint::cli
