// Interruption per store (issue 11): a deadline, or Store::interrupt from
// another thread, stops one guest at its next function entry or loop head
// with the trap "interrupt", in both engines, and leaves every other store
// of the process running.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "engines.h"

namespace flint {
namespace {

using aot_test::Engine;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

constexpr const char* kGuests = R"((module
  (func $spin (export "spin") (loop $l (br $l)))
  ;; Sums 1..n in a loop: finishes, given time.
  (func (export "sum") (param $n i64) (result i64) (local $s i64)
    (block $done
      (loop $l
        (br_if $done (i64.eqz (local.get $n)))
        (local.set $s (i64.add (local.get $s) (local.get $n)))
        (local.set $n (i64.sub (local.get $n) (i64.const 1)))
        (br $l)))
    (local.get $s))
  ;; Recursion without loops (seconds for n = 45): stopped at a function entry.
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2)) (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))))";

Config interruptible(Config c) {
  c.interruptible = true;
  return c;
}

class Interrupt : public ::testing::TestWithParam<Config> {};

TEST_P(Interrupt, ADeadlineStopsOneGuestAndTheOtherFinishes) {
  Engine stopped(kGuests, interruptible(GetParam()));
  Engine finishing(kGuests, interruptible(GetParam()));
  ASSERT_TRUE(stopped.ok() && finishing.ok());
  const uint64_t n = 30'000'000;  // hundreds of milliseconds interpreted
  stopped.store->set_deadline(steady_clock::now() + milliseconds(100));
  Result<std::vector<Value>> spun = make_error(ErrorCode::Usage),
                             summed = make_error(ErrorCode::Usage);
  auto start = steady_clock::now();
  std::thread a([&] { spun = stopped.call("spin"); });
  std::thread b([&] { summed = finishing.call("sum", {Value::i64_(n)}); });
  a.join();
  b.join();
  EXPECT_LT(steady_clock::now() - start, std::chrono::seconds(20));
  ASSERT_FALSE(spun);
  EXPECT_EQ(spun.error().code, ErrorCode::Interrupt);
  EXPECT_EQ(stopped.frames(), std::vector<uint32_t>{0});  // in "spin"
  ASSERT_TRUE(summed) << summed.error().describe();
  EXPECT_EQ((*summed)[0].i64, n * (n + 1) / 2);
}

TEST_P(Interrupt, InterruptFromAnotherThreadStopsRecursionAtAFunctionEntry) {
  Engine guest(kGuests, interruptible(GetParam()));
  ASSERT_TRUE(guest.ok());
  std::thread stopper([&] {
    std::this_thread::sleep_for(milliseconds(20));
    guest.store->interrupt();
  });
  auto r = guest.call("fib", {Value::i32_(45)});
  stopper.join();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::Interrupt);
}

TEST_P(Interrupt, AnInterruptedStoreTrapsUntilClearedOrGivenANewDeadline) {
  Engine guest(kGuests, interruptible(GetParam()));
  ASSERT_TRUE(guest.ok());
  guest.store->interrupt();
  auto r = guest.call("sum", {Value::i64_(3)});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::Interrupt);
  guest.store->clear_interrupt();
  auto cleared = guest.call("sum", {Value::i64_(3)});
  ASSERT_TRUE(cleared) << cleared.error().describe();
  EXPECT_EQ((*cleared)[0].i64, 6u);
  guest.store->set_deadline(steady_clock::now() + std::chrono::hours(1));
  EXPECT_TRUE(guest.call("sum", {Value::i64_(3)}));
}

TEST_P(Interrupt, CodeCompiledWithoutChecksIgnoresTheFlag) {
  Engine guest(kGuests, GetParam());
  ASSERT_TRUE(guest.ok());
  guest.store->interrupt();
  auto r = guest.call("sum", {Value::i64_(3)});
  ASSERT_TRUE(r) << r.error().describe();
}

INSTANTIATE_TEST_SUITE_P(BothEngines, Interrupt,
                         ::testing::Values(aot_test::interp_config(), aot_test::aot_config()),
                         [](const auto& info) {
                           return info.param.engine == EngineKind::Aot ? std::string("Aot")
                                                                       : std::string("Interpreter");
                         });

TEST(InterruptibleArtifact, IsRefusedWhenCompiledWithoutChecksAndADeadlineIsAsked) {
  aot::set_in_process_compiler(aot::compile_to_artifact);
  auto bytes = text::parse_wat(kGuests);
  ASSERT_TRUE(bytes);
  auto plain = aot::compile_to_artifact(*bytes);
  auto checked = aot::compile_to_artifact(*bytes, aot::ArtifactOptions{.interruptible = true});
  ASSERT_TRUE(plain && checked);
  Config config;
  config.interruptible = true;
  auto refused = load_precompiled(*plain, config);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().describe().find("--interruptible"), std::string::npos)
      << refused.error().describe();
  EXPECT_TRUE(load_precompiled(*checked, config));
}

}  // namespace
}  // namespace flint
