// fuzz_component's harness in the normal build, without libFuzzer: its
// regression inputs (fuzz/regressions/component-*.input) and a component
// with every kind of import and export, each run under many choice streams,
// must finish without a crash or a failed oracle (the harness aborts), and
// the runs must get past instantiation to the exports and the host
// functions: a harness that stopped reaching them would fail here. The
// long runs are fuzz/README.md's.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <vector>

#include "flint/wat.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

struct FuzzComponentStats {
  uint64_t instantiated = 0, calls = 0, host_calls = 0, channels = 0;
};
extern FuzzComponentStats fuzz_component_stats;

namespace {

namespace fs = std::filesystem;

// The input layout of fuzz_component.cc: COMPONENT CHOICES N.
std::vector<uint8_t> with_choices(std::vector<uint8_t> component, const std::vector<uint8_t>& c) {
  component.insert(component.end(), c.begin(), c.end());
  component.push_back(uint8_t(c.size()));
  component.push_back(uint8_t(c.size() >> 8));
  return component;
}

TEST(FuzzComponent, RegressionInputsRun) {
  const fs::path dir = fs::path(FLINT_SOURCE_DIR) / "fuzz" / "regressions";
  int seen = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("component-", 0) != 0 || entry.path().extension() != ".input") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in), {}};
    EXPECT_EQ(LLVMFuzzerTestOneInput(bytes.data(), bytes.size()), 0) << name;
    ++seen;
  }
  EXPECT_GT(seen, 0);
}

// Imports of a function, a resource and an instance; exports taking and
// returning strings, lists of records, variants, options, results, flags
// and handles; a lifted function that calls the imports.
constexpr const char* kComponent = R"WAT((component
  (import "host-len" (func $host_len (param "s" string) (result u32)))
  (import "res" (type $res (sub resource)))
  (import "env" (instance $env
    (export "pick" (func (param "x" (option u8)) (result (result string (error u32)))))))
  (type $point0 (record (field "x" s32) (field "y" float64)))
  (export $point "point" (type $point0))
  (type $shape0 (variant (case "dot") (case "line" (list $point))))
  (export $shape "shape-type" (type $shape0))
  (type $perm0 (flags "read" "write" "exec"))
  (export $perm "perm-type" (type $perm0))
  (core module $Libc
    (memory (export "mem") 1)
    (global $bump (mut i32) (i32.const 1024))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (i32.and (i32.add (global.get $bump) (i32.sub (local.get 2) (i32.const 1)))
                             (i32.sub (i32.const 0) (local.get 2))))
      (global.set $bump (i32.add (local.get $p) (local.get 3)))
      (if (i32.gt_u (global.get $bump) (i32.const 60000)) (then (global.set $bump (i32.const 1024))))
      (local.get $p)))
  (core instance $libc (instantiate $Libc))
  (alias core export $libc "mem" (core memory $mem))
  (alias core export $libc "realloc" (core func $realloc))
  (core func $len (canon lower (func $host_len) (memory $mem)))
  (core instance $host (export "len" (func $len)))
  (core module $M
    (import "libc" "mem" (memory 1))
    (import "host" "len" (func $len (param i32 i32) (result i32)))
    (func (export "echo") (param i32 i32) (result i32)
      (i32.store (i32.const 0) (local.get 0))
      (i32.store (i32.const 4) (local.get 1))
      (i32.const 0))
    (func (export "len") (param i32 i32) (result i32) (call $len (local.get 0) (local.get 1)))
    (func (export "count") (param i32 i32) (result i32) (local.get 1))
    (func (export "shape") (param i32 i32 i32) (result i32) (local.get 0))
    (func (export "perm") (param i32) (result i32) (local.get 0))
    (func (export "keep") (param i32) (result i32) (local.get 0)))
  (core instance $m (instantiate $M (with "libc" (instance $libc)) (with "host" (instance $host))))
  (func (export "echo") (param "s" string) (result string)
    (canon lift (core func $m "echo") (memory $mem) (realloc $realloc)))
  (func (export "len") (param "s" string) (result u32)
    (canon lift (core func $m "len") (memory $mem) (realloc $realloc)))
  (func (export "count") (param "ps" (list $point)) (result u32)
    (canon lift (core func $m "count") (memory $mem) (realloc $realloc)))
  (func (export "shape") (param "s" $shape) (result u32)
    (canon lift (core func $m "shape") (memory $mem) (realloc $realloc)))
  (func (export "perm") (param "p" $perm) (result $perm) (canon lift (core func $m "perm")))
  (func (export "keep") (param "r" (own $res)) (result u32) (canon lift (core func $m "keep")))
  (alias export $env "pick" (func $pick))
  (export "pick" (func $pick)))
)WAT";

