// The translator refuses code that breaks its preconditions with an Error
// instead of misbehaving. compile() validates first, so only a validator bug
// could get such code this far; these modules skip validation on purpose.
#include <gtest/gtest.h>

#include "interp/interp_module.h"

namespace flint {
namespace {

Module module_with_body(std::vector<Instr> body, FuncType type = {}) {
  Module m;
  m.types.push_back(std::move(type));
  Function f;
  f.body = std::move(body);
  m.functions.push_back(std::move(f));
  return m;
}

Instr ins(Opcode op, uint32_t a = 0, uint32_t b = 0) {
  Instr i;
  i.op = op;
  i.a = a;
  i.b = b;
  return i;
}

TEST(TranslatorGuard, RejectsInsteadOfCrashing) {
  const std::vector<std::vector<Instr>> bodies = {
      {ins(Opcode::I32Add), ins(Opcode::End)},                           // pops an empty stack
      {ins(Opcode::LocalGet, 3), ins(Opcode::Drop), ins(Opcode::End)},   // no such local
      {ins(Opcode::Br, 5), ins(Opcode::End)},                            // no such label
      {ins(Opcode::Call, 9), ins(Opcode::End)},                          // no such function
      {ins(Opcode::GlobalGet, 0), ins(Opcode::Drop), ins(Opcode::End)},  // no globals
      {ins(Opcode::Else), ins(Opcode::End)},                             // else outside if
      {ins(Opcode::MemorySize), ins(Opcode::Drop), ins(Opcode::End)},    // no memory
      {ins(Opcode::Nop)},                                                // no end
  };
  for (size_t i = 0; i < bodies.size(); ++i) {
    auto r =
        interp::InterpModule::create(ValidatedModule::trusted(module_with_body(bodies[i])), {});
    EXPECT_FALSE(r.ok()) << "body " << i;
  }
}

TEST(TranslatorGuard, AcceptsTheSameShapesWhenValid) {
  FuncType type{{ValType::I32}, {ValType::I32}};
  auto r = interp::InterpModule::create(
      ValidatedModule::trusted(module_with_body({ins(Opcode::LocalGet, 0), ins(Opcode::LocalGet, 0),
                                                 ins(Opcode::I32Add), ins(Opcode::End)},
                                                type)),
      {});
  EXPECT_TRUE(r.ok()) << r.error().describe();
}

}  // namespace
}  // namespace flint
