// The "name" custom section (spec 7.4): decoded when well formed, ignored
// (never an error) when not, and always kept as a custom section.
#include <gtest/gtest.h>

#include "binary/decoder.h"
#include "module_bytes.h"

namespace flint {
namespace {

using namespace flint::testing;

Bytes subsection(uint8_t id, const Bytes& contents) {
  return cat({{id}, uleb(contents.size()), contents});
}

Bytes name_custom(const Bytes& contents) { return section(0, cat({name("name"), contents})); }

Result<Module> decode_with_names(const Bytes& contents) {
  return decode_module(module({name_custom(contents)}));
}

TEST(NameSection, ModuleFunctionAndLocalNames) {
  Result<Module> m = decode_with_names(cat({
      subsection(0, name("mod")),
      subsection(1, vec(2, cat({{0x00}, name("zero"), {0x05}, name("five")}))),
      subsection(2, vec(2, cat({{0x00},
                                vec(1, cat({{0x01}, name("a")})),
                                {0x05},
                                vec(2, cat({{0x00}, name("p"), {0x03}, name("q")}))}))),
  }));
  ASSERT_TRUE(m.ok()) << m.error().describe();
  EXPECT_EQ(m->names.module, "mod");
  EXPECT_EQ(m->names.functions, (std::map<uint32_t, std::string>{{0, "zero"}, {5, "five"}}));
  ASSERT_EQ(m->names.locals.size(), 2u);
  EXPECT_EQ(m->names.locals.at(0).at(1), "a");
  EXPECT_EQ(m->names.locals.at(5).at(3), "q");
  ASSERT_EQ(m->customs.size(), 1u);
  EXPECT_EQ(m->customs[0].name, "name");
}

TEST(NameSection, SubsectionsAreOptionalAndUnknownOnesSkipped) {
  Result<Module> m = decode_with_names(cat({
      subsection(1, vec(1, cat({{0x02}, name("f")}))),
      subsection(7, {0xDE, 0xAD}),  // a later proposal's subsection (e.g. global names)
  }));
  ASSERT_TRUE(m.ok()) << m.error().describe();
  EXPECT_FALSE(m->names.module);
  EXPECT_EQ(m->names.functions.at(2), "f");
  EXPECT_TRUE(m->names.locals.empty());
}

TEST(NameSection, MalformedContentsAreIgnoredNotFatal) {
  const std::vector<std::pair<const char*, Bytes>> malformed = {
      {"subsection size past the section", {0x01, 0x09, 0x00}},
      {"truncated function name map", subsection(1, {0x02, 0x00, 0x01, 'a'})},
      {"name not UTF-8", subsection(0, {0x01, 0xFF})},
      {"subsection longer than its contents", subsection(0, cat({name("m"), {0x00}}))},
      {"subsections out of order", cat({subsection(1, vec(0, {})), subsection(0, name("m"))})},
      {"subsection repeated", cat({subsection(0, name("m")), subsection(0, name("n"))})},
      {"index above u32", subsection(1, vec(1, cat({{0x80, 0x80, 0x80, 0x80, 0x10}, name("f")})))},
  };
  for (const auto& [what, contents] : malformed) {
    Result<Module> m = decode_with_names(contents);
    ASSERT_TRUE(m.ok()) << what << ": " << m.error().describe();
    EXPECT_FALSE(m->names.module) << what;
    EXPECT_TRUE(m->names.functions.empty()) << what;
    ASSERT_EQ(m->customs.size(), 1u) << what;
    EXPECT_EQ(m->customs[0].bytes, contents) << what;  // still kept as it was
  }
}

TEST(NameSection, ValidPartsBeforeAMalformedOneAreDroppedToo) {
  // All or nothing: a half-decoded section could name the wrong things.
  Result<Module> m = decode_with_names(cat({subsection(0, name("m")), {0x01, 0x05, 0x01}}));
  ASSERT_TRUE(m.ok());
  EXPECT_FALSE(m->names.module);
}

TEST(NameSection, OtherCustomSectionsAreNotNames) {
  Result<Module> m =
      decode_module(module({section(0, cat({name("names"), subsection(0, name("m"))}))}));
  ASSERT_TRUE(m.ok());
  EXPECT_FALSE(m->names.module);
  EXPECT_EQ(m->customs[0].name, "names");
}

}  // namespace
}  // namespace flint