TEST(FuzzComponent, ReachesExportsAndHostFunctions) {
  auto wasm = flint::text::parse_wat(kComponent);
  ASSERT_TRUE(wasm) << wasm.error().describe();
  const FuzzComponentStats before = fuzz_component_stats;
  std::mt19937 rng(12);
  for (int run = 0; run < 200; ++run) {
    std::vector<uint8_t> choices(size_t(rng() % 200));
    for (uint8_t& b : choices) b = uint8_t(rng());
    std::vector<uint8_t> input = with_choices(*wasm, choices);
    ASSERT_EQ(LLVMFuzzerTestOneInput(input.data(), input.size()), 0);
  }
  EXPECT_EQ(fuzz_component_stats.instantiated - before.instantiated, 200u);
  EXPECT_GT(fuzz_component_stats.calls - before.calls, 200u);
  EXPECT_GT(fuzz_component_stats.host_calls - before.host_calls, 20u);
}

// Streams and futures both ways: the host gives a stream (an import's
// result) and takes them (an export's parameters and result), so the
// harness's host ends (sources, readers, futures) meet the guest's copies.
constexpr const char* kChannels = R"WAT((component
  (type $s (stream u8))
  (type $f (future u32))
  (import "give" (func $give (result $s)))
  (core module $Mem (memory (export "mem") 1))
  (core instance $mem (instantiate $Mem))
  (alias core export $mem "mem" (core memory $m))
  (core func $give-lowered (canon lower (func $give)))
  (core func $read (canon stream.read $s (memory $m)))
  (core func $drop-r (canon stream.drop-readable $s))
  (core func $new (canon stream.new $s))
  (core func $drop-w (canon stream.drop-writable $s))
  (core func $fread (canon future.read $f (memory $m)))
  (core func $fdrop (canon future.drop-readable $f))
  (core module $M
    (import "" "give" (func $give (result i32)))
    (import "" "read" (func $read (param i32 i32 i32) (result i32)))
    (import "" "drop-r" (func $drop-r (param i32)))
    (import "" "new" (func $new (result i64)))
    (import "" "drop-w" (func $drop-w (param i32)))
    (import "" "fread" (func $fread (param i32 i32) (result i32)))
    (import "" "fdrop" (func $fdrop (param i32)))
    (func $drain (export "drain") (param $s i32) (result i32)
      (local $r i32)
      (local.set $r (call $read (local.get $s) (i32.const 64) (i32.const 16)))
      (call $drop-r (local.get $s))
      (local.get $r))
    (func (export "all") (result i32) (call $drain (call $give)))
    (func (export "make") (result i32)
      (local $ends i64)
      (local.set $ends (call $new))
      (call $drop-w (i32.wrap_i64 (i64.shr_u (local.get $ends) (i64.const 32))))
      (i32.wrap_i64 (local.get $ends)))
    (func (export "fut") (param $f i32) (result i32)
      (local $r i32)
      (local.set $r (call $fread (local.get $f) (i32.const 128)))
      (call $fdrop (local.get $f))
      (local.get $r)))
  (core instance $i (instantiate $M (with "" (instance
    (export "give" (func $give-lowered)) (export "read" (func $read))
    (export "drop-r" (func $drop-r)) (export "new" (func $new)) (export "drop-w" (func $drop-w))
    (export "fread" (func $fread)) (export "fdrop" (func $fdrop))))))
  (func (export "drain") (param "s" $s) (result u32) (canon lift (core func $i "drain")))
  ;; First by name: an export that traps (a read that would block) may leave
  ;; the instance unusable for the exports after it.
  (func (export "all") (result u32) (canon lift (core func $i "all")))
  (func (export "make") (result $s) (canon lift (core func $i "make")))
  (func (export "fut") (param "f" $f) (result u32) (canon lift (core func $i "fut")))
)
)WAT";

TEST(FuzzComponent, StreamsAndFuturesMeetTheHostsEnds) {
  auto wasm = flint::text::parse_wat(kChannels);
  ASSERT_TRUE(wasm) << wasm.error().describe();
  const FuzzComponentStats before = fuzz_component_stats;
  std::mt19937 rng(34);
  for (int run = 0; run < 200; ++run) {
    std::vector<uint8_t> choices(size_t(rng() % 120));
    for (uint8_t& b : choices) b = uint8_t(rng());
    std::vector<uint8_t> input = with_choices(*wasm, choices);
    ASSERT_EQ(LLVMFuzzerTestOneInput(input.data(), input.size()), 0);
  }
  EXPECT_EQ(fuzz_component_stats.instantiated - before.instantiated, 200u);
  EXPECT_GT(fuzz_component_stats.host_calls - before.host_calls, 20u);
  EXPECT_GT(fuzz_component_stats.channels - before.channels, 100u);
}

}  // namespace
