// `flint run --invoke` on a component finds and prints as `wasmtime run
// --invoke` does (wasmtime 48): a function of an exported interface is
// named by its own name alone (`greet`, not `pkg:ns/api#greet`), and a
// function without a result prints `()`. Found comparing the reactor
// guests' --invoke output with wasmtime's (tests/component_guests).
#include <gtest/gtest.h>

#include <string>

#include "flint_process.h"

namespace {

using flint::cli_test::run_flint;
using flint::cli_test::RunResult;

// Exports `seven` (a u32) and `nothing` (no result) inside the interface
// `pkg:ns/api`, `twice` both there and inside `other`, and `top` at the top
// level.
constexpr const char* kNested = R"((component
  (core module $m
    (func (export "seven") (result i32) (i32.const 7))
    (func (export "nothing"))
    (func (export "eight") (result i32) (i32.const 8)))
  (core instance $i (instantiate $m))
  (func $seven (result u32) (canon lift (core func $i "seven")))
  (func $nothing (canon lift (core func $i "nothing")))
  (func $eight (result u32) (canon lift (core func $i "eight")))
  (instance $api (export "seven" (func $seven)) (export "nothing" (func $nothing))
                 (export "twice" (func $seven)))
  (instance $other (export "twice" (func $eight)))
  (export "pkg:ns/api" (instance $api))
  (export "other" (instance $other))
  (export "top" (func $eight)))
)";

class ComponentInvokeTest : public ::testing::Test {
 protected:
  std::string component() { return dir_.write("nested.wat", kNested); }

  flint::cli_test::ScratchDir dir_{"flint-component-invoke"};
};

TEST_F(ComponentInvokeTest, InterfaceFunctionByItsOwnName) {
  RunResult r = run_flint("run --invoke 'seven()' " + component());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, "7\n");
}

TEST_F(ComponentInvokeTest, FullPathStillAccepted) {
  RunResult r = run_flint("run --invoke 'pkg:ns/api#seven()' " + component());
  EXPECT_EQ(r.output, "7\n");
}

TEST_F(ComponentInvokeTest, TopLevelFunction) {
  RunResult r = run_flint("run --invoke 'top()' " + component());
  EXPECT_EQ(r.output, "8\n");
}

TEST_F(ComponentInvokeTest, NoResultPrintsEmptyTuple) {
  RunResult r = run_flint("run --invoke 'nothing()' " + component());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, "()\n");
}

TEST_F(ComponentInvokeTest, NameInTwoInstancesIsAmbiguous) {
  RunResult r = run_flint("run --invoke 'twice()' " + component());
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("more than one export is named `twice`"), std::string::npos) << r.output;
}

TEST_F(ComponentInvokeTest, UnknownNameIsAnError) {
  RunResult r = run_flint("run --invoke 'missing()' " + component());
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("no exported function `missing`"), std::string::npos) << r.output;
}

}  // namespace
