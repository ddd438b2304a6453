// The WebAssembly text format for embedders (spec chapter 6): turns a WAT
// module into binary bytes that flint::compile() accepts. Lives in the
// flint_text library (Flint::flint links it).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "flint/result.h"

namespace flint::text {

/// Parses one WAT module (`(module ...)` or a bare list of module fields) and
/// encodes it in the binary format; or one component (`(component ...)`),
/// encoded in the component binary format (component-model Binary.md). Errors are Phase::Parse with
/// line/column.
Result<std::vector<uint8_t>> parse_wat(std::string_view source);

}  // namespace flint::text
