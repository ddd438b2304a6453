// Test helper: component and module binaries without their custom sections,
// for comparing Flint's text encoder with wasm-tools, which writes name
// sections of its own.
#pragma once

#include <cstdint>
#include <vector>

namespace flint::testing {

// Reads a LEB128 u32 at `*pos`; false past the end.
inline bool read_u32(const std::vector<uint8_t>& b, size_t* pos, uint32_t* out) {
  uint32_t v = 0;
  for (unsigned shift = 0; shift < 35; shift += 7) {
    if (*pos >= b.size()) return false;
    uint8_t byte = b[(*pos)++];
    v |= uint32_t(byte & 0x7f) << shift;
    if (!(byte & 0x80)) {
      *out = v;
      return true;
    }
  }
  return false;
}

inline void write_u32(std::vector<uint8_t>& out, uint32_t v) {
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    if (v) b |= 0x80;
    out.push_back(b);
  } while (v);
}

// The binary without custom sections (id 0), in nested core modules (section
// 1) and components (section 4) too. Unreadable input comes back unchanged.
inline std::vector<uint8_t> strip_custom_sections(const std::vector<uint8_t>& b) {
  if (b.size() < 8) return b;
  const bool component = b[4] == 0x0d;
  std::vector<uint8_t> out(b.begin(), b.begin() + 8);
  size_t pos = 8;
  while (pos < b.size()) {
    uint8_t id = b[pos++];
    uint32_t size = 0;
    if (!read_u32(b, &pos, &size) || pos + size > b.size()) return b;
    std::vector<uint8_t> body(b.begin() + pos, b.begin() + pos + size);
    pos += size;
    if (id == 0) continue;
    if (component && (id == 1 || id == 4)) body = strip_custom_sections(body);
    out.push_back(id);
    write_u32(out, uint32_t(body.size()));
    out.insert(out.end(), body.begin(), body.end());
  }
  return out;
}

}  // namespace flint::testing
