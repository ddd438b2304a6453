// Fuel in compiled code (fuel_codegen.cc): the same units as the
// interpreter, one budget per call from the host shared with interpreted
// callees, and artifacts without metering refused when fuel is requested.
#include <gtest/gtest.h>

#include <cstdio>

#include "aot/artifact.h"
#include "engines.h"

namespace flint {
namespace {

using aot_test::Engine;

constexpr const char* kModule = R"((module
  (func $fib (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func (export "fib") (param i32) (result i32) (call $fib (local.get 0)))
  (func (export "count") (param i32) (result i32) (local i32)
    (loop $l
      (local.set 1 (i32.add (local.get 1) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get 1) (local.get 0))))
    (local.get 1))
  (func (export "nested") (param i32) (result i32) (local i32 i32)
    (loop $outer
      (local.set 2 (i32.const 0))
      (loop $inner
        (local.set 2 (i32.add (local.get 2) (i32.const 1)))
        (br_if $inner (i32.lt_u (local.get 2) (i32.const 3))))
      (local.set 1 (i32.add (local.get 1) (call $fib (i32.const 3))))
      (br_if $outer (i32.lt_u (local.get 1) (local.get 0))))
    (local.get 1))
  (func (export "spin") (loop $l (br $l))))
)";

Config with_fuel(Config c, uint64_t fuel) {
  c.fuel = fuel;
  return c;
}

TEST(AotFuel, ChargesWhatTheInterpreterCharges) {
  struct Case {
    const char* name;
    uint32_t arg;
  };
  for (Case c : {Case{"fib", 10}, Case{"count", 50}, Case{"nested", 12}}) {
    for (uint64_t fuel : {0, 1, 2, 7, 40, 150, 176, 177, 178, 500, 100000}) {
      Engine interp(kModule, with_fuel(aot_test::interp_config(), fuel));
      Engine aot(kModule, with_fuel(aot_test::aot_config(), fuel));
      ASSERT_TRUE(interp.ok() && aot.ok());
      auto a = interp.call(c.name, {Value::i32_(c.arg)});
      auto b = aot.call(c.name, {Value::i32_(c.arg)});
      SCOPED_TRACE(std::string(c.name) + " with fuel " + std::to_string(fuel));
      ASSERT_EQ(a.ok(), b.ok());
      if (a.ok())
        EXPECT_EQ((*a)[0].i32, (*b)[0].i32);
      else
        EXPECT_EQ(b.error().code, ErrorCode::OutOfFuel);
      EXPECT_EQ(interp.store->remaining_fuel(), aot.store->remaining_fuel());
    }
  }
}

TEST(AotFuel, AnEndlessLoopRunsOutAndTheNextCallGetsANewBudget) {
  Engine aot(kModule, with_fuel(aot_test::aot_config(), 100000));
  ASSERT_TRUE(aot.ok());
  auto r = aot.call("spin");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "all fuel consumed");
  EXPECT_EQ(r.error().phase(), Phase::Trap);
  EXPECT_EQ(aot.store->remaining_fuel(), 0u);
  auto c = aot.call("count", {Value::i32_(1000)});
  ASSERT_TRUE(c) << c.error().describe();
  EXPECT_EQ((*c)[0].i32, 1000u);
  // 1 for the call, 1000 loop iterations.
  EXPECT_EQ(aot.store->remaining_fuel(), 100000u - 1001u);
}

TEST(AotFuel, WithoutFuelNothingIsMetered) {
  Engine aot(kModule, aot_test::aot_config());
  ASSERT_TRUE(aot.ok());
  EXPECT_EQ(aot.store->remaining_fuel(), std::nullopt);
  auto c = aot.call("count", {Value::i32_(3000000)});
  ASSERT_TRUE(c);
  EXPECT_EQ((*c)[0].i32, 3000000u);
}

