// A module without its function bodies, for loading a precompiled artifact.
//
// Machine code runs a compiled module's functions, so what the runtime needs
// from its wasm at start-up is the shape: types, imports, functions' types,
// tables, memories, globals, exports, segments, names. Decoding every body
// into instructions as well was half of the start-up of `flint run
// MODULE.fwasm` (issue 4). The bodies are decoded only if an interpreted
// caller needs the module's interpreter code (InterpModule's lazy
// translation), from the full bytes kept for that.
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
/// The module's bytes without custom sections other than "name": what
/// fill_function_bodies needs, kept by a loaded module instead of the whole
/// file (which may be mostly debug information).
Result<std::vector<uint8_t>> without_custom_sections(std::span<const uint8_t> wasm);

/// Decodes `full` (the same module with its bodies) and moves each
/// function's locals and body into `shape`.
Status fill_function_bodies(Module& shape, std::span<const uint8_t> full);

}  // namespace flint::aot
