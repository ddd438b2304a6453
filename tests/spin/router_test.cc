// Spin's routing rules (spin/router.h), with the cases of Spin's own router
// tests and the conformance suite's request-shape.
#include "spin/router.h"

#include <gtest/gtest.h>

namespace flint::spin {
namespace {

Router build(std::vector<std::string> routes) {
  std::vector<RouteEntry> entries;
  for (size_t i = 0; i < routes.size(); ++i)
    entries.push_back({routes[i], "trigger" + std::to_string(i)});
  auto r = Router::build(entries);
  EXPECT_TRUE(r) << r.error().message();
  return std::move(*r);
}

/// The route that serves `path`, or "404".
std::string serving(const Router& r, std::string_view path) {
  auto m = r.route(path);
  return m ? m->raw_route : "404";
}

TEST(RouterTest, ExactRoutesMatchOnlyTheirPath) {
  Router r = build({"/foo", "/foo/bar"});
  EXPECT_EQ(serving(r, "/foo"), "/foo");
  EXPECT_EQ(serving(r, "/foo/bar"), "/foo/bar");
  EXPECT_EQ(serving(r, "/foo/"), "/foo");  // one trailing slash is not significant
  EXPECT_EQ(serving(r, "/foobar"), "404");
  EXPECT_EQ(serving(r, "/"), "404");
}

TEST(RouterTest, WildcardMatchesItsPrefixAndBelow) {
  Router r = build({"/..."});
  EXPECT_EQ(serving(r, "/foo/bar"), "/...");
  EXPECT_EQ(serving(r, "/"), "/...");
  EXPECT_EQ(serving(r, "/abc/"), "/...");
  Router s = build({"/test/..."});
  EXPECT_EQ(serving(s, "/test"), "/test/...");
  EXPECT_EQ(serving(s, "/testing"), "404");
}

TEST(RouterTest, ExactBeatsWildcardAndLongestWildcardWins) {
  Router r = build({"/...", "/one"});
  EXPECT_EQ(serving(r, "/one"), "/one");
  EXPECT_EQ(serving(r, "/two"), "/...");
  for (auto order : {std::vector<std::string>{"/one/...", "/one/two/...", "/one/two/three/..."},
                     std::vector<std::string>{"/one/two/three/...", "/one/two/...", "/one/..."}}) {
    Router w = build(order);
    EXPECT_EQ(serving(w, "/one/two/three/four"), "/one/two/three/...");
    EXPECT_EQ(serving(w, "/one/two/x"), "/one/two/...");
    EXPECT_EQ(serving(w, "/one"), "/one/...");
  }
}

TEST(RouterTest, TrailingWildcardIsPathInfoWithItsSlashes) {
  Router r = build({"/test/..."});
  EXPECT_EQ(r.route("/test")->path_info, "");
  EXPECT_EQ(r.route("/test/")->path_info, "/");
  EXPECT_EQ(r.route("/test/hello")->path_info, "/hello");
  EXPECT_EQ(r.route("/test/hello/")->path_info, "/hello/");
  EXPECT_EQ(build({"/..."}).route("/1/2/3")->path_info, "/1/2/3");
  EXPECT_EQ(build({"/1/..."}).route("/1/2/3")->path_info, "/2/3");
  EXPECT_EQ(build({"/legacy/*"}).route("/legacy/a")->path_info, "/a");
}

TEST(RouterTest, NamedSegmentsAreCaptured) {
  Router r = build({"/1/:two/3"});
  auto m = r.route("/1/2/3");
  ASSERT_TRUE(m);
  ASSERT_EQ(m->captures.size(), 1u);
  EXPECT_EQ(m->captures[0], (std::pair<std::string, std::string>{"two", "2"}));
  EXPECT_EQ(serving(r, "/1/2/4"), "404");
  EXPECT_EQ(serving(r, "/1//3"), "404");  // a :name needs a segment
  // An exact segment beats a :name.
  Router p = build({"/users/:id", "/users/me"});
  EXPECT_EQ(serving(p, "/users/me"), "/users/me");
  EXPECT_EQ(serving(p, "/users/42"), "/users/:id");
}

TEST(RouterTest, RequestShapeOfTheConformanceSuite) {
  Router r = build({"/base/:path_segment/:path_end/..."});
  auto m = r.route("/base/path/end/rest");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->raw_route, "/base/:path_segment/:path_end/...");
  EXPECT_EQ(m->component_route, "/base/:path_segment/:path_end");
  EXPECT_EQ(m->path_info, "/rest");
  ASSERT_EQ(m->captures.size(), 2u);
  EXPECT_EQ(m->captures[0].second, "path");
  EXPECT_EQ(m->captures[1].second, "end");
}

TEST(RouterTest, DuplicatesKeepTheLastAndAreReported) {
  std::vector<DuplicateRoute> dups;
  auto r = Router::build({{"/foo", "first"}, {"/foo", "second"}, {"/...", "all"}}, &dups);
  ASSERT_TRUE(r);
  ASSERT_EQ(dups.size(), 1u);
  EXPECT_EQ(dups[0].replaced, "first");
  EXPECT_EQ(dups[0].effective, "second");
  EXPECT_EQ(r->route("/foo")->trigger, 1u);
  EXPECT_EQ(r->listing().size(), 2u);
}

TEST(RouterTest, MalformedRoutesAreRefusedNamingTheTrigger) {
  auto r = Router::build({{"/a/.../b", "bad"}});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("bad"), std::string::npos);
  EXPECT_FALSE(Router::build({{"/a/:/b", "empty-name"}}));
}

TEST(RouterTest, ListingShowsWildcards) {
  Router r = build({"/", "/foo", "/whee/..."});
  auto l = r.listing();
  ASSERT_EQ(l.size(), 3u);
  EXPECT_EQ(l[0].second, "/");
  EXPECT_EQ(l[1].second, "/foo");
  EXPECT_EQ(l[2].second, "/whee (wildcard)");
}

}  // namespace
}  // namespace flint::spin
