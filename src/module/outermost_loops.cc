#include "module/outermost_loops.h"

#include <algorithm>

namespace flint {

std::vector<uint32_t> outermost_loops(const Function& function) {
  std::vector<uint32_t> out;
  // Depth of structured instructions open, and of loops among them: a
  // loop seen with no loop open is outermost.
  uint32_t depth = 0;
  std::vector<uint32_t> loop_depths;  // the depth at which each open loop was opened
  for (const Instr& in : function.body) {
    switch (in.op) {
      case Opcode::Block:
      case Opcode::If:
      case Opcode::TryTable: ++depth; break;
      case Opcode::Loop:
        if (loop_depths.empty()) out.push_back(in.offset);
        loop_depths.push_back(++depth);
        break;
      case Opcode::End:
        if (depth == 0) break;  // the function's own end
        if (!loop_depths.empty() && loop_depths.back() == depth) loop_depths.pop_back();
        --depth;
        break;
      default: break;
    }
  }
  return out;
}

bool has_loop(const Function& function) {
  return std::any_of(function.body.begin(), function.body.end(),
                     [](const Instr& in) { return in.op == Opcode::Loop; });
}

}  // namespace flint
