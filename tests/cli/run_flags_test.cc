// The capability and limit flags of `flint run` (src/cli/run_flags.h).
#include <cstdlib>

#include <gtest/gtest.h>

#include "cli/run_flags.h"

namespace flint::cli {
namespace {

TEST(RunFlagsTest, DirSpecs) {
  wasi::PreopenDir d = parse_dir_flag("/srv/data::/data", false);
  EXPECT_EQ(d.host_path, "/srv/data");
  EXPECT_EQ(d.guest_path, "/data");
  EXPECT_FALSE(d.read_only);
  d = parse_dir_flag("relative/dir", true);
  EXPECT_EQ(d.host_path, "relative/dir");
  EXPECT_EQ(d.guest_path, "relative/dir");  // the guest sees the host's spelling, as in Wasmtime
  EXPECT_TRUE(d.read_only);
  d = parse_dir_flag(".::/", false);
  EXPECT_EQ(d.host_path, ".");
  EXPECT_EQ(d.guest_path, "/");
}

TEST(RunFlagsTest, EnvSpecs) {
  auto v = parse_env_flag("NAME=a=b");
  ASSERT_TRUE(v.ok() && v->has_value());
  EXPECT_EQ((*v)->first, "NAME");
  EXPECT_EQ((*v)->second, "a=b");
  v = parse_env_flag("EMPTY=");
  ASSERT_TRUE(v.ok() && v->has_value());
  EXPECT_EQ((*v)->second, "");
  setenv("FLINT_RUN_FLAGS_TEST", "inherited", 1);
  v = parse_env_flag("FLINT_RUN_FLAGS_TEST");
  ASSERT_TRUE(v.ok() && v->has_value());
  EXPECT_EQ((*v)->second, "inherited");
  unsetenv("FLINT_RUN_FLAGS_TEST");
  v = parse_env_flag("FLINT_RUN_FLAGS_TEST");
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->has_value());  // not set on the host: not passed
  EXPECT_FALSE(parse_env_flag("=x").ok());
}

TEST(RunFlagsTest, MemorySizes) {
  EXPECT_EQ(*parse_memory_pages("65536"), 1u);
  EXPECT_EQ(*parse_memory_pages("128K"), 2u);
  EXPECT_EQ(*parse_memory_pages("1M"), 16u);
  EXPECT_EQ(*parse_memory_pages("1.5MiB"), 24u);
  EXPECT_EQ(*parse_memory_pages("1G"), 16384u);
  EXPECT_EQ(*parse_memory_pages("100G"), 65536u);  // capped at 4 GiB
  EXPECT_EQ(*parse_memory_pages("1000"), 0u);
  EXPECT_FALSE(parse_memory_pages("12Q").ok());
  EXPECT_FALSE(parse_memory_pages("-1M").ok());
  EXPECT_FALSE(parse_memory_pages("").ok());
}

TEST(RunFlagsTest, Durations) {
  using std::chrono::milliseconds;
  EXPECT_EQ(*parse_duration("2"), std::chrono::seconds(2));
  EXPECT_EQ(*parse_duration("1.5s"), milliseconds(1500));
  EXPECT_EQ(*parse_duration("250ms"), milliseconds(250));
  EXPECT_EQ(*parse_duration("2m"), std::chrono::minutes(2));
  EXPECT_FALSE(parse_duration("soon").ok());
  EXPECT_FALSE(parse_duration("5 days").ok());
  EXPECT_FALSE(parse_duration("nan").ok());
  EXPECT_TRUE(parse_duration("1e300").ok());  // clamped, no overflow
}

TEST(RunFlagsTest, Argv0IsTheBaseName) {
  EXPECT_EQ(guest_argv0("/home/me/build/app.wasm"), "app.wasm");
  EXPECT_EQ(guest_argv0("app.wat"), "app.wat");
  EXPECT_EQ(guest_argv0("dir/"), "dir");
}

}  // namespace
}  // namespace flint::cli
