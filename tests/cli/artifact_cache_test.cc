// The compilation cache of `flint run --engine aot` and `--engine tiered`
// (src/aot/artifact_cache.h), observed from outside: FLINT_COMPILE points at a wrapper that logs
// each run of the real flint-compile, so a cache hit is a run that adds no line.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "aot/artifact.h"
#include "flint_process.h"

namespace {

namespace fs = std::filesystem;

using flint::cli_test::finish;
using flint::cli_test::RunResult;

class ArtifactCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::path compiler = flint::cli_test::flint_compile_path();
    if (!fs::exists(compiler)) GTEST_SKIP() << "no flint-compile next to flint (LLVM not found)";
    dir_ = fs::temp_directory_path() / ("flint-cache-test-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    cache_ = dir_ / "cache";
    log_ = dir_ / "compiles.log";
    wrapper_ = dir_ / "counting-compile";
    std::ofstream(wrapper_) << "#!/bin/sh\necho run >> '" << log_.string() << "'\nexec '"
                            << compiler.string() << "' \"$@\"\n";
    fs::permissions(wrapper_, fs::perms::owner_all);
    module_ = dir_ / "answer.wat";
    std::ofstream(module_) << "(module (func (export \"answer\") (result i32) (i32.const 42)))\n";
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  std::string command(const std::string& flags, const fs::path& cache) const {
    return "FLINT_CACHE_DIR='" + cache.string() + "' FLINT_COMPILE='" + wrapper_.string() + "' " +
           FLINT_BINARY + " run " + (engine_.empty() ? "" : "--engine " + engine_) + " " + flags +
           " --invoke " + invoke_ + " '" + module_.string() + "' 2>&1";
  }
  RunResult run(const std::string& flags = "", const fs::path& cache = {}) const {
    return finish(popen(command(flags, cache.empty() ? cache_ : cache).c_str(), "r"));
  }
  int compiles() const {
    std::ifstream in(log_);
    int lines = 0;
    for (std::string line; std::getline(in, line);) ++lines;
    return lines;
  }
  std::vector<fs::path> entries() const {
    std::vector<fs::path> out;
    if (fs::exists(cache_))
      for (const auto& e : fs::directory_iterator(cache_)) out.push_back(e.path());
    return out;
  }
  static std::vector<uint8_t> bytes_of(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
  }

  fs::path dir_, cache_, log_, wrapper_, module_;
  std::string engine_ = "aot", invoke_ = "answer";
};

TEST_F(ArtifactCacheTest, SecondRunLoadsTheCachedArtifactWithoutCompiling) {
  RunResult first = run();
  EXPECT_EQ(first.exit_code, 0) << first.output;
  EXPECT_EQ(first.output, "42\n");
  EXPECT_EQ(compiles(), 1);
  std::vector<fs::path> files = entries();
  ASSERT_EQ(files.size(), 1u);  // the entry, no temporary file left
  EXPECT_EQ(files[0].extension(), ".fwasm");
  struct stat before;
  ASSERT_EQ(stat(files[0].c_str(), &before), 0);

  RunResult second = run();
  EXPECT_EQ(second.exit_code, 0) << second.output;
  EXPECT_EQ(second.output, "42\n");
  EXPECT_EQ(compiles(), 1);  // flint-compile did not run again
  struct stat after;
  ASSERT_EQ(stat(files[0].c_str(), &after), 0);
  EXPECT_EQ(after.st_ino, before.st_ino);  // nor was the entry rewritten
}

TEST_F(ArtifactCacheTest, NoCacheNeitherReadsNorWrites) {
  RunResult uncached = run("--no-cache");
  EXPECT_EQ(uncached.output, "42\n");
  EXPECT_EQ(compiles(), 1);
  EXPECT_TRUE(entries().empty());

  run();  // fills the cache
  ASSERT_EQ(compiles(), 2);
  ASSERT_EQ(entries().size(), 1u);
  RunResult again = run("--no-cache");
  EXPECT_EQ(again.output, "42\n");
  EXPECT_EQ(compiles(), 3);  // the entry was there, and not read
}

TEST_F(ArtifactCacheTest, CorruptedEntryIsCompiledAgainAndReplaced) {
  run();
  ASSERT_EQ(entries().size(), 1u);
  fs::path entry = entries()[0];
  std::vector<uint8_t> good = bytes_of(entry);
  ASSERT_GT(good.size(), 200u);

  std::vector<uint8_t> flipped = good;
  flipped[flipped.size() - 100] ^= 0x40;  // inside the code: its hash no longer matches
  std::ofstream(entry, std::ios::binary)
      .write(reinterpret_cast<const char*>(flipped.data()), flipped.size());
  RunResult r = run();
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, "42\n");
  EXPECT_EQ(compiles(), 2);
  EXPECT_EQ(bytes_of(entry), good);

