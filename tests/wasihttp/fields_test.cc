// wasi:http/types' fields rules (types.wit, "resource fields") and the
// mapping of request methods to WIT values, table-driven.
#include "wasihttp/fields.h"

#include <gtest/gtest.h>

#include "wasihttp/host.h"

namespace flint::wasihttp {
namespace {

std::vector<uint8_t> bytes(std::string_view s) { return {s.begin(), s.end()}; }

TEST(FieldsTest, NamesMustBeTokens) {
  struct Case {
    std::string_view name;
    bool valid;
  } cases[] = {
      {"content-type", true}, {"X-Echo", true},  {"a!#$%&'*+-.^_`|~9", true}, {"", false},
      {"bad name", false},    {"colon:", false}, {"new\nline", false},        {"quote\"", false},
      {"(paren)", false}};
  for (const Case& c : cases) EXPECT_EQ(valid_field_name(c.name), c.valid) << c.name;
}

TEST(FieldsTest, ValuesRefuseControlCharactersButTab) {
  EXPECT_TRUE(valid_field_value(bytes("text/plain; charset=utf-8")));
  EXPECT_TRUE(valid_field_value(bytes("a\tb")));
  EXPECT_TRUE(valid_field_value({0xc3, 0xa9}));  // obs-text
  EXPECT_TRUE(valid_field_value({}));
  EXPECT_FALSE(valid_field_value(bytes("a\r\nx-injected: 1")));
  EXPECT_FALSE(valid_field_value({uint8_t(0x6e), uint8_t(0x00)}));
  EXPECT_FALSE(valid_field_value({0x7f}));
}

TEST(FieldsTest, HopByHopHeadersAreForbidden) {
  for (std::string_view name :
       {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection",
        "te", "transfer-encoding", "upgrade", "http2-settings"}) {
    Fields f;
    EXPECT_EQ(f.set(name, {bytes("x")}), HeaderError::Forbidden) << name;
    EXPECT_EQ(f.append(name, bytes("x")), HeaderError::Forbidden) << name;
    EXPECT_EQ(f.remove(name), HeaderError::Forbidden) << name;
  }
  Fields f;
  EXPECT_EQ(f.set("Transfer-Encoding", {bytes("chunked")}), HeaderError::Forbidden);
  EXPECT_EQ(f.set("content-length", {bytes("3")}), std::nullopt);
  Fields out;
  EXPECT_EQ(Fields::from_list({{"Connection", bytes("close")}}, out), HeaderError::Forbidden);
}

TEST(FieldsTest, BadSyntaxIsInvalidSyntax) {
  Fields f;
  EXPECT_EQ(f.set("bad name", {bytes("x")}), HeaderError::InvalidSyntax);
  EXPECT_EQ(f.append("x", bytes("a\nb")), HeaderError::InvalidSyntax);
  EXPECT_EQ(f.set("x", {bytes("ok"), bytes("bad\r")}), HeaderError::InvalidSyntax);
  EXPECT_TRUE(f.entries().empty());  // a refused set changes nothing
  Fields out;
  EXPECT_EQ(Fields::from_list({{"ok", bytes("1")}, {"", bytes("2")}}, out),
            HeaderError::InvalidSyntax);
}

TEST(FieldsTest, ImmutableFieldsRefuseEveryChange) {
  Fields f;
  f.add_unchecked("Host", bytes("example.com"));
  Fields ro = Fields::immutable_copy(f);
  EXPECT_EQ(ro.set("x", {bytes("1")}), HeaderError::Immutable);
  EXPECT_EQ(ro.append("x", bytes("1")), HeaderError::Immutable);
  EXPECT_EQ(ro.remove("host"), HeaderError::Immutable);
  // Immutability is checked first, as Wasmtime does, even for a bad name.
  EXPECT_EQ(ro.set("bad name", {}), HeaderError::Immutable);
  EXPECT_EQ(ro.get("host"), std::vector<std::vector<uint8_t>>{bytes("example.com")});
  Fields copy = ro.clone();  // `clone` gives a mutable copy
  EXPECT_FALSE(copy.immutable());
  EXPECT_EQ(copy.set("x", {bytes("1")}), std::nullopt);
}

TEST(FieldsTest, NamesAreCaseInsensitiveAndKeptLowercase) {
  Fields f;
  ASSERT_EQ(f.append("X-Echo", bytes("a")), std::nullopt);
  ASSERT_EQ(f.append("x-echo", bytes("b")), std::nullopt);
  ASSERT_EQ(f.append("Other", bytes("c")), std::nullopt);
  EXPECT_EQ(f.get("X-ECHO"), (std::vector<std::vector<uint8_t>>{bytes("a"), bytes("b")}));
  EXPECT_TRUE(f.has("OTHER"));
  ASSERT_EQ(f.entries().size(), 3u);
  EXPECT_EQ(f.entries()[0].first, "x-echo");
  // set replaces every value of the name; an empty list removes it.
  ASSERT_EQ(f.set("x-echo", {bytes("z")}), std::nullopt);
  EXPECT_EQ(f.get("x-echo"), std::vector<std::vector<uint8_t>>{bytes("z")});
  ASSERT_EQ(f.set("x-echo", {}), std::nullopt);
  EXPECT_FALSE(f.has("x-echo"));
  ASSERT_EQ(f.remove("other"), std::nullopt);
  EXPECT_TRUE(f.entries().empty());
  EXPECT_TRUE(f.get("missing").empty());
}

TEST(FieldsTest, FromListKeepsOrderAndDuplicates) {
  Fields f;
  ASSERT_EQ(Fields::from_list({{"A", bytes("1")}, {"b", bytes("2")}, {"a", bytes("3")}}, f),
            std::nullopt);
  ASSERT_EQ(f.entries().size(), 3u);
  EXPECT_EQ(f.entries()[2], (Fields::Entry{"a", bytes("3")}));
  EXPECT_EQ(f.get("a"), (std::vector<std::vector<uint8_t>>{bytes("1"), bytes("3")}));
}

TEST(MethodTest, KnownMethodsAreTheirCasesOthersAreOther) {
  struct Case {
    std::string_view wire;
    uint32_t index;
  } cases[] = {{"GET", 0},    {"HEAD", 1},    {"POST", 2},    {"PUT", 3},
               {"DELETE", 4}, {"CONNECT", 5}, {"OPTIONS", 6}, {"TRACE", 7},
               {"PATCH", 8},  {"PURGE", 9},   {"get", 9}};  // methods are case-sensitive (RFC 9110
                                                            // section 9.1)
  for (const Case& c : cases) {
    component::ComponentValue v = method_value(c.wire);
    EXPECT_EQ(v.as_case().index, c.index) << c.wire;
    EXPECT_EQ(method_name(v), c.wire);  // and back
  }
  EXPECT_EQ(method_value("PURGE").as_case().payload->as_string(), "PURGE");
}

TEST(ErrorCodeTest, NamesFollowTheWit) {
  EXPECT_EQ(error_code_name(kHttpRequestDenied), "HTTP-request-denied");
  EXPECT_EQ(error_code_name(0), "DNS-timeout");
  EXPECT_EQ(error_code_name(38), "internal-error");
  EXPECT_EQ(error_code_type()->fields.size(), 39u);
}

}  // namespace
}  // namespace flint::wasihttp
