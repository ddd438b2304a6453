// LEB128, names and the other primitive values (spec 5.2), with the error
// and offset of every malformed encoding.
#include "binary/reader.h"

#include <gtest/gtest.h>

#include <limits>

#include "binary/utf8.h"

namespace flint::binary {
namespace {

using Bytes = std::vector<uint8_t>;

template <class T>
void expect_value(Result<T> r, T expected) {
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(r.value(), expected);
}

template <class T>
void expect_error(Result<T> r, ErrorCode code, uint64_t offset) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(spec_text(r.error().code), spec_text(code)) << r.error().describe();
  EXPECT_EQ(r.error().offset, offset) << r.error().describe();
}

Result<uint32_t> u32(const Bytes& b) {
  Reader r(b);
  return r.u32();
}
Result<int32_t> s32(const Bytes& b) {
  Reader r(b);
  return r.s32();
}
Result<int64_t> s33(const Bytes& b) {
  Reader r(b);
  return r.s33();
}
Result<uint64_t> u64(const Bytes& b) {
  Reader r(b);
  return r.u64();
}
Result<int64_t> s64(const Bytes& b) {
  Reader r(b);
  return r.s64();
}

TEST(Leb128, UnsignedThirtyTwo) {
  expect_value(u32({0x00}), 0u);
  expect_value(u32({0x7F}), 127u);
  expect_value(u32({0x80, 0x01}), 128u);
  expect_value(u32({0xE5, 0x8E, 0x26}), 624485u);
  expect_value(u32({0xFF, 0xFF, 0xFF, 0xFF, 0x0F}), 0xFFFFFFFFu);
  // Padding with redundant zero groups is allowed up to five bytes.
  expect_value(u32({0x80, 0x80, 0x80, 0x80, 0x00}), 0u);
  expect_value(u32({0x81, 0x80, 0x00}), 1u);
}

TEST(Leb128, UnsignedThirtyTwoMalformed) {
  // The fifth byte holds only 4 significant bits.
  expect_error(u32({0x80, 0x80, 0x80, 0x80, 0x10}), ErrorCode::IntegerTooLarge, 4);
  expect_error(u32({0xFF, 0xFF, 0xFF, 0xFF, 0x7F}), ErrorCode::IntegerTooLarge, 4);
  // A sixth byte is too long, reported where it starts.
  expect_error(u32({0x80, 0x80, 0x80, 0x80, 0x80, 0x00}), ErrorCode::IntegerRepresentationTooLong,
               5);
  expect_error(u32({0x80, 0x80, 0x80, 0x80, 0x8F, 0x00}), ErrorCode::IntegerRepresentationTooLong,
               5);
  expect_error(u32({0x80}), ErrorCode::UnexpectedEnd, 1);
  expect_error(u32({}), ErrorCode::UnexpectedEnd, 0);
}

TEST(Leb128, SignedThirtyTwo) {
  expect_value(s32({0x00}), 0);
  expect_value(s32({0x3F}), 63);
  expect_value(s32({0x40}), -64);
  expect_value(s32({0x7F}), -1);
  expect_value(s32({0x80, 0x7F}), -128);
  expect_value(s32({0xFF, 0xFF, 0xFF, 0xFF, 0x07}), std::numeric_limits<int32_t>::max());
  expect_value(s32({0x80, 0x80, 0x80, 0x80, 0x78}), std::numeric_limits<int32_t>::min());
  expect_value(s32({0xFF, 0xFF, 0xFF, 0xFF, 0x7F}), -1);  // padded -1
  expect_value(s32({0x80, 0x80, 0x80, 0x80, 0x00}), 0);   // padded 0
}

TEST(Leb128, SignedThirtyTwoMalformed) {
  // The unused bits of the fifth byte must repeat the sign bit (bit 3).
  expect_error(s32({0xFF, 0xFF, 0xFF, 0xFF, 0x0F}), ErrorCode::IntegerTooLarge, 4);
  expect_error(s32({0x80, 0x80, 0x80, 0x80, 0x70}), ErrorCode::IntegerTooLarge, 4);
  expect_error(s32({0x80, 0x80, 0x80, 0x80, 0x1F}), ErrorCode::IntegerTooLarge, 4);
  expect_error(s32({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F}), ErrorCode::IntegerRepresentationTooLong,
               5);
  expect_error(s32({0xFF}), ErrorCode::UnexpectedEnd, 1);
}

TEST(Leb128, SignedThirtyThreeCoversTheTypeIndexRange) {
  expect_value(s33({0xFF, 0xFF, 0xFF, 0xFF, 0x0F}), int64_t{0xFFFFFFFF});
  expect_value(s33({0x80, 0x80, 0x80, 0x80, 0x70}), -(int64_t{1} << 32));
  expect_value(s33({0x40}), int64_t{-64});
  expect_error(s33({0x80, 0x80, 0x80, 0x80, 0x10}), ErrorCode::IntegerTooLarge, 4);
  expect_error(s33({0x80, 0x80, 0x80, 0x80, 0x80, 0x00}), ErrorCode::IntegerRepresentationTooLong,
               5);
}

TEST(Leb128, SixtyFour) {
  expect_value(u64({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}),
               std::numeric_limits<uint64_t>::max());
  expect_error(u64({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02}),
               ErrorCode::IntegerTooLarge, 9);
  expect_error(u64({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}),
               ErrorCode::IntegerRepresentationTooLong, 10);
  expect_value(s64({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7F}),
               std::numeric_limits<int64_t>::min());
  expect_value(s64({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00}),
               std::numeric_limits<int64_t>::max());
  expect_error(s64({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01}),
               ErrorCode::IntegerTooLarge, 9);
  expect_error(s64({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7E}),
               ErrorCode::IntegerTooLarge, 9);
}

TEST(Leb128, OneBitFlag) {
  Bytes zero = {0x00}, one = {0x01}, two = {0x02}, long_one = {0x81, 0x00};
  Reader a(zero), b(one), c(two), d(long_one);
  expect_value(a.unsigned_leb(1), uint64_t{0});
  expect_value(b.unsigned_leb(1), uint64_t{1});
  expect_error(c.unsigned_leb(1), ErrorCode::IntegerTooLarge, 0);
  expect_error(d.unsigned_leb(1), ErrorCode::IntegerRepresentationTooLong, 1);
}

TEST(Reader, EndErrorFollowsTheContext) {
  Bytes b = {0x80};
  Reader r(b);
  r.set_end_error(ErrorCode::UnexpectedEndOfSection);
  expect_error(r.u32(), ErrorCode::UnexpectedEndOfSection, 1);
}

TEST(Reader, LengthMustFitTheRemainingBytes) {
  Bytes fits = {0x02, 0xAA, 0xBB}, too_long = {0x03, 0xAA, 0xBB};
  Reader a(fits), b(too_long);
  expect_value(a.length(), 2u);
  expect_error(b.length(), ErrorCode::LengthOutOfBounds, 0);
}

TEST(Reader, BoundedReaderKeepsModuleOffsets) {
  Bytes b = {0x01, 0x02, 0x03, 0x04};
  Reader r(b);
  ASSERT_TRUE(r.u8().ok());
  Reader sub = r.bounded(3);
  EXPECT_EQ(sub.offset(), 1u);
  EXPECT_EQ(sub.remaining(), 2u);
  ASSERT_TRUE(sub.take(2).ok());
  expect_error(sub.u8(), ErrorCode::UnexpectedEnd, 3);
}

TEST(Reader, FixedWidthIsLittleEndian) {
  Bytes b = {0x78, 0x56, 0x34, 0x12, 0x01, 0, 0, 0, 0, 0, 0, 0x80};
  Reader r(b);
  expect_value(r.fixed_u32(), 0x12345678u);
  expect_value(r.fixed_u64(), uint64_t{0x8000000000000001});
  expect_error(r.fixed_u32(), ErrorCode::UnexpectedEnd, 12);
}

TEST(Reader, ZeroByte) {
  Bytes b = {0x00, 0x01, 0x80, 0x00};
  Reader r(b);
  EXPECT_TRUE(r.zero_byte().ok());
  Status s = r.zero_byte();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::ZeroByteExpected);
  EXPECT_EQ(s.error().offset, 1u);
  // A long-form LEB128 zero is not the zero byte.
  s = r.zero_byte();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().offset, 2u);
}