TEST(AotFuel, AnArtifactWithoutMeteringIsRefusedWhenFuelIsRequested) {
  aot::set_in_process_compiler(aot::compile_to_artifact);
  auto bytes = text::parse_wat(kModule);
  ASSERT_TRUE(bytes);
  auto plain = aot::compile_to_artifact(*bytes);
  auto metered = aot::compile_to_artifact(*bytes, aot::ArtifactOptions{.fuel = true});
  ASSERT_TRUE(plain && metered);
  EXPECT_FALSE(aot::decode_artifact(*plain)->fuel);
  EXPECT_TRUE(aot::decode_artifact(*metered)->fuel);
  Config fuel;
  fuel.fuel = 1000;
  auto refused = load_precompiled(*plain, fuel);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::BadArtifact);
  EXPECT_NE(refused.error().describe().find("fuel"), std::string::npos);
  auto accepted = load_precompiled(*metered, fuel);
  ASSERT_TRUE(accepted) << accepted.error().describe();
  Store store(fuel);
  auto inst = store.instantiate(**accepted, {});
  ASSERT_TRUE(inst);
  auto r = store.call(*(*inst)->find_export("spin"), {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::OutOfFuel);
  // A metered artifact still runs without fuel.
  auto unmetered = load_precompiled(*metered, Config{});
  ASSERT_TRUE(unmetered);
}

TEST(AotFuel, OneBudgetSpansCompiledCodeAndTheInterpretedFunctionsItCalls) {
  // "work" is interpreted (its own instance); "drive" is compiled and calls it.
  constexpr const char* kWorker = R"((module
    (func (export "work") (param i32) (result i32) (local i32)
      (loop $l
        (local.set 1 (i32.add (local.get 1) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get 1) (local.get 0))))
      (local.get 1))))";
  constexpr const char* kDriver = R"((module
    (import "w" "work" (func $work (param i32) (result i32)))
    (func (export "drive") (param i32) (result i32) (local i32)
      (loop $l
        (local.set 1 (i32.add (local.get 1) (call $work (i32.const 10))))
        (br_if $l (i32.lt_u (local.get 1) (local.get 0))))
      (local.get 1))))";
  aot::set_in_process_compiler(aot::compile_to_artifact);
  auto run = [&](EngineKind driver_engine,
                 uint64_t fuel) -> std::pair<bool, std::optional<uint64_t>> {
    Config config;
    config.fuel = fuel;
    Store store(config);
    Linker linker;
    auto worker = compile(*text::parse_wat(kWorker), config);
    Config driver_config = config;
    driver_config.engine = driver_engine;
    auto driver = compile(*text::parse_wat(kDriver), driver_config);
    EXPECT_TRUE(worker && driver);
    auto w = linker.instantiate(store, **worker);
    EXPECT_TRUE(w);
    linker.define_instance("w", **w);
    auto d = linker.instantiate(store, **driver);
    EXPECT_TRUE(d);
    auto r = store.call(*(*d)->find_export("drive"), std::vector<Value>{Value::i32_(100)});
    return {r.ok(), store.remaining_fuel()};
  };
  for (uint64_t fuel : {5, 50, 131, 132, 133, 1000}) {
    SCOPED_TRACE(fuel);
    EXPECT_EQ(run(EngineKind::Aot, fuel), run(EngineKind::Interpreter, fuel));
  }
}

TEST(AotFuel, FlintRunMetersCompiledCode) {
  std::string wat = ::testing::TempDir() + "/aot_fuel_spin.wat";
  {
    std::FILE* f = std::fopen(wat.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs("(module (func (export \"spin\") (loop $l (br $l))))", f);
    std::fclose(f);
  }
  std::string cmd =
      std::string(FLINT_BINARY) + " run --engine aot --fuel 5000 --invoke spin " + wat + " 2>&1";
  std::FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  char buf[256];
  while (std::fgets(buf, sizeof buf, p)) out += buf;
  int status = pclose(p);
  EXPECT_NE(status, 0);
  EXPECT_NE(out.find("all fuel consumed"), std::string::npos) << out;
}

}  // namespace
}  // namespace flint
