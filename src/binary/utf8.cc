#include "binary/utf8.h"

namespace flint::binary {

namespace {
bool is_continuation(uint8_t b) { return (b & 0xC0) == 0x80; }
}  // namespace

bool is_valid_utf8(std::span<const uint8_t> bytes) {
  size_t i = 0;
  const size_t n = bytes.size();
  while (i < n) {
    const uint8_t b = bytes[i];
    if (b < 0x80) {
      ++i;
      continue;
    }
    // The second byte's range depends on the first (table 3-7): it is what
    // excludes overlong forms (E0, F0), surrogates (ED) and code points past
    // U+10FFFF (F4).
    size_t length;
    uint8_t low = 0x80, high = 0xBF;
    if (b >= 0xC2 && b <= 0xDF) {
      length = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
      length = 3;
      if (b == 0xE0) low = 0xA0;
      if (b == 0xED) high = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
      length = 4;
      if (b == 0xF0) low = 0x90;
      if (b == 0xF4) high = 0x8F;
    } else {
      return false;  // a continuation byte, C0/C1 (always overlong) or F5..FF
    }
    if (n - i < length) return false;
    if (bytes[i + 1] < low || bytes[i + 1] > high) return false;
    for (size_t k = 2; k < length; ++k)
      if (!is_continuation(bytes[i + k])) return false;
    i += length;
  }
  return true;
}

}  // namespace flint::binary
