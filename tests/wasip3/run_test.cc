// `flint run` of a WASI 0.3 command: the entry point is wasi:cli/run@0.3's
// async `run` even when the component also exports run@0.2 (as every
// wasm32-wasip3 program does), and imports of the release-candidate names
// current SDKs use link. Components are written in the text format and
// encoded by wasm-tools.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "../wasi/subprocess.h"

namespace flint::wasip3 {
namespace {

namespace fs = std::filesystem;
using wasi_test::Outcome;
using wasi_test::run_command;

fs::path scratch() {
  static const fs::path dir = [] {
    fs::path p = fs::temp_directory_path() / ("flint-wasip3-" + std::to_string(getpid()));
    fs::create_directories(p);
    return p;
  }();
  return dir;
}

/// The binary of a component written in the text format; empty on failure.
fs::path parse_wat(const std::string& name, const std::string& text) {
  fs::path wat = scratch() / (name + ".wat"), wasm = scratch() / (name + ".wasm");
  std::ofstream(wat) << text;
  std::string cmd = "wasm-tools parse " + wat.string() + " -o " + wasm.string();
  return std::system(cmd.c_str()) == 0 ? wasm : fs::path();
}

/// run@0.2.0 returns err; run@0.3.0 (async, stackful) takes a random u64,
/// waits 30 ms with monotonic-clock.wait-for, and returns ok only when the
/// clock says 30 ms passed. Its imports name the release candidate.
constexpr const char* kCommand = R"((component
  (import "wasi:random/random@0.3.0-rc-2026-03-15" (instance $random
    (export "get-random-u64" (func (result u64)))))
  (import "wasi:clocks/monotonic-clock@0.3.0-rc-2026-03-15" (instance $clock
    (export "now" (func (result u64)))
    (export "wait-for" (func async (param "how-long" u64)))))
  (core func $u64 (canon lower (func $random "get-random-u64")))
  (core func $now (canon lower (func $clock "now")))
  (core func $wait (canon lower (func $clock "wait-for")))
  (core func $return (canon task.return (result (result))))
  (core module $M
    (import "" "u64" (func $u64 (result i64)))
    (import "" "now" (func $now (result i64)))
    (import "" "wait" (func $wait (param i64)))
    (import "" "return" (func $return (param i32)))
    (func (export "run3") (local $start i64)
      (drop (call $u64))
      (local.set $start (call $now))
      (call $wait (i64.const 30000000))
      ;; ok (0) when 30 ms passed, else err (1)
      (call $return (i64.lt_u (i64.sub (call $now) (local.get $start)) (i64.const 30000000))))
    (func (export "run2") (result i32) (i32.const 1)))
  (core instance $m (instantiate $M (with "" (instance
    (export "u64" (func $u64))
    (export "now" (func $now))
    (export "wait" (func $wait))
    (export "return" (func $return))))))
  (func $run3 async (result (result)) (canon lift (core func $m "run3") async))
  (func $run2 (result (result)) (canon lift (core func $m "run2")))
  (instance $run3i (export "run" (func $run3)))
  (instance $run2i (export "run" (func $run2)))
  (export "wasi:cli/run@0.2.0" (instance $run2i))
  (export "wasi:cli/run@0.3.0-rc-2026-03-15" (instance $run3i))
))";

TEST(WasiP3Run, TheAsyncRunOfWasi03IsTheEntryPoint) {
  if (std::system("wasm-tools --version > /dev/null 2>&1") != 0) GTEST_SKIP() << "no wasm-tools";
  fs::path c = parse_wat("command", kCommand);
  ASSERT_FALSE(c.empty());
  for (const char* engine : {"interp", "aot"}) {
    Outcome r = run_command({FLINT_BINARY, "run", "--engine", engine, c.string()}, scratch());
    EXPECT_EQ(r.exit_code, 0) << engine << ": " << r.err;
    EXPECT_EQ(r.err, "") << engine;
  }
}

TEST(WasiP3Run, AnImportOfAnotherReleaseCandidateFailsByName) {
  if (std::system("wasm-tools --version > /dev/null 2>&1") != 0) GTEST_SKIP() << "no wasm-tools";
  std::string text = kCommand;
  std::string from = "wasi:random/random@0.3.0-rc-2026-03-15";
  text.replace(text.find(from), from.size(), "wasi:random/random@0.3.0-rc-2025-09-16");
  fs::path c = parse_wat("old_rc", text);
  ASSERT_FALSE(c.empty());
  Outcome r = run_command({FLINT_BINARY, "run", c.string()}, scratch());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("wasi:random/random@0.3.0-rc-2025-09-16"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("is not defined by the host"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace flint::wasip3
