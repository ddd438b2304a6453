// Image references: Docker's normalisation and the errors that name the
// part at fault (src/oci/reference.h).
#include "oci/reference.h"

#include <gtest/gtest.h>

namespace flint::oci {
namespace {

struct Good {
  const char* text;
  const char* registry;
  const char* repository;
  const char* tag;
};

TEST(Reference, ParsesAndNormalises) {
  const Good cases[] = {
      {"127.0.0.1:5000/app:v1", "127.0.0.1:5000", "app", "v1"},
      {"localhost/a/b", "localhost", "a/b", "latest"},
      {"ghcr.io/fermyon/spin-hello:1.0.0", "ghcr.io", "fermyon/spin-hello", "1.0.0"},
      {"alpine", "registry-1.docker.io", "library/alpine", "latest"},
      {"docker.io/user/app:x_y.z-1", "registry-1.docker.io", "user/app", "x_y.z-1"},
      {"[::1]:5000/a__b/c-d:t", "[::1]:5000", "a__b/c-d", "t"},
  };
  for (const Good& c : cases) {
    auto ref = parse_reference(c.text);
    ASSERT_TRUE(ref) << c.text << ": " << ref.error().message();
    EXPECT_EQ(ref->registry, c.registry) << c.text;
    EXPECT_EQ(ref->repository, c.repository) << c.text;
    EXPECT_EQ(ref->tag, c.tag) << c.text;
  }
}

TEST(Reference, DigestOnlyHasNoTag) {
  std::string digest = "sha256:" + std::string(64, 'a');
  auto ref = parse_reference("127.0.0.1:5000/app@" + digest);
  ASSERT_TRUE(ref);
  EXPECT_EQ(ref->tag, "");
  EXPECT_EQ(ref->manifest_reference(), digest);
  EXPECT_EQ(ref->to_string(), "127.0.0.1:5000/app@" + digest);
}

TEST(Reference, RefusesWithThePlaceAtFault) {
  const std::pair<const char*, const char*> cases[] = {
      {"", "empty"},
      {"127.0.0.1:5000/App:v1", "repository component `App`"},
      {"127.0.0.1:5000/app:", "tag ``"},
      {"127.0.0.1:5000/app:-x", "tag `-x`"},
      {"127.0.0.1:5000/app@sha256:12", "digest"},
      {"127.0.0.1:5000/", "repository name is missing"},
      {"127.0.0.1:abc/app", "registry `127.0.0.1:abc`"},
      {"127.0.0.1:5000/a//b", "repository component ``"},
      {"127.0.0.1:5000/a..b", "repository component `a..b`"},
  };
  for (const auto& [text, expected] : cases) {
    auto ref = parse_reference(text);
    ASSERT_FALSE(ref) << text;
    EXPECT_NE(ref.error().message().find(expected), std::string::npos)
        << text << " -> " << ref.error().message();
  }
}

TEST(Reference, LoopbackRegistriesAreTheMachinesOwn) {
  EXPECT_TRUE(parse_reference("127.0.0.1:5000/a")->is_loopback());
  EXPECT_TRUE(parse_reference("localhost:5000/a")->is_loopback());
  EXPECT_TRUE(parse_reference("[::1]:5000/a")->is_loopback());
  EXPECT_FALSE(parse_reference("ghcr.io/a")->is_loopback());
  EXPECT_FALSE(parse_reference("127.example.com/a")->is_loopback());  // a name, not an address
}

TEST(Reference, NamesRegistryOnlyWithAHostLikeFirstComponent) {
  EXPECT_TRUE(names_registry("127.0.0.1:5000/app:v1"));
  EXPECT_TRUE(names_registry("localhost/app"));
  EXPECT_TRUE(names_registry("ghcr.io/a/b"));
  EXPECT_FALSE(names_registry("examples/hello-spin"));
  EXPECT_FALSE(names_registry("spin.toml"));
}

}  // namespace
}  // namespace flint::oci
