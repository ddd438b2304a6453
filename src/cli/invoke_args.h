// Turning command-line words into typed wasm values for `--invoke`, and
// results back into text, as `wasmtime run --invoke` does.
#pragma once

#include <string>
#include <string_view>

#include "flint/result.h"
#include "flint/value.h"

namespace flint::cli {

/// Parses one argument for a parameter of type `type`: integers in decimal
/// or 0x-hex, signed or unsigned within the type's width; floats in any form
/// strtod accepts (including nan and inf); "null" for references.
Result<Value> parse_argument(std::string_view word, ValType type);

/// Formats a result: integers as signed decimals, floats in shortest form.
std::string format_result(const Value& v);

}  // namespace flint::cli