  fs::resize_file(entry, 10);  // truncated
  r = run();
  EXPECT_EQ(r.output, "42\n");
  EXPECT_EQ(compiles(), 3);
  EXPECT_EQ(bytes_of(entry), good);
}

TEST_F(ArtifactCacheTest, ProcessesFillingTheSameEntryAtOnceAllSucceed) {
  constexpr int kProcesses = 4;
  std::vector<FILE*> pipes;
  for (int i = 0; i < kProcesses; ++i) pipes.push_back(popen(command("", cache_).c_str(), "r"));
  for (FILE* pipe : pipes) {
    RunResult r = finish(pipe);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(r.output, "42\n");
  }
  std::vector<fs::path> files = entries();
  ASSERT_EQ(files.size(), 1u);  // one entry, no temporary file left behind
  std::vector<uint8_t> entry = bytes_of(files[0]);
  auto artifact = flint::aot::decode_artifact(entry);
  EXPECT_TRUE(artifact) << artifact.error().describe();
  int before = compiles();
  EXPECT_EQ(run().output, "42\n");
  EXPECT_EQ(compiles(), before);  // and it is used
}

TEST_F(ArtifactCacheTest, UnwritableCacheIsAWarningNotAFailure) {
  fs::path not_a_directory = dir_ / "file";
  std::ofstream(not_a_directory) << "x";
  RunResult r = run("", not_a_directory / "cache");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("flint: warning: cannot write the compilation cache"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("42\n"), std::string::npos);
}

// Tiered, the default engine where flint-compile is installed: a short run
// never becomes hot, so it spawns no compile; a long one starts
// interpreted and, once hot and its background compile done, finishes
// compiled, leaving the artifact in the cache; the next run starts
// compiled (no compile). fib(42) takes seconds interpreted and a fraction
// of one compiled, far longer than the compile.
TEST_F(ArtifactCacheTest, ByDefaultAShortRunSpawnsNoCompileAndALongOneFillsTheCache) {
  engine_ = "";
  RunResult short_run = run();
  EXPECT_EQ(short_run.output, "42\n");
  EXPECT_EQ(compiles(), 0);
  EXPECT_TRUE(entries().empty());
  std::ofstream(module_) << R"((module
    (func $fib (param i32) (result i32)
      (if (result i32) (i32.lt_u (local.get 0) (i32.const 2)) (then (local.get 0))
        (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                       (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
    (func (export "fib42") (result i32) (call $fib (i32.const 42))))
)";
  invoke_ = "fib42";
  RunResult first = run();
  EXPECT_EQ(first.exit_code, 0) << first.output;
  EXPECT_EQ(first.output, "267914296\n");
  EXPECT_EQ(compiles(), 1);
  ASSERT_EQ(entries().size(), 1u);
  RunResult second = run("--engine tiered");
  EXPECT_EQ(second.output, "267914296\n");
  EXPECT_EQ(compiles(), 1);  // started from the cached artifact
}

// --tier-up-after 0 starts the compile at once; --engine interp never
// compiles, however long the run.
TEST_F(ArtifactCacheTest, TierUpAfterZeroCompilesAtOnceAndInterpNever) {
  std::ofstream(module_) << R"((module
    (func (export "spin") (result i32) (local i32)
      (loop $l (br_if $l (i32.ne (local.tee 0 (i32.add (local.get 0) (i32.const 1)))
                                 (i32.const 200000000))))
      (local.get 0)))
)";
  invoke_ = "spin";
  engine_ = "interp";
  RunResult interpreted = run();
  EXPECT_EQ(interpreted.output, "200000000\n");
  EXPECT_EQ(compiles(), 0);
  engine_ = "tiered";
  RunResult at_once = run("--tier-up-after 0");
  EXPECT_EQ(at_once.output, "200000000\n");
  // Hot before any frame ran: the first compile has no loop entry, and the
  // spinning frame moves to the second's, which has them all.
  EXPECT_EQ(compiles(), 2);
}

}  // namespace
