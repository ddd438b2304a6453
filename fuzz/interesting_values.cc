#include "fuzz/interesting_values.h"

#include <array>
#include <cstring>

namespace flint::fuzz {

namespace {

constexpr std::array<uint32_t, 16> kI32 = {
    0, 1, 0xffffffff, 0x7fffffff, 0x80000000, 2, 31, 32, 33, 0xffff, 0x10000, 0xff, 0x80, 7, 0xfffffffe, 100};

constexpr std::array<uint64_t, 16> kI64 = {
    0, 1, ~0ull, 0x7fffffffffffffff, 0x8000000000000000, 2, 63, 64, 65, 0xffffffff, 0x100000000,
    0x80000000, 0xffffffff80000000, 7, 0xfffffffffffffffe, 100};

constexpr std::array<uint32_t, 24> kF32 = {
    0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x3f000000, 0x40200000 /*2.5*/,
    0x3fc00000 /*1.5*/, 0x7f800000, 0xff800000, 0x7fc00000 /*canonical*/, 0xffc00000,
    0x7fa00000 /*signalling*/, 0x7f800001, 0x7fc12345 /*quiet payload*/, 0xffa5a5a5,
    0x00000001 /*subnormal*/, 0x7f7fffff, 0x4f000000 /*2^31*/, 0xcf000000, 0x4f800000 /*2^32*/,
    0x5f000000 /*2^63*/, 0xdf000000, 0x5f800000 /*2^64*/, 0xcf000001};

constexpr std::array<uint64_t, 24> kF64 = {
    0x0000000000000000, 0x8000000000000000, 0x3ff0000000000000, 0xbff0000000000000,
    0x3fe0000000000000, 0x4004000000000000 /*2.5*/, 0x3ff8000000000000 /*1.5*/,
    0x7ff0000000000000, 0xfff0000000000000, 0x7ff8000000000000 /*canonical*/,
    0xfff8000000000000, 0x7ff4000000000000 /*signalling*/, 0x7ff0000000000001,
    0x7ff8000000012345 /*quiet payload*/, 0xfff5a5a5a5a5a5a5, 0x0000000000000001,
    0x7fefffffffffffff, 0x41e0000000000000 /*2^31*/, 0xc1e0000000200000 /*-2^31-1*/,
    0x41f0000000000000 /*2^32*/, 0x43e0000000000000 /*2^63*/, 0xc3e0000000000000,
    0x43f0000000000000 /*2^64*/, 0x41dfffffffc00000 /*2^31-1*/};

}  // namespace

uint32_t interesting_i32(ByteSource& in) {
  uint32_t c = in.below(4);
  if (c < 2) return kI32[in.below(kI32.size())] + (c == 1 ? in.below(3) - 1 : 0);
  if (c == 2) return in.below(256);
  return in.u32();
}

uint64_t interesting_i64(ByteSource& in) {
  uint32_t c = in.below(4);
  if (c < 2) return kI64[in.below(kI64.size())] + (c == 1 ? int64_t(in.below(3)) - 1 : 0);
  if (c == 2) return in.below(256);
  return in.u64();
}

uint32_t interesting_f32_bits(ByteSource& in) {
  uint32_t c = in.below(4);
  if (c < 2) return kF32[in.below(kF32.size())];
  if (c == 2) {  // a small float, exactly representable
    float f = float(int32_t(in.below(64)) - 32) * 0.25f;
    uint32_t b;
    std::memcpy(&b, &f, 4);
    return b;
  }
  return in.u32();
}

uint64_t interesting_f64_bits(ByteSource& in) {
  uint32_t c = in.below(4);
  if (c < 2) return kF64[in.below(kF64.size())];
  if (c == 2) {
    double f = double(int32_t(in.below(64)) - 32) * 0.25;
    uint64_t b;
    std::memcpy(&b, &f, 8);
    return b;
  }
  return in.u64();
}

V128 interesting_v128(ByteSource& in) {
  V128 v;
  switch (in.below(6)) {
    case 0: break;  // zero
    case 1:
      for (uint8_t& b : v.bytes) b = in.byte();
      break;
    case 2:
      for (int i = 0; i < 4; ++i) {
        uint32_t x = interesting_i32(in);
        std::memcpy(v.bytes + 4 * i, &x, 4);
      }
      break;
    case 3:
      for (int i = 0; i < 2; ++i) {
        uint64_t x = interesting_i64(in);
        std::memcpy(v.bytes + 8 * i, &x, 8);
      }
      break;
    case 4:
      for (int i = 0; i < 4; ++i) {
        uint32_t x = interesting_f32_bits(in);
        std::memcpy(v.bytes + 4 * i, &x, 4);
      }
      break;
    default:
      for (int i = 0; i < 2; ++i) {
        uint64_t x = interesting_f64_bits(in);
        std::memcpy(v.bytes + 8 * i, &x, 8);
      }
      break;
  }
  return v;
}

Value interesting_value(ByteSource& in, ValType type) {
  switch (type) {
    case ValType::I32: return Value::i32_(interesting_i32(in));
    case ValType::I64: return Value::i64_(interesting_i64(in));
    case ValType::F32: return Value::f32_bits_(interesting_f32_bits(in));
    case ValType::F64: return Value::f64_bits_(interesting_f64_bits(in));
    case ValType::V128: return Value::v128_(interesting_v128(in));
    default: return Value::null_(type);
  }
}

}  // namespace flint::fuzz
