// Comparing values with the spec's NaN rules (see value_compare.h).
#include "fuzz/value_compare.h"

#include <fmt/format.h>

#include <cstring>

namespace flint::fuzz {

namespace {

bool is_nan32(uint32_t b) { return (b & 0x7fffffff) > 0x7f800000; }
bool is_nan64(uint64_t b) { return (b & 0x7fffffffffffffff) > 0x7ff0000000000000; }
bool arithmetic32(uint32_t b) { return (b & 0x7fc00000) == 0x7fc00000; }
bool arithmetic64(uint64_t b) { return (b & 0x7ff8000000000000) == 0x7ff8000000000000; }

bool f32_agree(uint32_t e, uint32_t a, NanRule rule) {
  if (e == a) return true;
  return rule == NanRule::Spec && is_nan32(e) && is_nan32(a) && arithmetic32(e) && arithmetic32(a);
}
bool f64_agree(uint64_t e, uint64_t a, NanRule rule) {
  if (e == a) return true;
  return rule == NanRule::Spec && is_nan64(e) && is_nan64(a) && arithmetic64(e) && arithmetic64(a);
}

}  // namespace

bool values_agree(const Value& e, const Value& a, NanRule rule, int lanes) {
  if (e.type != a.type) return false;
  switch (e.type) {
    case ValType::I32: return e.i32 == a.i32;
    case ValType::I64: return e.i64 == a.i64;
    case ValType::F32: return f32_agree(e.f32_bits, a.f32_bits, rule);
    case ValType::F64: return f64_agree(e.f64_bits, a.f64_bits, rule);
    case ValType::V128: {
      if (rule == NanRule::Exact || lanes == 0) return e.v128 == a.v128;
      for (int i = 0; i < lanes; ++i) {
        int width = 16 / lanes;
        uint64_t x = 0, y = 0;
        std::memcpy(&x, e.v128.bytes + i * width, width);
        std::memcpy(&y, a.v128.bytes + i * width, width);
        bool ok = width == 4 ? f32_agree(uint32_t(x), uint32_t(y), rule) : f64_agree(x, y, rule);
        if (!ok) return false;
      }
      return true;
    }
    default: return (e.ref == nullptr) == (a.ref == nullptr);
  }
}

std::string show_value(const Value& v) {
  switch (v.type) {
    case ValType::I32: return fmt::format("i32:0x{:08x}", v.i32);
    case ValType::I64: return fmt::format("i64:0x{:016x}", v.i64);
    case ValType::F32: return fmt::format("f32:0x{:08x}", v.f32_bits);
    case ValType::F64: return fmt::format("f64:0x{:016x}", v.f64_bits);
    case ValType::V128: {
      std::string s = "v128:0x";
      for (int i = 15; i >= 0; --i) s += fmt::format("{:02x}", v.v128.bytes[i]);
      return s;
    }
    default: return v.ref ? "ref" : "ref.null";
  }
}

}  // namespace flint::fuzz
