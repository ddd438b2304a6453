// Comparing the values two engines return, with the spec's NaN rules.
#pragma once

#include <cstdint>
#include <string>

#include "flint/value.h"

namespace flint::fuzz {

/// How two float results that are both NaN compare.
enum class NanRule : uint8_t {
  /// Bit for bit: for generated modules, whose NaN fences make every
  /// observable bit deterministic (nan_fence.h).
  Exact,
  /// The spec's nondeterminism (4.3.3): two NaNs agree when their bits are
  /// equal or both are arithmetic NaNs (quiet bit set), whatever their sign
  /// and payload; a NaN without the quiet bit must match exactly. Per lane
  /// for v128 when the lane shape is known (`lanes` 4 for f32x4, 2 for
  /// f64x2; 0 compares v128 bit for bit).
  Spec,
};

bool values_agree(const Value& expected, const Value& actual, NanRule rule, int lanes = 0);

/// A value as text, with its bits: "f32:0x7fc00000", "v128:0x...".
std::string show_value(const Value& v);

}  // namespace flint::fuzz
