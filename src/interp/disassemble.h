// A readable listing of a translated function's internal code: for tests
// that check which instructions the translator chose, and for debugging.
#pragma once

#include <string>

#include "interp/code.h"

namespace flint::interp {

/// One line per instruction: "<word index>: <name> <operands>", where slots
/// print as sN, immediates as numbers and branch targets as "-> <word index>".
std::string disassemble(const CompiledFunction& function);

}  // namespace flint::interp
