// Scalar conversions shared by the flat and the memory forms
// (CanonicalABI.md: lift_flat_signed/unsigned, convert_i32_to_char,
// canonicalize_nan32/64).
#pragma once

#include <cstdint>
#include <cstring>

#include "canon/access.h"
#include "component/value.h"

namespace flint::canon {

using component::ComponentValue;
using component::TypeKind;

/// The width in bytes of an integer kind (Bool counts as one byte).
inline uint32_t int_width(TypeKind k) {
  switch (k) {
    case TypeKind::Bool:
    case TypeKind::S8:
    case TypeKind::U8: return 1;
    case TypeKind::S16:
    case TypeKind::U16: return 2;
    case TypeKind::S32:
    case TypeKind::U32: return 4;
    default: return 8;
  }
}

inline bool is_signed(TypeKind k) {
  return k == TypeKind::S8 || k == TypeKind::S16 || k == TypeKind::S32 || k == TypeKind::S64;
}

/// An integer value of kind `k` from raw bits: the low bits of the width
/// (wrapping, as lifting from a wider core value does), sign-extended for
/// the signed kinds.
inline ComponentValue int_from_bits(TypeKind k, uint64_t bits) {
  uint32_t w = int_width(k) * 8;
  if (w < 64) bits &= (uint64_t(1) << w) - 1;
  if (!is_signed(k)) return ComponentValue::unsigned_int(k, bits);
  if (w < 64 && (bits >> (w - 1)) & 1) bits |= ~uint64_t(0) << w;
  return ComponentValue::signed_int(k, int64_t(bits));
}

/// An integer value's bits, two's complement.
inline uint64_t int_bits(const ComponentValue& v) {
  return is_signed(v.kind) ? uint64_t(v.as_signed()) : v.as_unsigned();
}

/// A char from its i32: traps on surrogates and values past U+10FFFF.
inline Result<ComponentValue> char_from_bits(uint32_t i) {
  if (i >= 0x110000 || (i >= 0xD800 && i <= 0xDFFF)) return abi_trap(ErrorCode::InvalidChar);
  return ComponentValue::character(char32_t(i));
}

/// Lifted floats: any NaN becomes the canonical NaN, so that a component
/// cannot observe another's NaN payloads.
inline ComponentValue f32_from_bits(uint32_t bits) {
  if ((bits & 0x7F800000u) == 0x7F800000u && (bits & 0x007FFFFFu)) bits = 0x7FC00000u;
  float f;
  std::memcpy(&f, &bits, 4);
  return ComponentValue::f32(f);
}
inline ComponentValue f64_from_bits(uint64_t bits) {
  if ((bits & 0x7FF0000000000000ull) == 0x7FF0000000000000ull && (bits & 0x000FFFFFFFFFFFFFull))
    bits = 0x7FF8000000000000ull;
  double f;
  std::memcpy(&f, &bits, 8);
  return ComponentValue::f64(f);
}
inline uint32_t f32_bits(float f) {
  uint32_t b;
  std::memcpy(&b, &f, 4);
  return b;
}
inline uint64_t f64_bits(double f) {
  uint64_t b;
  std::memcpy(&b, &f, 8);
  return b;
}

}  // namespace flint::canon
