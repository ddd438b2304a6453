// Strings: each encoding's bytes and realloc pattern when lowering, decoding
// when lifting, transcoding through component values (utf8 <-> utf16 <->
// latin1+utf16, non-BMP characters included).
#include "canon/strings.h"

#include <gtest/gtest.h>

#include "canon/flat.h"
#include "test_memory.h"

namespace flint::canon {
namespace {

using namespace testing;

std::vector<uint8_t> bytes_at(Side& side, uint32_t ptr, size_t n) {
  auto b = side.memory.bytes().subspan(ptr, n);
  return {b.begin(), b.end()};
}

TEST(Strings, Utf8CopiesWithOneRealloc) {
  Side side(StringEncoding::Utf8);
  auto r = store_string_into_range(side.cx, "h\xC3\xA9");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->second, 3u);
  EXPECT_EQ(side.memory.calls, (std::vector<ReallocCall>{{0, 0, 1, 3}}));
  EXPECT_EQ(bytes_at(side, r->first, 3), (std::vector<uint8_t>{'h', 0xC3, 0xA9}));
}

TEST(Strings, Utf16AllocatesWorstCaseThenShrinks) {
  Side side(StringEncoding::Utf16);
  // "a😀": 5 UTF-8 bytes, 3 UTF-16 units (a surrogate pair).
  auto r = store_string_into_range(side.cx, "a\xF0\x9F\x98\x80");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->second, 3u);
  ASSERT_EQ(side.memory.calls.size(), 2u);
  EXPECT_EQ(side.memory.calls[0], (ReallocCall{0, 0, 2, 10}));
  EXPECT_EQ(side.memory.calls[1].old_size, 10u);
  EXPECT_EQ(side.memory.calls[1].new_size, 6u);
  EXPECT_EQ(bytes_at(side, r->first, 6), (std::vector<uint8_t>{'a', 0, 0x3D, 0xD8, 0x00, 0xDE}));
}

TEST(Strings, Latin1WhenEveryCharFits) {
  Side side(StringEncoding::Latin1Utf16);
  auto r = store_string_into_range(side.cx, "caf\xC3\xA9");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->second, 4u);  // untagged: latin-1
  ASSERT_EQ(side.memory.calls.size(), 2u);
  EXPECT_EQ(side.memory.calls[0], (ReallocCall{0, 0, 2, 5}));
  EXPECT_EQ(side.memory.calls[1].new_size, 4u);
  EXPECT_EQ(bytes_at(side, r->first, 4), (std::vector<uint8_t>{'c', 'a', 'f', 0xE9}));
}

TEST(Strings, Latin1SwitchesToTaggedUtf16) {
  Side side(StringEncoding::Latin1Utf16);
  // "é☃": the snowman does not fit latin-1, so the whole string is UTF-16.
  auto r = store_string_into_range(side.cx, "\xC3\xA9\xE2\x98\x83");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->second, 2u | kUtf16Tag);
  ASSERT_EQ(side.memory.calls.size(), 3u);
  EXPECT_EQ(side.memory.calls[0], (ReallocCall{0, 0, 2, 5}));
  EXPECT_EQ(side.memory.calls[1].new_size, 10u);
  EXPECT_EQ(side.memory.calls[2].new_size, 4u);
  EXPECT_EQ(bytes_at(side, r->first, 4), (std::vector<uint8_t>{0xE9, 0, 0x03, 0x26}));
}

TEST(Strings, Latin1ExactFitDoesNotShrink) {
  Side side(StringEncoding::Latin1Utf16);
  auto r = store_string_into_range(side.cx, "abc");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(side.memory.calls.size(), 1u);
}

