#include "aot/crc32c.h"

#include <array>
#include <cstring>

#include "runtime/host_cpu.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace flint::aot {

namespace {

constexpr uint32_t kPolynomial = 0x82F63B78;  // 0x1EDC6F41 bit-reversed

// Byte-at-a-time table for the reflected polynomial.
constexpr std::array<uint32_t, 256> kTable = [] {
  std::array<uint32_t, 256> t{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ ((c & 1) ? kPolynomial : 0);
    t[i] = c;
  }
  return t;
}();

uint32_t update_portable(uint32_t crc, const uint8_t* p, size_t n) {
  for (size_t i = 0; i < n; ++i) crc = kTable[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
  return crc;
}

#if defined(__x86_64__)
// SSE4.2's crc32 computes exactly this CRC, eight bytes per instruction.
[[gnu::target("sse4.2")]] uint32_t update_sse42(uint32_t crc, const uint8_t* p, size_t n) {
  uint64_t c = crc;
  for (; n >= 8; n -= 8, p += 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    c = _mm_crc32_u64(c, word);
  }
  uint32_t c32 = uint32_t(c);
  for (; n > 0; --n, ++p) c32 = _mm_crc32_u8(c32, *p);
  return c32;
}
#endif

using Update = uint32_t (*)(uint32_t, const uint8_t*, size_t);

Update pick_update() {
#if defined(__x86_64__)
  if (host_has(CpuFeature::Sse42)) return update_sse42;
#endif
  return update_portable;
}

}  // namespace

uint32_t crc32c(std::span<const uint8_t> data) {
  static const Update update = pick_update();
  return ~update(~uint32_t(0), data.data(), data.size());
}

uint32_t crc32c_portable(std::span<const uint8_t> data) {
  return ~update_portable(~uint32_t(0), data.data(), data.size());
}

}  // namespace flint::aot
