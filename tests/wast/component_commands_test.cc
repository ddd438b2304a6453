// The runner and component commands: components defined, instantiated and
// called from a script beside core modules, with typed component values in
// actions and expectations, and the failures reported where they belong.
#include <gtest/gtest.h>

#include "text/parse.h"
#include "wast/runner.h"

namespace flint::wast {
namespace {

TEST(ComponentCommands, RunBesideCoreModules) {
  Result<Script> script = text::parse_wast(R"wast(
    (module $m (func (export "one") (result i32) (i32.const 1)))
    (component definition $d
      (core module $M (func (export "inc") (param i32) (result i32)
        (i32.add (local.get 0) (i32.const 1))))
      (core instance $i (instantiate $M))
      (func (export "inc") (param "x" u32) (result u32) (canon lift (core func $i "inc"))))
    (component instance $a $d)
    (component instance $b $d)
    (assert_return (invoke $a "inc" (u32.const 1)) (u32.const 2))
    (assert_return (invoke $b "inc" (u32.const 41)) (u32.const 42))
    (assert_return (invoke $m "one") (i32.const 1))
    (assert_return (invoke $a "inc" (u32.const 1)) (u32.const 3))
    (assert_trap (invoke $a "inc" (u32.const 1)) "unreachable")
  )wast");
  ASSERT_TRUE(script.ok()) << script.error().describe();
  FileReport report = run_script(*script, "inline", RunnerOptions{});
  EXPECT_EQ(report.passed, 7u);
  ASSERT_EQ(report.failed, 2u);
  // 2 is not 3: the value is reported in WAVE.
  EXPECT_NE(report.failures[0].message.find("got 2, expected 3"), std::string::npos)
      << report.failures[0].message;
  // The call succeeds, so the expected trap is missing.
  EXPECT_NE(report.failures[1].message.find("succeeded"), std::string::npos)
      << report.failures[1].message;
}

}  // namespace
}  // namespace flint::wast
