// Native code only on request (issue 11): `flint run` runs a precompiled
// artifact when its file is named .fwasm or --allow-precompiled is given,
// and refuses one renamed .wasm with a message saying how, as wasmtime does.
#include <gtest/gtest.h>

#include <filesystem>

#include "flint_process.h"

namespace {

namespace fs = std::filesystem;
using flint::cli_test::run_flint;
using flint::cli_test::ScratchDir;

class PrecompiledTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(flint::cli_test::flint_compile_path()))
      GTEST_SKIP() << "no flint-compile next to flint (LLVM not found)";
    std::string module =
        dir_.write("answer.wat", "(module (func (export \"answer\") (result i32) (i32.const 42)))");
    artifact_ = dir_.path / "answer.fwasm";
    auto compiled = run_flint("compile " + module + " -o " + artifact_.string());
    ASSERT_EQ(compiled.exit_code, 0) << compiled.output;
    renamed_ = dir_.path / "answer.wasm";
    fs::copy_file(artifact_, renamed_);
  }

  ScratchDir dir_{"flint-precompiled-test"};
  fs::path artifact_, renamed_;
};

// flint-compile's loop entry plan is one letter a function, of three.
TEST_F(PrecompiledTest, FlintCompileRefusesALoopEntryPlanLetterItDoesNotKnow) {
  std::string module = (dir_.path / "answer.wat").string();
  std::string command = flint::cli_test::flint_compile_path().string() + " " + module + " -o " +
                        (dir_.path / "x.fwasm").string() + " --loop-entries x 2>&1";
  auto r = flint::cli_test::finish(popen(command.c_str(), "r"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--loop-entries: 'x' is not one of -, b, o"), std::string::npos)
      << r.output;
  EXPECT_FALSE(fs::exists(dir_.path / "x.fwasm"));
}

TEST_F(PrecompiledTest, AnArtifactNamedFwasmRuns) {
  auto r = run_flint("run --invoke answer " + artifact_.string());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, "42\n");
}

TEST_F(PrecompiledTest, ARenamedArtifactIsRefusedWithTheWayToRunIt) {
  auto r = run_flint("run --invoke answer " + renamed_.string());
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find(renamed_.string() + " is a precompiled artifact"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("--allow-precompiled"), std::string::npos) << r.output;
  // The plain path (no flag for flint) refuses it too.
  auto plain = run_flint("run " + renamed_.string());
  EXPECT_EQ(plain.exit_code, 1) << plain.output;
}

TEST_F(PrecompiledTest, AllowPrecompiledRunsItWhateverItsName) {
  auto r = run_flint("run --allow-precompiled --invoke answer " + renamed_.string());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, "42\n");
}

TEST_F(PrecompiledTest, TheTimeoutOfAnArtifactWithoutChecksStillEndsTheGuest) {
  std::string spin = dir_.write("spin.wat", "(module (func (export \"spin\") (loop $l (br $l))))");
  fs::path plain = dir_.path / "spin.fwasm";
  ASSERT_EQ(run_flint("compile " + spin + " -o " + plain.string()).exit_code, 0);
  auto r = run_flint("run --timeout 100ms --invoke spin " + plain.string());
  EXPECT_EQ(r.exit_code, 134) << r.output;
  EXPECT_NE(r.output.find("--timeout 100ms"), std::string::npos) << r.output;
  fs::path checked = dir_.path / "spin-checked.fwasm";
  ASSERT_EQ(run_flint("compile --interruptible " + spin + " -o " + checked.string()).exit_code, 0);
  auto stopped = run_flint("run --timeout 100ms --invoke spin " + checked.string());
  EXPECT_EQ(stopped.exit_code, 134) << stopped.output;
  EXPECT_NE(stopped.output.find("interrupt: the guest ran longer than --timeout 100ms"),
            std::string::npos)
      << stopped.output;
  EXPECT_NE(stopped.output.find("wasm backtrace:"), std::string::npos) << stopped.output;
}

}  // namespace
