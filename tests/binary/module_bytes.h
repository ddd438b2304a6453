// Building binary modules byte by byte in tests: sections with their sizes,
// LEB128 numbers, names. Test support only.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace flint::testing {

using Bytes = std::vector<uint8_t>;

/// Concatenation: cat({a, b, c}).
inline Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

inline Bytes uleb(uint64_t v) {
  Bytes out;
  do {
    uint8_t b = v & 0x7F;
    v >>= 7;
    if (v) b |= 0x80;
    out.push_back(b);
  } while (v);
  return out;
}

inline Bytes sleb(int64_t v) {
  Bytes out;
  while (true) {
    uint8_t b = v & 0x7F;
    v >>= 7;  // arithmetic shift
    const bool done = (v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40));
    if (!done) b |= 0x80;
    out.push_back(b);
    if (done) return out;
  }
}

/// A name: its length, then its bytes.
inline Bytes name(const std::string& s) { return cat({uleb(s.size()), Bytes(s.begin(), s.end())}); }

/// A section: id, size, contents.
inline Bytes section(uint8_t id, const Bytes& contents) {
  return cat({{id}, uleb(contents.size()), contents});
}

/// A vector: count, then the elements.
inline Bytes vec(uint32_t count, const Bytes& elements) { return cat({uleb(count), elements}); }

inline const Bytes kPreamble = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};

/// A module: the preamble and the given sections.
inline Bytes module(std::initializer_list<Bytes> sections) {
  Bytes out = kPreamble;
  for (const Bytes& s : sections) out.insert(out.end(), s.begin(), s.end());
  return out;
}

/// A function body for the code section: size, locals, instructions.
inline Bytes body(const Bytes& locals_and_code) {
  return cat({uleb(locals_and_code.size()), locals_and_code});
}

/// The smallest module with one function of type [] -> [] whose body is
/// `code` (which must end with 0x0B) and no locals; `extra` goes between the
/// function section and the code section (tables, memories, ...).
inline Bytes one_function_module(const Bytes& code, std::initializer_list<Bytes> extra = {}) {
  Bytes out = module({section(1, vec(1, {0x60, 0x00, 0x00})), section(3, vec(1, {0x00}))});
  for (const Bytes& s : extra) out.insert(out.end(), s.begin(), s.end());
  Bytes code_section = section(10, vec(1, body(cat({{0x00}, code}))));
  out.insert(out.end(), code_section.begin(), code_section.end());
  return out;
}

}  // namespace flint::testing
