// Strings across the canonical ABI (CanonicalABI.md, "Loading" strings and
// "Storing" strings): decoding a guest's utf8, utf16 or latin1+utf16 bytes
// into a component value's UTF-8, and encoding it back, transcoding with the
// spec's realloc pattern (allocate the worst case, shrink afterwards).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <utility>

#include "canon/context.h"
#include "flint/result.h"

namespace flint::canon {

/// Checks that `bytes` are UTF-8: "invalid utf-8" for a bad byte,
/// "incomplete utf-8 byte sequence" when the input ends mid-character.
Status validate_utf8(std::span<const uint8_t> bytes);

/// The string at `ptr` of `tagged_code_units` (the spec's
/// load_string_from_range) in the context's encoding, as UTF-8.
Result<std::string> load_string_from_range(CallContext& cx, uint32_t ptr,
                                           uint32_t tagged_code_units);

/// Stores `utf8` into memory from the context's realloc in the context's
/// encoding (the spec's store_string_into_range): the pointer and the
/// (tagged) length in code units.
Result<std::pair<uint32_t, uint32_t>> store_string_into_range(CallContext& cx,
                                                              const std::string& utf8);

}  // namespace flint::canon
