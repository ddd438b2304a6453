// The translator's slot assignment and peepholes, on the cases where a
// deferred local.get / constant or a retargeted result could go wrong.
#include <gtest/gtest.h>

#include "../runtime/wat.h"

namespace flint {
namespace {

using testing::export_of;
using testing::instantiate_wat;

struct Case {
  const char* name;
  const char* body;  ///< a function (export "f") with its params, results and code
  std::vector<Value> args;
  std::vector<uint64_t> expected;  ///< result bits
};

class Translate : public ::testing::TestWithParam<Case> {};

TEST_P(Translate, ComputesTheRightResults) {
  const Case& c = GetParam();
  Store store;
  std::string wat =
      std::string("(module (memory 1) (global $g (mut i32) (i32.const 0)) ") + c.body + ")";
  Instance* inst = instantiate_wat(store, wat);
  ASSERT_NE(inst, nullptr);
  auto r = store.call(export_of(inst, "f"), c.args);
  ASSERT_TRUE(r.ok()) << r.error().describe();
  ASSERT_EQ(r->size(), c.expected.size());
  for (size_t i = 0; i < c.expected.size(); ++i) {
    const Value& v = (*r)[i];
    uint64_t bits = v.type == ValType::I32 || v.type == ValType::F32 ? v.i32 : v.i64;
    EXPECT_EQ(bits, c.expected[i]) << "result " << i;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, Translate,
    ::testing::Values(
        // A deferred local.get must read the value from before a later local.set.
        Case{"DeferredGetBeforeSet",
             R"((func (export "f") (param i32) (result i32)
                  (local.get 0) (local.set 0 (i32.const 5)) (local.get 0) (i32.sub)))",
             {Value::i32_(20)},
             {15}},
        // The same with the set retargeting an add's result into the local.
        Case{"DeferredGetBeforeRetargetedSet",
             R"((func (export "f") (param i32) (result i32)
                  (local.get 0) (local.set 0 (i32.add (local.get 0) (i32.const 1))) (local.get 0) (i32.mul)))",
             {Value::i32_(6)},
             {42}},
        Case{"TeeKeepsValue",
             R"((func (export "f") (param i32) (result i32) (local i32)
                  (i32.add (local.tee 1 (i32.mul (local.get 0) (i32.const 3))) (local.get 1))))",
             {Value::i32_(7)},
             {42}},
        Case{"SwapThroughLocals",
             R"((func (export "f") (param i32 i32) (result i32 i32)
                  (local.get 1) (local.get 0)))",
             {Value::i32_(1), Value::i32_(2)},
             {2, 1}},
        Case{"ConstantOnTheLeft",
             R"((func (export "f") (param i32) (result i32 i32 i32)
                  (i32.sub (i32.const 10) (local.get 0))
                  (i32.lt_s (i32.const 10) (local.get 0))
                  (i32.shl (i32.const 1) (local.get 0))))",
             {Value::i32_(3)},
             {7, 0, 8}},
        Case{"MultiValueBlockAndBranch",
             R"((func (export "f") (param i32) (result i32)
                  (block (result i32 i32)
                    (i32.const 1) (local.get 0)
                    (br_if 0 (i32.gt_s (local.get 0) (i32.const 5)))
                    (drop) (drop) (i32.const 100) (i32.const 200))
                  (i32.add)))",
             {Value::i32_(9)},
             {10}},
        Case{"MultiValueBlockFallThrough",
             R"((func (export "f") (param i32) (result i32)
                  (block (result i32 i32)
                    (i32.const 1) (local.get 0)
                    (br_if 0 (i32.gt_s (local.get 0) (i32.const 5)))
                    (drop) (drop) (i32.const 100) (i32.const 200))
                  (i32.add)))",
             {Value::i32_(2)},
             {300}},
        Case{"LoopWithParams",
             R"((func (export "f") (param i32) (result i32)
                  (i32.const 0) (local.get 0)
                  (loop (param i32 i32) (result i32)
                    ;; (acc, n) -> acc + n, n - 1 until n == 0
                    (local.set 0)
                    (i32.add (local.get 0))
                    (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
                    (local.get 0)
                    (br_if 0 (local.get 0))
                    (drop))))",
             {Value::i32_(10)},
             {55}},
        Case{"BrTableWithValues",
             R"((func (export "f") (param i32) (result i32)
                  (block (result i32) (block (result i32) (block (result i32)
                    (i32.const 7) (br_table 0 1 2 (local.get 0)))
                    (i32.add (i32.const 10))) (i32.add (i32.const 100)))))",
             {Value::i32_(1)},
             {107}},
        Case{"BrTableDefault",
             R"((func (export "f") (param i32) (result i32)
                  (block (result i32) (block (result i32) (block (result i32)
                    (i32.const 7) (br_table 0 1 2 (local.get 0)))
                    (i32.add (i32.const 10))) (i32.add (i32.const 100)))))",
             {Value::i32_(99)},
             {7}},
        Case{"ConditionalReturnKeepsDeferredValues",
             R"((func (export "f") (param i32) (result i32 i32)
                  (local.get 0) (i32.const 4)
                  (br_if 0 (local.get 0))
                  (drop) (drop) (i32.const 8) (i32.const 9)))",
             {Value::i32_(3)},
             {3, 4}},
        Case{"ConditionalReturnNotTaken",
             R"((func (export "f") (param i32) (result i32 i32)
                  (local.get 0) (i32.const 4)
                  (br_if 0 (local.get 0))
                  (drop) (drop) (i32.const 8) (i32.const 9)))",
             {Value::i32_(0)},
             {8, 9}},
        Case{"IfWithParamsAndDeferredBelow",
             R"((func (export "f") (param i32) (result i32)
                  (local.get 0)
                  (i32.const 3)
                  (if (param i32) (result i32) (local.get 0)
                    (then (local.set 0 (i32.const 50)) (i32.add (local.get 0)))
                    (else (i32.sub (i32.const 1))))
                  (i32.add)))",
             {Value::i32_(2)},
             {2 + 53}},
        Case{"SelectWithConstants",
             R"((func (export "f") (param i32) (result i32 i64)
                  (select (i32.const 11) (i32.const 22) (local.get 0))
                  (select (result i64) (i64.const -1) (i64.extend_i32_u (local.get 0)) (i32.eqz (local.get 0)))))",
             {Value::i32_(0)},
             {22, uint64_t(-1)}},
        Case{"FusedCompareBranchBothWays",
             R"((func (export "f") (param i32 i32) (result i32)
                  (local i32)
                  (block (loop
                    (br_if 1 (i32.ge_u (local.get 2) (local.get 1)))
                    (local.set 0 (i32.add (local.get 0) (local.get 2)))
                    (local.set 2 (i32.add (local.get 2) (i32.const 1)))
                    (br 0)))
                  (local.get 0)))",
             {Value::i32_(0), Value::i32_(5)},
             {10}},
        Case{"GlobalAndMemoryResultsIntoLocals",
             R"((func (export "f") (param i32) (result i32) (local i32 i32)
                  (i32.store (i32.const 8) (local.get 0))
                  (global.set $g (i32.const 3))
                  (local.set 1 (i32.load (i32.const 8)))
                  (local.set 2 (global.get $g))
                  (i32.add (local.get 1) (local.get 2))))",
             {Value::i32_(39)},
             {42}},
        Case{
            "CallResultsLandInPlace",
            R"((func $pair (param i32) (result i32 i32) (local.get 0) (i32.mul (local.get 0) (i32.const 2)))
                (func (export "f") (param i32) (result i32)
                  (i32.const 1000)
                  (call $pair (local.get 0))
                  (i32.add) (i32.add)))",
            {Value::i32_(5)},
            {1015}}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(Translate, FibComputesCorrectly) {
  Store store;
  Instance* inst = instantiate_wat(store, R"((module
    (func $fib (export "fib") (param i32) (result i32)
      (if (result i32) (i32.lt_s (local.get 0) (i32.const 2))
        (then (local.get 0))
        (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                       (call $fib (i32.sub (local.get 0) (i32.const 2)))))))))");
  ASSERT_NE(inst, nullptr);
  auto r = store.call(export_of(inst, "fib"), std::vector{Value::i32_(25)});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[0].i32, 75025u);
}

}  // namespace
}  // namespace flint
