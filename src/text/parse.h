// The text format (spec chapter 6): WAT modules and WAST scripts.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "flint/result.h"
#include "flint/wat.h"  // parse_wat, public for embedders
#include "wast/script.h"

namespace flint::text {

/// Parses a WAST script. Text modules in it are encoded to binary now;
/// `(module quote ...)` stays text (see ScriptModule).
Result<wast::Script> parse_wast(std::string_view source);

}  // namespace flint::text
