// The sections of a binary module (spec 5.5 "Modules"), one decoder per
// section id, sharing the state of one module being decoded.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "binary/instructions.h"
#include "binary/reader.h"
#include "flint/result.h"
#include "module/module.h"

namespace flint::binary {

/// Section ids (5.5.2).
enum class SectionId : uint8_t {
  Custom = 0,
  Type = 1,
  Import = 2,
  Function = 3,
  Table = 4,
  Memory = 5,
  Global = 6,
  Export = 7,
  Start = 8,
  Element = 9,
  Code = 10,
  Data = 11,
  DataCount = 12,
  Tag = 13,  ///< exception handling (wasm 3.0), between memory and global
};
constexpr uint8_t kLastSectionId = 13;

/// A module being decoded. The function and code sections are decoded
/// apart and joined at the end, when their lengths are known to agree.
struct DecodeState {
  Module module;
  std::vector<uint32_t> function_types;  ///< the function section
  std::vector<Function> bodies;          ///< the code section (type_index unset)
  size_t code_section_offset = 0;
  bool has_data_section = false;
  size_t data_section_offset = 0;
  ExpressionFacts code_facts;  ///< over all function bodies
};

// Standard sections (module_sections.cc, segment_sections.cc, code_section.cc).
// Each reads the section's contents from `r`, which is positioned after the
// section's size; the caller checks that exactly `size` bytes were read.
Status decode_type_section(Reader& r, DecodeState& s);
Status decode_import_section(Reader& r, DecodeState& s);
Status decode_function_section(Reader& r, DecodeState& s);
Status decode_table_section(Reader& r, DecodeState& s);
Status decode_memory_section(Reader& r, DecodeState& s);
Status decode_tag_section(Reader& r, DecodeState& s);
Status decode_global_section(Reader& r, DecodeState& s);
Status decode_export_section(Reader& r, DecodeState& s);
Status decode_start_section(Reader& r, DecodeState& s);
Status decode_element_section(Reader& r, DecodeState& s);
Status decode_data_count_section(Reader& r, DecodeState& s);
Status decode_code_section(Reader& r, DecodeState& s);
Status decode_data_section(Reader& r, DecodeState& s);

/// A custom section (5.5.3, custom_sections.cc): `r` is bounded to the
/// section's contents. Keeps its name and bytes, and decodes the "name"
/// section (7.4) into Module::names when it is well formed.
Status decode_custom_section(Reader& r, DecodeState& s);

/// The "name" section's contents (7.4), or nothing when malformed: a
/// custom section may not make a module fail to decode.
std::optional<Names> decode_name_section(Reader r);

}  // namespace flint::binary
