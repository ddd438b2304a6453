// Out-of-bounds accesses trap where the wasm program has them (spec 4.4.7:
// a load or store whose effective address is out of bounds traps, and
// nothing after it happens), although compiled code has no bounds checks
// and relies on the fault (src/aot/README.md, "Trap ordering").
//
// LLVM treats a load as free of side effects: it deletes one whose value is
// unused and moves one into the only branch that uses its value, past the
// side effects of the other branch. Two measures keep the faults in place:
//   - a load whose value wasm drops (drop, or a local.set of a local never
//     read) is volatile, so it is neither deleted nor moved;
//   - code sinking is off, in InstCombine and in the machine code sinker,
//     so a load stays above the branch it precedes.
// What remains unguaranteed: a load whose value the optimiser proves
// irrelevant by arithmetic (multiplied by zero, selected away by a constant
// condition, overwritten before any read) may be removed, and a loop that
// only loads may be reduced to its last load (src/aot/README.md).
#pragma once

namespace flint::aot {

/// Turns off LLVM's code sinking for this process's compilations (once).
void keep_memory_access_order();

}  // namespace flint::aot
