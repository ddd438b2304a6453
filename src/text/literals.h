// Numeric literals of the text format (spec 6.3.2 "Integers", "Floating-Point").
#pragma once

#include <cstdint>
#include <string_view>

namespace flint::text {

enum class LiteralStatus : uint8_t {
  Ok,
  Malformed,   ///< not a literal of the requested kind at all
  OutOfRange,  ///< a well-formed literal whose value does not fit
};

template <class T>
struct Literal {
  LiteralStatus status = LiteralStatus::Malformed;
  T value{};
  bool ok() const { return status == LiteralStatus::Ok; }
};

/// An unsigned integer `uN` (decimal or 0x-hex, `_` between digits), N <= 64.
Literal<uint64_t> parse_unsigned(std::string_view text, unsigned bits);

/// An integer `iN` as its N-bit two's complement pattern: either an unsigned
/// `uN` or a signed `sN` (`+n` with n < 2^(N-1), `-n` with n <= 2^(N-1)).
Literal<uint64_t> parse_integer(std::string_view text, unsigned bits);

/// `f32` / `f64` literals as bit patterns: decimal and hex forms (rounded to
/// nearest, ties to even, exactly once), `inf`, `nan`, `nan:0x...`.
Literal<uint32_t> parse_f32(std::string_view text);
Literal<uint64_t> parse_f64(std::string_view text);

/// A lane shape of `v128.const` (spec 6.5.8): i8x16 ... f64x2.
struct LaneShape {
  std::string_view name;
  unsigned lanes;
  unsigned bytes;  ///< width of one lane
  bool is_float;
};
/// The shape named `name`, or nullptr.
const LaneShape* find_lane_shape(std::string_view name);
/// One lane literal of a shape, as its little-endian bit pattern.
Literal<uint64_t> parse_lane(const LaneShape& shape, std::string_view text);

}  // namespace flint::text
