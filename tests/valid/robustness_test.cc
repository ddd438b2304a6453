// Hostile IR must never crash the validator: every opcode with random
// immediates, in random sequences, reachable or not. Run it under the
// sanitize preset to catch out-of-bounds reads, not only crashes.
#include <random>

#include "expect.h"

namespace flint::test {
namespace {

// A module with a little of everything for random instructions to refer to.
ModuleBuilder rich_module() {
  ModuleBuilder b;
  b.type({ValType::I32}, {ValType::I64});
  b.type({}, {ValType::I32, ValType::F32});
  b.import_global(ValType::I32, false);
  b.global(ValType::F64, true, {f64_const(), end()});
  b.table(ValType::FuncRef);
  b.table(ValType::ExternRef);
  b.memory(1);
  b.passive_data(2);
  return b;
}

Instr random_instr(std::mt19937& rng, std::span<const OpcodeInfo> ops) {
  std::uniform_int_distribution<size_t> pick(0, ops.size() - 1);
  std::uniform_int_distribution<uint32_t> small(0, 4);
  Instr in = op(ops[pick(rng)].op, small(rng), small(rng));
  if (in.op == Opcode::Block || in.op == Opcode::Loop || in.op == Opcode::If) {
    in.a = small(rng) % 3;  // a BlockKind
    const ValType types[] = {ValType::I32, ValType::I64, ValType::FuncRef, ValType::V128};
    if (in.a == uint32_t(BlockKind::Value)) in.b = uint32_t(types[small(rng) % 4]);
  }
  if (in.op == Opcode::RefNull || in.op == Opcode::SelectTyped)
    in.b = rng() % 2 ? uint32_t(ValType::ExternRef) : rng() % 256;
  if (rng() % 16 == 0) in.a = rng();  // now and then a wild index
  in.hi = rng();
  in.u64 = rng();
  return in;
}

TEST(Robustness, EveryOpcodeAloneAndAfterUnreachable) {
  for (const OpcodeInfo& info : all_opcodes()) {
    for (bool unreachable : {false, true}) {
      for (uint32_t imm : {0u, 1u, 7u, 0xFFFF'FFFFu}) {
        ModuleBuilder b = rich_module();
        std::vector<Instr> body;
        if (unreachable) body.push_back(op(Opcode::Unreachable));
        body.push_back(op(info.op, imm, imm));
        b.function(0, body, {}, {0, imm});
        (void)validate(b.module());  // any verdict; it must only return
      }
    }
  }
}

TEST(Robustness, RandomBodies) {
  std::mt19937 rng(20261124);
  std::span<const OpcodeInfo> ops = all_opcodes();
  int accepted = 0;
  for (int round = 0; round < 20000; ++round) {
    ModuleBuilder b = rich_module();
    std::vector<Instr> body;
    size_t length = rng() % 12;
    for (size_t i = 0; i < length; ++i) body.push_back(random_instr(rng, ops));
    std::vector<uint32_t> targets;
    for (int i = 0; i < 4; ++i) targets.push_back(rng() % 5);
    b.function(rng() % 2, body, {ValType::I32, ValType::V128}, targets);
    Status s = validate(b.module());
    if (s.ok()) {
      ++accepted;
    } else {
      EXPECT_EQ(s.error().function, 0u);
      EXPECT_TRUE(s.error().offset.has_value());
    }
  }
  // Random code is nearly always ill-typed, but some short bodies are fine.
  EXPECT_GT(accepted, 0);
}

TEST(Robustness, DeepNestingUsesNoRecursion) {
  ModuleBuilder b;
  std::vector<Instr> body;
  const int depth = 200000;
  for (int i = 0; i < depth; ++i) body.push_back(block_empty(Opcode::Block));
  for (int i = 0; i < depth; ++i) body.push_back(end());
  b.func({}, body);
  EXPECT_TRUE(is_valid(b));
}

}  // namespace
}  // namespace flint::test
