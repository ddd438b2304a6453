// Which loops of a function body lie in no other loop: where tiering moves
// a running frame to compiled code (on-stack replacement, src/tiered). The
// interpreter's translator and the compiler both ask, so they agree on the
// loops a frame can move at.
#pragma once

#include <cstdint>
#include <vector>

#include "module/module.h"

namespace flint {

/// The byte offsets of `function`'s `loop` instructions that no other
/// `loop` contains, ascending (search them with std::binary_search).
/// Entering a loop nested in another would give the outer loop a second
/// entry: an irreducible loop, which LLVM optimises poorly (nbody ran 4%
/// slower for the rest of the call). A frame running an inner loop moves at
/// its outermost loop's next iteration instead.
std::vector<uint32_t> outermost_loops(const Function& function);

/// Whether `function` has a `loop` instruction.
bool has_loop(const Function& function);

}  // namespace flint