TEST(Strings, LiftEachEncoding) {
  struct Case {
    const char* name;
    StringEncoding encoding;
    std::vector<uint8_t> bytes;
    uint32_t tagged;
    std::string want;
  };
  std::vector<Case> cases = {
      {"utf8", StringEncoding::Utf8, {'o', 'k', 0xF0, 0x9F, 0x98, 0x80}, 6, "ok\xF0\x9F\x98\x80"},
      {"utf16 surrogate pair",
       StringEncoding::Utf16,
       {'a', 0, 0x3D, 0xD8, 0x00, 0xDE},
       3,
       "a\xF0\x9F\x98\x80"},
      {"latin1", StringEncoding::Latin1Utf16, {'c', 0xE9, 0xFF}, 3, "c\xC3\xA9\xC3\xBF"},
      {"latin1+utf16 tagged",
       StringEncoding::Latin1Utf16,
       {0x03, 0x26, 'x', 0},
       2 | kUtf16Tag,
       "\xE2\x98\x83x"},
      {"empty", StringEncoding::Utf16, {}, 0, ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Side side(c.encoding);
    side.put_bytes(32, c.bytes);
    auto s = load_string_from_range(side.cx, 32, c.tagged);
    ASSERT_TRUE(s.ok()) << s.error().message();
    EXPECT_EQ(*s, c.want);
  }
}

// A string lifted from one side and lowered into the other, for every pair
// of encodings: the component value in between is UTF-8.
TEST(Strings, TranscodesBetweenEveryPairOfEncodings) {
  const StringEncoding all[] = {StringEncoding::Utf8, StringEncoding::Utf16,
                                StringEncoding::Latin1Utf16};
  const std::string samples[] = {"", "plain", "caf\xC3\xA9", "\xE2\x98\x83",
                                 "a\xF0\x9F\x98\x80z\xC3\xBF"};
  for (StringEncoding from : all) {
    for (StringEncoding to : all) {
      for (const std::string& s : samples) {
        SCOPED_TRACE(s);
        Side src(from), dst(to);
        auto placed = store_string_into_range(src.cx, s);
        ASSERT_TRUE(placed.ok());
        auto lifted = load_string_from_range(src.cx, placed->first, placed->second);
        ASSERT_TRUE(lifted.ok());
        auto lowered = store_string_into_range(dst.cx, *lifted);
        ASSERT_TRUE(lowered.ok());
        auto back = load_string_from_range(dst.cx, lowered->first, lowered->second);
        ASSERT_TRUE(back.ok());
        EXPECT_EQ(*back, s);
      }
    }
  }
}

TEST(Strings, Utf8Validation) {
  struct Case {
    const char* name;
    std::vector<uint8_t> bytes;
    const char* want;  // null: valid
  };
  std::vector<Case> cases = {
      {"ascii", {'a', 'b'}, nullptr},
      {"4-byte max", {0xF4, 0x8F, 0xBF, 0xBF}, nullptr},
      {"0xFF", {0xFF}, "invalid utf-8"},
      {"lone continuation", {0x80}, "invalid utf-8"},
      {"overlong 2-byte", {0xC0, 0x80}, "invalid utf-8"},
      {"overlong 3-byte", {0xE0, 0x80, 0x80}, "invalid utf-8"},
      {"surrogate", {0xED, 0xA0, 0x80}, "invalid utf-8"},
      {"beyond U+10FFFF", {0xF4, 0x90, 0x80, 0x80}, "invalid utf-8"},
      {"bad continuation", {0xC3, 'a'}, "invalid utf-8"},
      {"truncated 2-byte", {'a', 0xC3}, "incomplete utf-8 byte sequence"},
      {"truncated 4-byte", {0xF0, 0x9F, 0x98}, "incomplete utf-8 byte sequence"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Status s = validate_utf8(c.bytes);
    if (!c.want) {
      EXPECT_TRUE(s.ok());
      continue;
    }
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().phase(), Phase::Trap);
    EXPECT_EQ(s.error().message().rfind(c.want, 0), 0u) << s.error().message();
  }
}

TEST(Strings, LoweringInvalidUtf8FromTheHostTraps) {
  Side side(StringEncoding::Utf16);
  auto r = store_string_into_range(side.cx, "\xFF");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::InvalidUtf8);
}

}  // namespace
}  // namespace flint::canon