TEST(Names, ValidUtf8) {
  Bytes b = {0x0A, 'a', 0xC3, 0xA9, 0xE2, 0x82, 0xAC, 0xF0, 0x9F, 0x98, 0x80};
  Reader r(b);
  expect_value(r.name(), std::string("a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"));
}

TEST(Names, MalformedUtf8IsReportedAtTheName) {
  const std::vector<Bytes> bad = {
      {0x80},                    // lone continuation byte
      {0xC0, 0x80},              // overlong NUL
      {0xC1, 0xBF},              // overlong
      {0xE0, 0x80, 0x80},        // overlong 3-byte
      {0xED, 0xA0, 0x80},        // surrogate U+D800
      {0xF0, 0x80, 0x80, 0x80},  // overlong 4-byte
      {0xF4, 0x90, 0x80, 0x80},  // above U+10FFFF
      {0xF5, 0x80, 0x80, 0x80},  // never valid lead byte
      {0xE2, 0x82},              // truncated
      {0xE2, 0x28, 0xA1},        // bad continuation
      {0xFF},
  };
  for (const Bytes& s : bad) {
    EXPECT_FALSE(is_valid_utf8(s));
    Bytes b = {0x00, uint8_t(s.size())};
    b.insert(b.end(), s.begin(), s.end());
    Reader r(b);
    ASSERT_TRUE(r.u8().ok());
    expect_error(r.name(), ErrorCode::MalformedUtf8, 1);
  }
  EXPECT_TRUE(is_valid_utf8(Bytes{0xED, 0x9F, 0xBF}));        // U+D7FF
  EXPECT_TRUE(is_valid_utf8(Bytes{0xEE, 0x80, 0x80}));        // U+E000
  EXPECT_TRUE(is_valid_utf8(Bytes{0xF4, 0x8F, 0xBF, 0xBF}));  // U+10FFFF
}

}  // namespace
}  // namespace flint::binary
