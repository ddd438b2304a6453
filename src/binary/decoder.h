// The binary format decoder (spec chapter 5): bytes to a Module.
#pragma once

#include <cstdint>
#include <span>

#include "flint/result.h"
#include "module/module.h"

namespace flint {

/// Decodes a complete binary module. Errors use the spec's words
/// ("unexpected end", "integer too large", ...) and carry the byte offset.
/// The name section is decoded into Module::names when well formed; a
/// malformed name section is ignored, as the spec allows for custom sections.
/// `features` decide the grammar where proposals change it (see Features).
Result<Module> decode_module(std::span<const uint8_t> bytes, const Features& features = {});

}  // namespace flint
