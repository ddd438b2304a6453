// SHA-256 (FIPS 180-4): the artifact's module hash and integrity check.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace flint::aot {

using Digest = std::array<uint8_t, 32>;
Digest sha256(std::span<const uint8_t> data);
/// The SHA-256 of text (a cache key, a socket name).
Digest sha256(std::string_view text);
/// A digest as 64 lower-case hex digits (what OCI digests and file names use).
std::string to_hex(const Digest& digest);
/// The same without CPU extensions: the reference the fast path is tested against.
Digest sha256_portable(std::span<const uint8_t> data);

}  // namespace flint::aot
