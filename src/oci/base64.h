// Base64 (RFC 4648 §4, with padding): Docker's `auths.*.auth` field
// (`user:password`), HTTP Basic credentials and the locked app's inlined
// file contents are all written in it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace flint::oci {

/// `bytes` in base64 with '=' padding.
std::string base64_encode(std::string_view bytes);

/// The bytes of `text`, or nothing when it is not base64 (whitespace is not
/// allowed; padding is optional).
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace flint::oci
