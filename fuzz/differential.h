// The differential check: one module, the same calls, run by the
// interpreter, by compiled (AOT) code and by the tiered engine (its
// first half of the calls interpreted, the rest after the switch to
// compiled code); everything observable compared with the interpreter.
//
// Compared after every planned call (module_generator.h): the results
// (value types and bits; see NanRule), trap vs no trap and the trap's kind
// (its error code, i.e. the spec's message), the exported memory's size and
// bytes, and every exported global. "call stack exhausted" on both sides
// counts as equal; on one side only the engines' stack depths simply differ
// (the spec leaves the limit to the implementation), so the module's later
// calls are not compared (counted as inconclusive).
#pragma once

#include <cstdint>
#include <string>

#include "fuzz/module_generator.h"
#include "fuzz/value_compare.h"

namespace flint::fuzz {

struct DiffStats {
  uint64_t modules = 0;
  uint64_t calls = 0;
  uint64_t traps = 0;         ///< calls that trapped (in both engines)
  uint64_t inconclusive = 0;  ///< modules cut short by one-sided stack exhaustion
  /// Calls of the stepped tiered side that moved to compiled code inside a
  /// loop (on-stack replacement).
  uint64_t loop_moves = 0;
};

enum class DiffVerdict : uint8_t { Agree, InvalidModule, Mismatch };

struct DiffOutcome {
  DiffVerdict verdict = DiffVerdict::Agree;
  std::string report;  ///< what differed, for a person (empty when Agree)
};

/// Validates the module with Flint's validator (an invalid one is a
/// generator bug), compiles it for the three engines (the AOT compiler in
/// process, set here), instantiates it in three stores and makes the
/// planned calls in all. On a difference the
/// calls are replayed with code compiled at -O0, and the report says
/// whether the optimiser made the difference.
DiffOutcome run_differential(const GeneratedModule& module, DiffStats& stats);

}  // namespace flint::fuzz
