#include "aot/module_shape.h"

#include <string_view>

#include "binary/decoder.h"
#include "binary/leb128_writer.h"

namespace flint::aot {

namespace {

constexpr uint8_t kCustomSectionId = 0;
constexpr uint8_t kCodeSectionId = 10;
constexpr size_t kPreamble = 8;  // magic and version (spec 5.5.16)

Error malformed() {
  return make_error(ErrorCode::BadArtifact, "its module's sections are malformed");
}

// An unsigned LEB128 u32 at `pos` (spec 5.2.2); advances `pos`.
bool read_u32(std::span<const uint8_t> b, size_t& pos, uint32_t& out) {
  uint64_t v = 0;
  for (int shift = 0; shift < 35; shift += 7) {
    if (pos >= b.size()) return false;
    uint8_t byte = b[pos++];
    v |= uint64_t(byte & 0x7f) << shift;
    if (!(byte & 0x80)) {
      if (v > UINT32_MAX) return false;
      out = uint32_t(v);
      return true;
    }
  }
  return false;
}

// One pass over the sections: keeps "name" of the custom ones, and the code
// section as it is or with every body stubbed.
Result<std::vector<uint8_t>> rewrite(std::span<const uint8_t> wasm, bool stub_bodies) {
  if (wasm.size() < kPreamble) return malformed();
  std::vector<uint8_t> out;
  out.insert(out.end(), wasm.begin(), wasm.begin() + kPreamble);
  size_t pos = kPreamble;
  while (pos < wasm.size()) {
    size_t start = pos;
    uint8_t id = wasm[pos++];
    uint32_t size = 0;
    if (!read_u32(wasm, pos, size) || size > wasm.size() - pos) return malformed();
    size_t end = pos + size;
    if (id == kCustomSectionId) {
      // Only the name section matters to the runtime (backtraces); DWARF
      // and other custom sections can be most of a module's bytes.
      uint32_t name_size = 0;
      size_t at = pos;
      if (!read_u32(wasm, at, name_size) || name_size > end - at) return malformed();
      std::string_view name(reinterpret_cast<const char*>(wasm.data() + at), name_size);
      if (name == "name") out.insert(out.end(), wasm.begin() + start, wasm.begin() + end);
    } else if (id != kCodeSectionId || !stub_bodies) {
      out.insert(out.end(), wasm.begin() + start, wasm.begin() + end);
    } else {
      uint32_t count = 0;
      if (!read_u32(wasm, pos, count) || count > size)
        return malformed();  // each body takes a byte or more
      std::vector<uint8_t> contents;
      binary::append_unsigned_leb(contents, count);
      // Body size 2: no local declarations, then `end`.
      for (uint32_t i = 0; i < count; ++i) contents.insert(contents.end(), {0x02, 0x00, 0x0b});
      out.push_back(kCodeSectionId);
      binary::append_unsigned_leb(out, uint32_t(contents.size()));
      out.insert(out.end(), contents.begin(), contents.end());
    }
    pos = end;
  }
  return out;
}

}  // namespace

Result<std::vector<uint8_t>> without_function_bodies(std::span<const uint8_t> wasm) {
  return rewrite(wasm, true);
}

}  // namespace flint::aot
