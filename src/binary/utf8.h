// UTF-8 well-formedness (spec 5.2.4 "Names", Unicode 3.9 table 3-7): names in
// the binary format must be valid UTF-8 -- no overlong forms, no surrogates,
// nothing above U+10FFFF, no truncated sequences.
#pragma once

#include <cstdint>
#include <span>

namespace flint::binary {

bool is_valid_utf8(std::span<const uint8_t> bytes);

}  // namespace flint::binary
