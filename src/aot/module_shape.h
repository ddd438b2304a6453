// A module without its function bodies, for loading a precompiled artifact.
//
// Machine code runs a compiled module's functions, so what the runtime needs
// from its wasm at start-up is the shape: types, imports, functions' types,
// tables, memories, globals, exports, segments, names. Decoding every body
// into instructions as well was half of the start-up of `flint run
// MODULE.fwasm` (issue 4); no engine needs them once the code is compiled.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "flint/result.h"
#include "module/module.h"

namespace flint::aot {

/// The module's bytes with every function body replaced by an empty one
/// (no locals, `end`), so decoding it costs nothing per instruction, and
/// without custom sections other than "name" (debug information).
/// Errors are BadArtifact: the bytes come from a checked artifact.
Result<std::vector<uint8_t>> without_function_bodies(std::span<const uint8_t> wasm);

}  // namespace flint::aot
