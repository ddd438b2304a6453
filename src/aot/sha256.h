// SHA-256 (FIPS 180-4): the artifact's module hash and integrity check.
#pragma once

#include <array>
#include <cstdint>
#include <span>

namespace flint::aot {

using Digest = std::array<uint8_t, 32>;
Digest sha256(std::span<const uint8_t> data);
/// The same without CPU extensions: the reference the fast path is tested against.
Digest sha256_portable(std::span<const uint8_t> data);

}  // namespace flint::aot
