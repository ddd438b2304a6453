// Content digests (OCI image spec, "Digests"): `sha256:` and the lower-case
// hex of the SHA-256 of the bytes, what every blob and manifest is named by.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace flint::oci {

/// `sha256:<hex>` of `bytes` (Flint's SHA-256 in src/aot/sha256.h).
std::string sha256_digest(std::span<const uint8_t> bytes);

/// The same for text (a manifest, a config, the locked app).
std::string sha256_digest(std::string_view text);

}  // namespace flint::oci
