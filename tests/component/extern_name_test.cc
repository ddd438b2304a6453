// parse_extern_name and parse_semver (component-model Explainer.md, "Import
// and Export Definitions").
#include "component/extern_name.h"

#include <gtest/gtest.h>

namespace flint::component {
namespace {

TEST(ExternName, PlainLabel) {
  auto n = parse_extern_name("a11-B11-123-ABC-abc");
  ASSERT_TRUE(n.ok()) << n.error().message();
  EXPECT_EQ(n->kind, ExternName::Kind::Label);
}

}  // namespace
}  // namespace flint::component
