// CRC-32C: known answers (RFC 3720 B.4, the usual check value) and the
// SSE4.2 path against the portable one on every length around a word.
#include "aot/crc32c.h"

#include <gtest/gtest.h>

#include <string_view>
#include <vector>

namespace flint::aot {
namespace {

uint32_t of(std::string_view s) {
  return crc32c({reinterpret_cast<const uint8_t*>(s.data()), s.size()});
}

TEST(Crc32c, KnownAnswers) {
  EXPECT_EQ(of(""), 0x00000000u);
  EXPECT_EQ(of("123456789"), 0xE3069283u);
  std::vector<uint8_t> zeros(32, 0x00), ones(32, 0xFF), rising(32);
  for (size_t i = 0; i < rising.size(); ++i) rising[i] = uint8_t(i);
  EXPECT_EQ(crc32c(zeros), 0x8A9136AAu);   // RFC 3720 B.4: 32 bytes of zeros
  EXPECT_EQ(crc32c(ones), 0x62A8AB43u);    // 32 bytes of 0xFF
  EXPECT_EQ(crc32c(rising), 0x46DD794Eu);  // 0x00, 0x01, ..., 0x1F
}

TEST(Crc32c, FastPathMatchesPortable) {
  std::vector<uint8_t> data(1200);
  for (size_t i = 0; i < data.size(); ++i) data[i] = uint8_t(i * 131 + (i >> 3));
  for (size_t start = 0; start < 9; ++start)
    for (size_t n = 0; start + n <= data.size(); n += (n < 100 ? 1 : 37)) {
      std::span<const uint8_t> s(data.data() + start, n);
      ASSERT_EQ(crc32c(s), crc32c_portable(s)) << "offset " << start << " length " << n;
    }
}

TEST(Crc32c, EverySingleBitFlipIsDetected) {
  std::vector<uint8_t> data(256);
  for (size_t i = 0; i < data.size(); ++i) data[i] = uint8_t(i * 7);
  uint32_t clean = crc32c(data);
  for (size_t bit = 0; bit < data.size() * 8; ++bit) {
    data[bit / 8] ^= uint8_t(1 << (bit % 8));
    ASSERT_NE(crc32c(data), clean) << "bit " << bit;
    data[bit / 8] ^= uint8_t(1 << (bit % 8));
  }
}

}  // namespace
}  // namespace flint::aot
