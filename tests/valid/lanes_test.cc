// Lane counts for SIMD lane immediates, from opcode rows written here by hand
// (so the rule is tested even before the opcode table has its SIMD rows).
#include "valid/lanes.h"

#include <gtest/gtest.h>

namespace flint::valid {
namespace {

OpcodeInfo row(std::string_view text, ImmKind imm, uint8_t align = 0) {
  return OpcodeInfo{Opcode::Nop, text, 0xFD, 0, imm, Signature::Special, align};
}

TEST(Lanes, ShapeInTheName) {
  EXPECT_EQ(lane_count(row("i8x16.extract_lane_s", ImmKind::Lane)), 16u);
  EXPECT_EQ(lane_count(row("i16x8.replace_lane", ImmKind::Lane)), 8u);
  EXPECT_EQ(lane_count(row("i32x4.extract_lane", ImmKind::Lane)), 4u);
  EXPECT_EQ(lane_count(row("f32x4.replace_lane", ImmKind::Lane)), 4u);
  EXPECT_EQ(lane_count(row("i64x2.extract_lane", ImmKind::Lane)), 2u);
  EXPECT_EQ(lane_count(row("f64x2.extract_lane", ImmKind::Lane)), 2u);
}

TEST(Lanes, LoadAndStoreLaneUseTheAccessSize) {
  EXPECT_EQ(lane_count(row("v128.load8_lane", ImmKind::MemArgLane, 0)), 16u);
  EXPECT_EQ(lane_count(row("v128.load16_lane", ImmKind::MemArgLane, 1)), 8u);
  EXPECT_EQ(lane_count(row("v128.store32_lane", ImmKind::MemArgLane, 2)), 4u);
  EXPECT_EQ(lane_count(row("v128.store64_lane", ImmKind::MemArgLane, 3)), 2u);
}

TEST(Lanes, NoShapeNoLanes) {
  EXPECT_EQ(lane_count(row("nop", ImmKind::Lane)), 0u);
  EXPECT_EQ(lane_count(row("v128.any_true", ImmKind::Lane)), 0u);
}

}  // namespace
}  // namespace flint::valid
