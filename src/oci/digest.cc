// Digests through the SHA-256 that also checks AOT artifacts.
#include "oci/digest.h"

#include "aot/sha256.h"

namespace flint::oci {

std::string sha256_digest(std::span<const uint8_t> bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  aot::Digest d = aot::sha256(bytes);
  std::string out = "sha256:";
  for (uint8_t b : d) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

std::string sha256_digest(std::string_view text) {
  return sha256_digest({reinterpret_cast<const uint8_t*>(text.data()), text.size()});
}

}  // namespace flint::oci
