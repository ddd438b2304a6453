// Lane immediates of SIMD instructions (spec 3.3.3 "Vector Instructions").
#pragma once

#include <charconv>
#include <cstdint>
#include <string_view>

#include "module/opcode.h"

namespace flint::valid {

/// How many lanes an instruction's lane immediate indexes: 16 bytes over the
/// access size for v128.loadN_lane / v128.storeN_lane, else the shape in the
/// name ("i16x8.extract_lane_s" -> 8). 0 when the name has no shape.
inline uint32_t lane_count(const OpcodeInfo& info) {
  if (info.imm == ImmKind::MemArgLane) return 16u >> info.align_log2;
  std::string_view shape = info.text.substr(0, info.text.find('.'));
  size_t x = shape.find('x');
  uint32_t lanes = 0;
  if (x != std::string_view::npos)
    std::from_chars(shape.data() + x + 1, shape.data() + shape.size(), lanes);
  return lanes;
}

/// i8x16.shuffle picks each of its 16 result lanes from 32 input lanes.
inline constexpr uint32_t kShuffleInputLanes = 32;

}  // namespace flint::valid
