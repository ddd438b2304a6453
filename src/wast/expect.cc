#include "wast/expect.h"

#include <fmt/format.h>

#include <cstring>

namespace flint::wast {

namespace {

// IEEE 754 classes the spec names (spec 4.3.3): a canonical NaN has only the
// top mantissa bit set; an arithmetic NaN has at least that bit set.
bool is_canonical_nan32(uint32_t bits) { return (bits & 0x7fffffffu) == 0x7fc00000u; }
bool is_arithmetic_nan32(uint32_t bits) { return (bits & 0x7fc00000u) == 0x7fc00000u; }
bool is_canonical_nan64(uint64_t bits) {
  return (bits & 0x7fffffffffffffffull) == 0x7ff8000000000000ull;
}
bool is_arithmetic_nan64(uint64_t bits) {
  return (bits & 0x7ff8000000000000ull) == 0x7ff8000000000000ull;
}

bool nan_matches(Expected::Kind kind, ValType type, uint64_t bits) {
  bool canonical = kind == Expected::Kind::CanonicalNan;
  if (type == ValType::F32) {
    auto b = static_cast<uint32_t>(bits);
    return canonical ? is_canonical_nan32(b) : is_arithmetic_nan32(b);
  }
  return canonical ? is_canonical_nan64(bits) : is_arithmetic_nan64(bits);
}

bool exact_matches(const Value& expected, const Value& actual) {
  if (expected.type != actual.type) return false;
  switch (actual.type) {
    case ValType::I32: return expected.i32 == actual.i32;
    case ValType::F32: return expected.f32_bits == actual.f32_bits;
    case ValType::I64: return expected.i64 == actual.i64;
    case ValType::F64: return expected.f64_bits == actual.f64_bits;
    case ValType::V128: return expected.v128 == actual.v128;
    case ValType::FuncRef:
    case ValType::ExternRef:
    case ValType::ExnRef: return expected.ref == actual.ref;
  }
  return false;
}

bool lanes_match(const Expected& e, const Value& actual) {
  if (actual.type != ValType::V128) return false;
  size_t width = e.lane_type == ValType::F32 ? 4 : 8;
  if (e.lanes.size() * width != 16) return false;
  for (size_t i = 0; i < e.lanes.size(); ++i) {
    uint64_t want = 0, got = 0;
    std::memcpy(&want, e.value.v128.bytes + i * width, width);
    std::memcpy(&got, actual.v128.bytes + i * width, width);
    bool ok = e.lanes[i] == Expected::Kind::Exact ? want == got
                                                  : nan_matches(e.lanes[i], e.lane_type, got);
    if (!ok) return false;
  }
  return true;
}

}  // namespace

bool matches(const Expected& e, const Value& actual) {
  switch (e.kind) {
    case Expected::Kind::Exact: return exact_matches(e.value, actual);
    case Expected::Kind::CanonicalNan:
    case Expected::Kind::ArithmeticNan:
      return actual.type == e.value.type &&
             nan_matches(e.kind, actual.type,
                         actual.type == ValType::F32 ? actual.f32_bits : actual.f64_bits);
    case Expected::Kind::AnyRef: return actual.type == e.value.type && actual.ref != nullptr;
    case Expected::Kind::LanePatterns: return lanes_match(e, actual);
    case Expected::Kind::Either:
      for (const Expected& alt : e.alternatives)
        if (matches(alt, actual)) return true;
      return false;
  }
  return false;
}

std::string describe(const Value& v) {
  switch (v.type) {
    case ValType::I32: return fmt::format("i32:{}", v.i32);
    case ValType::I64: return fmt::format("i64:{}", v.i64);
    case ValType::F32: return fmt::format("f32:{} ({:#010x})", v.as_f32(), v.f32_bits);
    case ValType::F64: return fmt::format("f64:{} ({:#018x})", v.as_f64(), v.f64_bits);
    case ValType::V128: {
      std::string s = "v128:";
      for (uint8_t b : v.v128.bytes) s += fmt::format("{:02x}", b);
      return s;
    }
    case ValType::FuncRef:
    case ValType::ExternRef:
    case ValType::ExnRef:
      if (!v.ref) return fmt::format("{}:null", to_string(v.type));
      return fmt::format("{}:{}", to_string(v.type), v.ref);
  }
  return "?";
}

std::string describe(const Expected& e) {
  switch (e.kind) {
    case Expected::Kind::Exact: return describe(e.value);
    case Expected::Kind::CanonicalNan:
      return fmt::format("{}:nan:canonical", to_string(e.value.type));
    case Expected::Kind::ArithmeticNan:
      return fmt::format("{}:nan:arithmetic", to_string(e.value.type));
    case Expected::Kind::AnyRef: return fmt::format("{}:non-null", to_string(e.value.type));
    case Expected::Kind::LanePatterns: return "v128 lanes with NaN patterns";
    case Expected::Kind::Either: {
      std::string s = "either(";
      for (const Expected& alt : e.alternatives) s += describe(alt) + " ";
      return s + ")";
    }
  }
  return "?";
}

}  // namespace flint::wast
