// wasi:cli, wasi:io, wasi:clocks and wasi:random through real components: C
// programs made components by the preview-1 command adapter, run in-process.
#include <gtest/gtest.h>

#include "component_guest.h"

namespace flint::wasip2_test {
namespace {

RunOutcome build_and_run(const std::string& name, const std::string& source,
                         wasi::WasiOptions options = {}) {
  std::string error;
  fs::path c = component(name, source, error);
  if (c.empty()) {
    ADD_FAILURE() << error;
    return {};
  }
  if (options.args.empty()) options.args.push_back(name);
  return run(c, std::move(options));
}

TEST(WasiP2Cli, HelloToStdoutAndStderr) {
  WASIP2_REQUIRE_TOOLCHAIN();
  RunOutcome r = build_and_run("hello", R"c(
#include <stdio.h>
int main(void) {
  printf("hello from a component\n");
  fprintf(stderr, "and to stderr\n");
  return 0;
})c");
  ASSERT_FALSE(r.error) << r.error->describe();
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "hello from a component\n");
  EXPECT_EQ(r.err, "and to stderr\n");
}

constexpr const char* kArgsEnv = R"c(
#include <stdio.h>
#include <stdlib.h>
extern char** environ;
int main(int argc, char** argv) {
  for (int i = 0; i < argc; ++i) printf("arg %s\n", argv[i]);
  for (char** e = environ; *e; ++e) printf("env %s\n", *e);
  return 0;
})c";

TEST(WasiP2Cli, ArgumentsAndGrantedEnvironmentOnly) {
  WASIP2_REQUIRE_TOOLCHAIN();
  wasi::WasiOptions o;
  o.args = {"prog", "one", "two words"};
  o.env = {{"GREETING", "hi"}, {"EMPTY", ""}};
  RunOutcome r = build_and_run("args_env", kArgsEnv, o);
  ASSERT_FALSE(r.error) << r.error->describe();
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "arg prog\narg one\narg two words\nenv GREETING=hi\nenv EMPTY=\n");
}

TEST(WasiP2Cli, NoEnvironmentUnlessGranted) {
  WASIP2_REQUIRE_TOOLCHAIN();
  RunOutcome r = build_and_run("args_env", kArgsEnv);
  ASSERT_FALSE(r.error) << r.error->describe();
  EXPECT_EQ(r.out, "arg args_env\n");
}

TEST(WasiP2Cli, ExitCodes) {
  WASIP2_REQUIRE_TOOLCHAIN();
  // The preview-1 adapter's proc_exit calls wasi:cli/exit with `err` for any
  // non-zero code, so exit(3) ends with 1, as under Wasmtime; the exact code
  // needs exit-with-code (run_test.cc's ExitWithCode).
  RunOutcome three = build_and_run("exit3", R"c(
#include <stdio.h>
#include <stdlib.h>
int main(void) { printf("before exit\n"); fflush(stdout); exit(3); })c");
  ASSERT_FALSE(three.error) << three.error->describe();
  EXPECT_EQ(three.exit_code, 1);
  EXPECT_EQ(three.out, "before exit\n");
  RunOutcome seven = build_and_run("return7", "int main(void) { return 7; }");
  EXPECT_EQ(seven.exit_code, 1);
  RunOutcome zero = build_and_run("return0", "int main(void) { return 0; }");
  EXPECT_EQ(zero.exit_code, 0);
  RunOutcome exit0 = build_and_run("exit0", "#include <stdlib.h>\nint main(void) { exit(0); }");
  EXPECT_EQ(exit0.exit_code, 0);
}

TEST(WasiP2Cli, TrapIsAnError) {
  WASIP2_REQUIRE_TOOLCHAIN();
  RunOutcome r = build_and_run("trap", "int main(void) { __builtin_trap(); }");
  EXPECT_FALSE(r.exit_code);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->phase(), Phase::Trap) << r.error->describe();
}

TEST(WasiP2Cli, ClocksAndRandom) {
  WASIP2_REQUIRE_TOOLCHAIN();
  RunOutcome r = build_and_run("clocks_random", R"c(
#include <stdio.h>
#include <time.h>
#include <unistd.h>
int main(void) {
  struct timespec a, b, wall, res;
  clock_gettime(CLOCK_MONOTONIC, &a);
  struct timespec nap = {0, 20 * 1000 * 1000};
  if (nanosleep(&nap, 0) != 0) { printf("nanosleep failed\n"); return 1; }
  clock_gettime(CLOCK_MONOTONIC, &b);
  long long slept = (b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec);
  printf("slept at least 20ms: %d\n", slept >= 20000000LL);
  clock_gettime(CLOCK_REALTIME, &wall);
  printf("wall clock after 2020: %d\n", wall.tv_sec > 1577836800);
  printf("resolution: %d\n", clock_getres(CLOCK_MONOTONIC, &res) == 0 && res.tv_sec == 0);
  unsigned char r1[32] = {0}, r2[32] = {0};
  if (getentropy(r1, sizeof r1) != 0 || getentropy(r2, sizeof r2) != 0) return 2;
  int same = 1, zero = 1;
  for (int i = 0; i < 32; ++i) { same &= r1[i] == r2[i]; zero &= r1[i] == 0; }
  printf("random differs: %d, not zero: %d\n", !same, !zero);
  return 0;
})c");
  ASSERT_FALSE(r.error) << r.error->describe();
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out,
            "slept at least 20ms: 1\nwall clock after 2020: 1\nresolution: 1\n"
            "random differs: 1, not zero: 1\n");
}

}  // namespace
}  // namespace flint::wasip2_test
