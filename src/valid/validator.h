// The validator (spec chapter 3): checks a decoded module is well typed.
#pragma once

#include "flint/result.h"
#include "module/module.h"

namespace flint {

/// Validates a whole module with the spec's algorithm (appendix "Validation
/// Algorithm": operand and control stacks). Errors use the spec's words
/// ("type mismatch", "unknown global", ...) and carry the instruction's byte
/// offset and the function index. Without Features::multi_memory, a module
/// with more than one memory is invalid ("multiple memories"), as in 2.0.
Status validate(const Module& module, const Features& features = {});

}  // namespace flint
