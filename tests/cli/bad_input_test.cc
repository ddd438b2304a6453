// `flint run` on garbage, truncated and hostile modules: one clear error line
// naming the file, exit code 1, never a crash.
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "flint_process.h"

namespace {

using flint::cli_test::RunResult;
using flint::cli_test::run_flint;

class BadInputTest : public ::testing::Test {
 protected:
  std::string write(const std::string& name, const std::vector<uint8_t>& bytes) {
    return dir_.write(name, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  }

  // Expects a one-line error naming the file and exit 1.
  void expect_clean_error(const std::string& path, const std::string& words) {
    RunResult r = run_flint("run --invoke f " + path);
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_NE(r.output.find(path), std::string::npos) << r.output;
    EXPECT_NE(r.output.find(words), std::string::npos) << r.output;
  }

  flint::cli_test::ScratchDir dir_{"flint-bad-input"};
};

// A valid module: (func (export "f") (result i32) i32.const 7)
const std::vector<uint8_t> kValid = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,              // header
    0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f,                    // type: [] -> [i32]
    0x03, 0x02, 0x01, 0x00,                                      // func 0: type 0
    0x07, 0x05, 0x01, 0x01, 'f', 0x00, 0x00,                     // export "f"
    0x0a, 0x06, 0x01, 0x04, 0x00, 0x41, 0x07, 0x0b,              // code
};

TEST_F(BadInputTest, ValidModuleRuns) {
  RunResult r = run_flint("run --invoke f " + write("ok.wasm", kValid));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, "7\n");
}

TEST_F(BadInputTest, MissingFile) {
  RunResult r = run_flint("run " + (dir_ / "absent.wasm"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("absent.wasm"), std::string::npos) << r.output;
}

TEST_F(BadInputTest, BadMagicIsParsedAsTextAndRejected) {
  RunResult r = run_flint("run " + write("garbage.wasm", {0x7f, 'E', 'L', 'F', 1, 2, 3}));
  EXPECT_EQ(r.exit_code, 1) << r.output;
}

TEST_F(BadInputTest, WrongVersion) {
  expect_clean_error(write("v2.wasm", {0x00, 0x61, 0x73, 0x6d, 0x02, 0x00, 0x00, 0x00}),
                     "unknown binary version");
}

TEST_F(BadInputTest, EveryTruncationIsAnError) {
  for (size_t len = 4; len < kValid.size(); ++len) {
    std::vector<uint8_t> cut(kValid.begin(), kValid.begin() + len);
    RunResult r = run_flint("run --invoke f " + write("cut.wasm", cut));
    EXPECT_EQ(r.exit_code, 1) << "length " << len << ": " << r.output;
  }
}

TEST_F(BadInputTest, HugeCountsDoNotAllocate) {
  // A type section claiming 2^32-1 entries in 5 bytes.
  expect_clean_error(write("huge.wasm", {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01,
                                         0x05, 0xff, 0xff, 0xff, 0xff, 0x0f}),
                     "unexpected end");
}

TEST_F(BadInputTest, RandomMutationsNeverCrash) {
  std::mt19937 rng(1234);
  for (int i = 0; i < 200; ++i) {
    std::vector<uint8_t> m = kValid;
    for (int k = 0; k < 3; ++k) m[8 + rng() % (m.size() - 8)] = static_cast<uint8_t>(rng());
    RunResult r = run_flint("run --invoke f " + write("mut.wasm", m));
    // Whatever the mutation did, flint answers: a result, an error or a trap.
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1 || r.exit_code == 134)
        << "mutation " << i << " exit " << r.exit_code << ": " << r.output;
  }
}

TEST_F(BadInputTest, InvalidModuleNamesTheReason) {
  // The function body returns an i64 where i32 is declared.
  std::vector<uint8_t> m = kValid;
  m[m.size() - 3] = 0x42;  // i64.const
  expect_clean_error(write("invalid.wasm", m), "type mismatch");
}

TEST_F(BadInputTest, UnknownExportAndBadArguments) {
  std::string path = write("ok.wasm", kValid);
  RunResult r = run_flint("run --invoke nope " + path);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("nope"), std::string::npos) << r.output;
  r = run_flint("run --invoke f " + path + " 1");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("takes 0 arguments"), std::string::npos) << r.output;
}

TEST_F(BadInputTest, BadFlag) {
  RunResult r = run_flint("run --no-such-flag x.wasm");
  EXPECT_EQ(r.exit_code, 1) << r.output;
}

}  // namespace
