// Writing LEB128 integers (spec 5.2.2), shortest form: the text path's
// encoder, the artifact's module shape and its code location table.
#pragma once

#include <cstdint>
#include <vector>

namespace flint::binary {

/// Appends `v` as an unsigned LEB128.
inline void append_unsigned_leb(std::vector<uint8_t>& out, uint64_t v) {
  do {
    uint8_t byte = v & 0x7f;
    v >>= 7;
    out.push_back(byte | (v != 0 ? 0x80 : 0));
  } while (v != 0);
}

/// Appends `v` as a signed LEB128.
inline void append_signed_leb(std::vector<uint8_t>& out, int64_t v) {
  while (true) {
    uint8_t byte = v & 0x7f;
    v >>= 7;  // arithmetic shift
    bool done = (v == 0 && !(byte & 0x40)) || (v == -1 && (byte & 0x40));
    out.push_back(byte | (done ? 0 : 0x80));
    if (done) return;
  }
}

}  // namespace flint::binary
