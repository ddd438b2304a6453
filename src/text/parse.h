// The text format (spec chapter 6): WAT modules and WAST scripts.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "flint/result.h"
#include "wast/script.h"

namespace flint::text {

/// Parses one WAT module (`(module ...)` or a bare list of module fields) and
/// encodes it in the binary format. Errors are Phase::Parse with line/column.
Result<std::vector<uint8_t>> parse_wat(std::string_view source);

/// Parses a WAST script. Text modules in it are encoded to binary now;
/// `(module quote ...)` stays text (see ScriptModule).
Result<wast::Script> parse_wast(std::string_view source);

}  // namespace flint::text
