// The translator's choices on hot patterns: these pin the superinstructions
// the interpreter's speed depends on (see translator.h).
#include <gtest/gtest.h>

#include "../runtime/wat.h"
#include "interp/disassemble.h"
#include "interp/interp_module.h"

namespace flint {
namespace {

std::string listing(std::string_view wat, uint32_t defined_index = 0) {
  auto compiled = testing::compile_wat(wat);
  if (!compiled) return {};
  const auto& m = static_cast<const interp::InterpModule&>(*compiled);
  return interp::disassemble(m.function(defined_index));
}

size_t count_lines(const std::string& s) { return std::count(s.begin(), s.end(), '\n'); }

TEST(Superinstructions, Fib) {
  std::string code = listing(R"((module
    (func $fib (param i32) (result i32)
      (if (result i32) (i32.lt_s (local.get 0) (i32.const 2))
        (then (local.get 0))
        (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                       (call $fib (i32.sub (local.get 0) (i32.const 2)))))))))");
  // compare+branch fused with the constant as immediate; arithmetic reads the
  // parameter slot directly; calls place frames on the argument slots; the
  // `then` arm's move to the result slot and jump to the return became a
  // return of the parameter (the jump itself, now a return, is dead).
  EXPECT_EQ(code,
            "   0: br_if i32.ge_s.imm s0, 2 -> 7\n"
            "   3: ret1 0, 0\n"
            "   5: ret1 1, 0\n"
            "   7: i32.sub.imm 1, 0, 1\n"
            "  10: call_direct func 0, frame s1\n"
            "  13: i32.sub.imm 2, 0, 2\n"
            "  16: call_direct func 0, frame s2\n"
            "  19: i32.add 1, 1, 2, 0\n"
            "  22: ret1 1, 0\n")
      << code;
}

TEST(Superinstructions, ResultsGoStraightIntoLocals) {
  std::string code = listing(R"((module
    (func (param i32) (result i32) (local i32)
      (local.set 1 (i32.add (local.get 0) (i32.const 1)))
      (local.tee 0 (i32.mul (local.get 1) (local.get 1))))))");
  EXPECT_EQ(code,
            "   0: i32.add.imm 1, 0, 1\n"
            "   3: i32.mul 0, 1, 1, 0\n"
            "   6: ret1 0, 0\n")
      << code;
}

TEST(Superinstructions, LoopBackEdgeIsOneInstruction) {
  std::string code = listing(R"((module
    (func (param i32) (result i32) (local i32)
      (loop $l
        (local.set 1 (i32.add (local.get 1) (local.get 0)))
        (br_if $l (i32.gt_u (local.tee 0 (i32.sub (local.get 0) (i32.const 1))) (i32.const 0))))
      (local.get 1))))");
  // add, sub (into the local), fused compare-branch back, return.
  EXPECT_EQ(count_lines(code), 4u) << code;
  EXPECT_NE(code.find("br_if i32.gt_u.imm s0, 0 -> 0"), std::string::npos) << code;
}

TEST(Superinstructions, ConstantOnTheLeftOfACompareIsSwapped) {
  std::string code = listing(R"((module
    (func (param i32) (result i32)
      (if (result i32) (i32.lt_u (i32.const 10) (local.get 0)) (then (i32.const 1)) (else (i32.const 0))))))");
  // 10 < x  ==  x > 10; the `if` branches to `else` on the negation, x <= 10.
  EXPECT_NE(code.find("br_if i32.le_u.imm s0, 10"), std::string::npos) << code;
}

// Multi-memory: an access to memory 0 is the same single handler whatever
// else the module declares; one to another memory is bracketed by
// select_memory (handlers_memory.cc), and its result cannot be retargeted
// into the local that follows.
TEST(Superinstructions, OnlyOtherMemoriesPayForMultiMemory) {
  const char* single = R"((module (memory 1)
    (func (param i32) (result i32) (local i32)
      (local.set 1 (i32.load offset=8 (local.get 0))) (local.get 1))))";
  const char* multi = R"((module (memory $a 1) (memory $b 1)
    (func (param i32) (result i32) (local i32)
      (local.set 1 (i32.load $a offset=8 (local.get 0))) (local.get 1))))";
  EXPECT_EQ(listing(single), listing(multi));
  EXPECT_EQ(listing(R"((module (memory $a 1) (memory $b 1)
    (func (param i32) (result i32)
      (i32.load $b offset=8 (local.get 0)))))"),
            "   0: select_memory 1, 0\n"
            "   2: i32.load 1, 0, 8, 0\n"
            "   5: select_memory 0, 0\n"
            "   7: ret1 1, 0\n");
}

}  // namespace
}  // namespace flint
