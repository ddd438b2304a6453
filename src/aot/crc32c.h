// CRC-32C (Castagnoli; RFC 3720 appendix B.4): the artifact's integrity check.
//
// Why not a cryptographic hash: the check is against damage (a truncated
// copy, a flipped bit on disk), not against an adversary -- an artifact is
// trusted as a whole, its machine code runs as is, so whoever can write it
// can do anything SHA-256 would notice anyway. CRC-32C detects every burst
// error up to 32 bits and all but 2^-32 of the rest, and with SSE4.2's crc32
// instruction costs a few microseconds on a whole artifact where SHA-256
// cost tens on every start of `flint run MODULE.fwasm` (issue 4).
#pragma once

#include <cstdint>
#include <span>

namespace flint::aot {

/// The CRC-32C of `data` (initial value and final xor 0xFFFFFFFF).
uint32_t crc32c(std::span<const uint8_t> data);
/// The same without CPU extensions: the reference the fast path is tested against.
uint32_t crc32c_portable(std::span<const uint8_t> data);

}  // namespace flint::aot
