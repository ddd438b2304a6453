// SIMD immediates in the text format (spec 6.5.8): v128.const shapes, lane
// indices, shuffles, lane loads.
#include <gtest/gtest.h>

#include "text/parse.h"
#include "wabt_oracle.h"

namespace flint::text {
namespace {

class Simd : public ::testing::Test {
 protected:
  // The body bytes of the only function of `source`, without locals and end.
  static std::vector<uint8_t> body(std::string_view source) {
    auto r = parse_wat(source);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().describe());
    if (!r.ok()) return {};
    std::vector<uint8_t> m = testing::without_name_section(*r);
    // The code section is last: ... 0x0A size count body_size locals(0) instr* 0x0B
    size_t i = m.size();
    for (size_t k = 8; k < m.size();) {
      uint8_t id = m[k];
      size_t size = 0, shift = 0, p = k + 1;
      while (m[p] & 0x80) size |= size_t{m[p++] & 0x7Fu} << shift, shift += 7;
      size |= size_t{m[p++]} << shift;
      if (id == 10) i = p;
      k = p + size;
    }
    size_t p = i + 1;         // skip count
    while (m[p] & 0x80) ++p;  // body size
    p += 2;                   // body size last byte, zero local groups
    return {m.begin() + p, m.end() - 1};
  }
  static ErrorCode error(std::string_view source) {
    auto r = parse_wat(source);
    EXPECT_FALSE(r.ok()) << "accepted: " << source;
    return r.ok() ? ErrorCode::Usage : r.error().code;
  }
};

TEST_F(Simd, V128ConstShapes) {
  EXPECT_EQ(body("(func (v128.const i32x4 1 -1 0x7fffffff 0) drop)"),
            (std::vector<uint8_t>{0xFD, 0x0C, 1, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                  0x7F, 0, 0, 0, 0, 0x1A}));
  EXPECT_EQ(body("(func (v128.const f64x2 1 -0) drop)"),
            (std::vector<uint8_t>{0xFD, 0x0C, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F, 0, 0, 0, 0, 0, 0, 0,
                                  0x80, 0x1A}));
  EXPECT_EQ(body("(func (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 -1) drop)")[17], 0xFF);
}

TEST_F(Simd, V128ConstErrors) {
  EXPECT_EQ(error("(func (v128.const i32x4 0 0 0) drop)"), ErrorCode::WrongNumberOfLaneLiterals);
  EXPECT_EQ(error("(func (v128.const i32x4 0 0 0 0 0) drop)"),
            ErrorCode::WrongNumberOfLaneLiterals);
  EXPECT_EQ(error("(func (v128.const i32x4 0x100000000 0 0 0) drop)"),
            ErrorCode::ConstantOutOfRange);
  EXPECT_EQ(error("(func (v128.const i32x4 _1 0 0 0) drop)"), ErrorCode::UnknownOperator);
  EXPECT_EQ(error("(func (v128.const i32x3 0 0 0) drop)"), ErrorCode::UnknownOperator);
}

TEST_F(Simd, LaneIndices) {
  EXPECT_EQ(body("(func (param v128) (drop (i8x16.extract_lane_u 15 (local.get 0))))"),
            (std::vector<uint8_t>{0x20, 0x00, 0xFD, 0x16, 0x0F, 0x1A}));
  EXPECT_EQ(error("(func (param v128) (drop (i8x16.extract_lane_u 256 (local.get 0))))"),
            ErrorCode::MalformedLaneIndex);
  EXPECT_EQ(error("(func (param v128) (drop (i8x16.extract_lane_u -1 (local.get 0))))"),
            ErrorCode::UnexpectedToken);
}

TEST_F(Simd, Shuffle) {
  std::string lanes = "0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 31";
  auto b =
      body("(func (param v128) (drop (i8x16.shuffle " + lanes + " (local.get 0) (local.get 0))))");
  ASSERT_EQ(b.size(), 4u + 2u + 16u + 1u);
  EXPECT_EQ(b[4], 0xFD);
  EXPECT_EQ(b[5], 0x0D);
  EXPECT_EQ(b[21], 31);
  EXPECT_EQ(error("(func (param v128) (drop (i8x16.shuffle 0 1 (local.get 0) (local.get 0))))"),
            ErrorCode::InvalidLaneLength);
  EXPECT_EQ(error("(func (param v128) (drop (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 "
                  "256 (local.get 0) (local.get 0))))"),
            ErrorCode::MalformedLaneIndex);
}

TEST_F(Simd, LoadLaneTakesMemargThenLane) {
  EXPECT_EQ(body("(memory 1) (func (param v128) (drop (v128.load16_lane offset=2 align=1 7 "
                 "(i32.const 0) (local.get 0))))"),
            (std::vector<uint8_t>{0x41, 0x00, 0x20, 0x00, 0xFD, 0x55, 0x00, 0x02, 0x07, 0x1A}));
  // Natural alignment by default: v128.load is 2^4.
  EXPECT_EQ(body("(memory 1) (func (drop (v128.load (i32.const 0))))"),
            (std::vector<uint8_t>{0x41, 0x00, 0xFD, 0x00, 0x04, 0x00, 0x1A}));
}

}  // namespace
}  // namespace flint::text
