// SHA-256: known answers (FIPS 180-4 examples) and the SHA-extension path
// against the portable one on every length around the block boundaries.
#include "aot/sha256.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace flint::aot {
namespace {

std::string hex(const Digest& d) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (uint8_t b : d) s += {digits[b >> 4], digits[b & 15]};
  return s;
}

Digest of(std::string_view s) { return sha256({reinterpret_cast<const uint8_t*>(s.data()), s.size()}); }

TEST(Sha256, KnownAnswers) {
  EXPECT_EQ(hex(of("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hex(of("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex(of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(hex(of(std::string(1000000, 'a'))),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, FastPathMatchesPortable) {
  std::vector<uint8_t> data(1200);
  for (size_t i = 0; i < data.size(); ++i) data[i] = uint8_t(i * 131 + (i >> 3));
  for (size_t n = 0; n < data.size(); n += (n < 200 ? 1 : 37)) {
    std::span<const uint8_t> s(data.data(), n);
    ASSERT_EQ(sha256(s), sha256_portable(s)) << "length " << n;
  }
}

}  // namespace
}  // namespace flint::aot
