// Checked access to a guest's linear memory for the canonical ABI: every
// pointer is a u32 and every length may be huge, so each range is checked in
// 64-bit arithmetic before a byte is touched; realloc's answers are checked
// the way CanonicalABI.md's trap_if lines do.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>

#include "canon/context.h"
#include "flint/result.h"

namespace flint::canon {

/// A trap of the canonical ABI.
inline Error abi_trap(ErrorCode code, std::string detail = {}) {
  return make_error(code, std::move(detail));
}

/// The bytes [ptr, ptr + len) of the context's memory, or a trap of `code`
/// when they are not all inside it (or there is no memory).
Result<std::span<uint8_t>> memory_range(CallContext& cx, uint64_t ptr, uint64_t len,
                                        ErrorCode code);

/// `ptr` is a multiple of `align`, or an "unaligned pointer" trap.
Status check_aligned(uint64_t ptr, uint32_t align);

/// Calls the realloc option and checks its answer: aligned to `align` and
/// `new_size` bytes inside memory. `fused_oob` is the word the fused
/// adapter uses for an out-of-bounds answer ("list content
/// out-of-bounds"); the host path says "realloc return: ...".
Result<uint32_t> checked_realloc(CallContext& cx, uint32_t old_ptr, uint32_t old_size,
                                 uint32_t align, uint32_t new_size, ErrorCode fused_oob);

/// Little-endian loads and stores of `n` bytes (1, 2, 4, 8) at `p`.
inline uint64_t read_le(const uint8_t* p, uint32_t n) {
  uint64_t v = 0;
  for (uint32_t i = 0; i < n; ++i) v |= uint64_t(p[i]) << (8 * i);
  return v;
}
inline void write_le(uint8_t* p, uint64_t v, uint32_t n) {
  for (uint32_t i = 0; i < n; ++i) p[i] = uint8_t(v >> (8 * i));
}

}  // namespace flint::canon
