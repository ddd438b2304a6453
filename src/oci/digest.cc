// Digests through the SHA-256 that also checks AOT artifacts.
#include "oci/digest.h"

#include "aot/sha256.h"

namespace flint::oci {

std::string sha256_digest(std::span<const uint8_t> bytes) {
  return "sha256:" + aot::to_hex(aot::sha256(bytes));
}

std::string sha256_digest(std::string_view text) {
  return sha256_digest({reinterpret_cast<const uint8_t*>(text.data()), text.size()});
}

}  // namespace flint::oci
