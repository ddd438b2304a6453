// Constants and call arguments the generator prefers: the edges of every
// operation's domain (zero, signed and unsigned extremes, shift widths,
// truncation bounds, signed zeros, infinities, canonical/arithmetic/
// signalling NaNs, subnormals, halves for `nearest`) and random bits.
#pragma once

#include <cstdint>

#include "flint/value.h"
#include "fuzz/byte_source.h"

namespace flint::fuzz {

uint32_t interesting_i32(ByteSource& in);
uint64_t interesting_i64(ByteSource& in);
uint32_t interesting_f32_bits(ByteSource& in);
uint64_t interesting_f64_bits(ByteSource& in);
/// 16 bytes: random, or lanes of one shape filled with interesting values.
V128 interesting_v128(ByteSource& in);

/// A value of a numeric or vector type (references are never arguments).
Value interesting_value(ByteSource& in, ValType type);

}  // namespace flint::fuzz
