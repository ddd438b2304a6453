// parse_extern_name and parse_semver (component-model Explainer.md, "Import
// and Export Definitions"), table-driven.
#include "component/extern_name.h"

#include <gtest/gtest.h>

namespace flint::component {
namespace {

using Kind = ExternName::Kind;

struct Good {
  const char* text;
  Kind kind;
  const char* label;
  const char* resource;
  const char* interface;  ///< "ns:package/interface" when Interface
  const char* version;    ///< "" when none
};

TEST(ExternName, ParsesWellFormedNames) {
  const Good cases[] = {
      {"a", Kind::Label, "a", "", "", ""},
      {"a11-B11-123-ABC-abc", Kind::Label, "a11-B11-123-ABC-abc", "", "", ""},
      {"B-1-C-2-D-3", Kind::Label, "B-1-C-2-D-3", "", "", ""},
      {"[constructor]r", Kind::Constructor, "r", "r", "", ""},
      {"[method]r.get-x", Kind::Method, "get-x", "r", "", ""},
      {"[static]my-res.make", Kind::Static, "make", "my-res", "", ""},
      {"wasi:http/types", Kind::Interface, "", "", "wasi:http/types", ""},
      {"wasi:http/types@0.2.0", Kind::Interface, "", "", "wasi:http/types", "0.2.0"},
      {"ns-1-a:b-1-c/D-2", Kind::Interface, "", "", "ns-1-a:b-1-c/D-2", ""},
      {"a:b/c@0.0.0-abcd.1.2+efg.4.ee.5", Kind::Interface, "", "", "a:b/c",
       "0.0.0-abcd.1.2+efg.4.ee.5"},
  };
  for (const Good& c : cases) {
    SCOPED_TRACE(c.text);
    Result<ExternName> n = parse_extern_name(c.text);
    ASSERT_TRUE(n.ok()) << n.error().message();
    EXPECT_EQ(n->kind, c.kind);
    EXPECT_EQ(n->text, c.text);
    if (c.kind == Kind::Interface) {
      EXPECT_EQ(n->ns + ":" + n->package + "/" + n->interface, c.interface);
      EXPECT_EQ(n->version ? to_string(*n->version) : "", c.version);
    } else {
      EXPECT_EQ(n->label, c.label);
      EXPECT_EQ(n->resource, c.resource);
    }
  }
}

TEST(ExternName, ParsesDependencyUrlAndHashNames) {
  auto locked = parse_extern_name("locked-dep=<a:b@1.2.3>,integrity=<sha256-x>");
  ASSERT_TRUE(locked.ok()) << locked.error().message();
  EXPECT_EQ(locked->kind, Kind::Dependency);
  EXPECT_TRUE(locked->locked);
  EXPECT_EQ(locked->package, "b");
  EXPECT_EQ(locked->version, (SemVer{1, 2, 3, "", ""}));
  EXPECT_EQ(locked->integrity, "sha256-x");
  auto unlocked = parse_extern_name("unlocked-dep=<a:b@{>=1.0.0}>");
  ASSERT_TRUE(unlocked.ok()) << unlocked.error().message();
  EXPECT_FALSE(unlocked->locked);
  EXPECT_EQ(unlocked->range, "@{>=1.0.0}");
  auto url = parse_extern_name("url=<https://example.com/x.wasm>");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->kind, Kind::Url);
  EXPECT_EQ(url->url, "https://example.com/x.wasm");
  auto hash = parse_extern_name("integrity=<sha256-abc>");
  ASSERT_TRUE(hash.ok());
  EXPECT_EQ(hash->kind, Kind::Hash);
}

struct Bad {
  const char* text;
  const char* words;  ///< in the error's message
};

TEST(ExternName, RejectsMalformedNamesInTheReferenceWords) {
  const Bad cases[] = {
      {"", "`` is not in kebab case"},
      {"Foo", "`Foo` is not in kebab case"},
      {"1-a", "`1-a` is not in kebab case"},
      {"a-", "is not in kebab case"},
      {"aBc", "`aBc` is not in kebab case"},
      {"[async]f", "is not in kebab case"},  // async is a function type now
      {"[method]a", "failed to find `.` character"},
      {"[method]a.b.c", "`b.c` is not in kebab case"},
      {"[static].a", "`` is not in kebab case"},
      {"WaSi:http/types", "`WaSi` is not in kebab case"},
      {"ns:1/a", "`1` is not in kebab case"},
      {"foo:bar:baz/qux", "expected `/` after package name"},
      {"foo:bar/baz/qux", "trailing characters found: `/qux`"},
      {"a:b/c@", "empty string"},
      {"a:b/c@.", "unexpected character '.'"},
      {"a:b/c@1.", "unexpected end of input"},
      {"a:b/c@a.2", "unexpected character 'a'"},
      {"a:b/c@2.0x0", "unexpected character 'x'"},
      {"a:b/c@2.0.0+", "empty identifier segment"},
      {"a:b/c@2.0.0-", "empty identifier segment"},
      {"a:b/c@01.0.0", "invalid leading zero"},
  };
  for (const Bad& c : cases) {
    SCOPED_TRACE(c.text);
    Result<ExternName> n = parse_extern_name(c.text);
    ASSERT_FALSE(n.ok());
    EXPECT_EQ(n.error().code, ErrorCode::InvalidExternName);
    EXPECT_NE(n.error().message().find(c.words), std::string::npos) << n.error().message();
    EXPECT_NE(n.error().message().find("is not a valid extern name"), std::string::npos);
  }
}

TEST(ExternName, UniquenessIgnoresCaseAndAnnotations) {
  auto key = [](const char* s) { return parse_extern_name(s).value().uniqueness_key(); };
  EXPECT_EQ(key("a"), key("A"));
  EXPECT_EQ(key("FOO-bar-BAZ"), key("foo-BAR-baz"));
  EXPECT_EQ(key("[method]a.a"), key("a"));
  EXPECT_EQ(key("[static]a.a"), key("a"));
  EXPECT_EQ(key("[method]r.f"), key("[static]r.f"));
  EXPECT_NE(key("[constructor]a"), key("a"));
  EXPECT_NE(key("[method]a.b"), key("a"));
  EXPECT_NE(key("wasi:http/types@1.0.0"), key("wasi:http/types@2.0.0"));
  EXPECT_NE(key("wasi:http/types"), key("wasi:http/types@1.0.0"));
}

TEST(SemVer, ParsesAndPrints) {
  auto v = parse_semver("1.22.333-rc.1+build.5");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->major, 1u);
  EXPECT_EQ(v->minor, 22u);
  EXPECT_EQ(v->patch, 333u);
  EXPECT_EQ(v->pre, "rc.1");
  EXPECT_EQ(v->build, "build.5");
  EXPECT_EQ(to_string(*v), "1.22.333-rc.1+build.5");
}

TEST(SemVer, CompatibleVersionsSatisfyImports) {
  struct Case {
    const char *wanted, *offered;
    bool matches;
  } cases[] = {
      {"a:b/c@1.0.0", "a:b/c@1.2.3", true},  // same major
      {"a:b/c@1.0.0", "a:b/c@2.0.0", false},
      {"a:b/c@0.2.0", "a:b/c@0.2.5", true},  // 0.x: same minor
      {"a:b/c@0.2.0", "a:b/c@0.3.0", false},
      {"a:b/c@0.0.1", "a:b/c@0.0.2", false},  // 0.0.x: same patch
      {"a:b/c@1.0.0-rc", "a:b/c@1.0.0", false},
      {"a:b/c@1.0.0", "a:b/d@1.0.0", false},
      {"a:b/c", "a:b/c", true},
      {"a:b/c", "a:b/c@1.0.0", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.wanted) + " <- " + c.offered);
    auto wanted = parse_extern_name(c.wanted), offered = parse_extern_name(c.offered);
    ASSERT_TRUE(wanted.ok() && offered.ok());
    EXPECT_EQ(import_name_matches(*wanted, *offered), c.matches);
  }
}

}  // namespace
}  // namespace flint::component
