// outermost_loops: the loops tiering can move a running frame at, the same
// for the interpreter's translator and the compiler.
#include "module/outermost_loops.h"

#include <gtest/gtest.h>

namespace flint {
namespace {

Instr at(Opcode op, uint32_t offset) {
  Instr in;
  in.op = op;
  in.offset = offset;
  return in;
}

TEST(OutermostLoops, LoopsInsideAnotherLoopAreLeftOutWhateverLiesBetween) {
  Function f;
  f.body = {
      at(Opcode::Loop, 10),   // outermost
      at(Opcode::Block, 11),  //
      at(Opcode::Loop, 12),   // inside 10, through a block
      at(Opcode::End, 13),    //
      at(Opcode::End, 14),    // the block
      at(Opcode::End, 15),    // loop 10
      at(Opcode::If, 20),     //
      at(Opcode::Loop, 21),   // outermost, inside an if
      at(Opcode::Loop, 22),   // inside 21
      at(Opcode::End, 23),    //
      at(Opcode::End, 24),    // loop 21
      at(Opcode::End, 25),    // the if
      at(Opcode::Block, 30),  //
      at(Opcode::End, 31),    //
      at(Opcode::Loop, 40),   // outermost again, after blocks closed
      at(Opcode::End, 41),    //
      at(Opcode::End, 50),    // the function's end
  };
  EXPECT_EQ(outermost_loops(f), (std::vector<uint32_t>{10, 21, 40}));
}

TEST(OutermostLoops, ABodyWithoutLoopsHasNone) {
  Function f;
  f.body = {at(Opcode::Block, 1), at(Opcode::End, 2), at(Opcode::End, 3)};
  EXPECT_TRUE(outermost_loops(f).empty());
}

}  // namespace
}  // namespace flint
