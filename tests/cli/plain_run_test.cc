// `flint run MODULE [ARGS...]` with no flag for flint runs without the option
// parser (run_without_option_parser); it must behave exactly as the parsed
// command line does: same exit code, same messages, the guest's words left
// to the guest, and the process ending right after the guest (end_process)
// still writes everything it printed.
#include <gtest/gtest.h>

#include <string>

#include "flint_process.h"

namespace {

using flint::cli_test::RunResult;
using flint::cli_test::run_flint;

class PlainRunTest : public ::testing::Test {
 protected:
  std::string write(const std::string& name, const std::string& text) { return dir_.write(name, text); }

  flint::cli_test::ScratchDir dir_{"flint-plain-run"};
};

// Exits with the number of its arguments (argv[0] included) plus 40.
constexpr const char* kCountArgs = R"((module
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $sizes (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (drop (call $sizes (i32.const 0) (i32.const 4)))
    (call $exit (i32.add (i32.load (i32.const 0)) (i32.const 40)))))
)";

TEST_F(PlainRunTest, SameExitCodeWithAndWithoutFlags) {
  std::string m = write("count.wat", kCountArgs);
  EXPECT_EQ(run_flint("run " + m).exit_code, 41);
  EXPECT_EQ(run_flint("run --engine interp " + m).exit_code, 41);
  EXPECT_EQ(run_flint("run " + m + " a b").exit_code, 43);
  EXPECT_EQ(run_flint("run --engine interp " + m + " a b").exit_code, 43);
}

TEST_F(PlainRunTest, FlagsAfterTheModuleAreTheGuests) {
  std::string m = write("count.wat", kCountArgs);
  RunResult r = run_flint("run " + m + " --help --version");
  EXPECT_EQ(r.exit_code, 43) << r.output;
  EXPECT_EQ(r.output.find("Usage"), std::string::npos) << r.output;
}

TEST_F(PlainRunTest, TrapsAndErrorsAreReportedAsWithFlags) {
  std::string trap = write("trap.wat", R"((module (func (export "_start") unreachable)))");
  RunResult plain = run_flint("run " + trap), parsed = run_flint("run --engine interp " + trap);
  EXPECT_EQ(plain.exit_code, 134) << plain.output;
  EXPECT_EQ(plain.output, parsed.output);
  EXPECT_NE(plain.output.find("unreachable"), std::string::npos) << plain.output;

  std::string missing = dir_ / "missing.wasm";
  RunResult absent = run_flint("run " + missing);
  EXPECT_EQ(absent.exit_code, 1) << absent.output;
  EXPECT_NE(absent.output.find(missing), std::string::npos) << absent.output;
}

}  // namespace
