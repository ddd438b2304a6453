// The component binary format decoder (component-model Binary.md): bytes to
// a Component. Decoding checks the grammar only; validate_component checks
// indices, types and names.
#pragma once

#include <cstdint>
#include <span>

#include "component/component.h"
#include "flint/result.h"

namespace flint::component {

/// The component binary version this decoder reads (the pre-standard 0x0d).
inline constexpr uint16_t kComponentVersion = 0x0d;

/// Whether `bytes` start with a component's preamble (magic and layer 1),
/// whatever its version: how `flint run` tells components from modules.
bool is_component(std::span<const uint8_t> bytes);

/// Decodes a complete component. Errors use the reference scripts' words
/// ("unexpected end-of-file", "invalid leading byte (0x6) for component
/// external kind", ...) and carry the byte offset in `bytes`; errors inside
/// a nested core module are the core decoder's, at offsets in `bytes` too.
Result<Component> decode_component(std::span<const uint8_t> bytes);

}  // namespace flint::component
