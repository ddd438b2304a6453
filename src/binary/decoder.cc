// The module's outer structure (spec 5.5.16 "Modules"): the preamble, the
// sequence of sections with their ids, sizes and order, and the checks that
// relate sections to each other.
#include "binary/decoder.h"

#include <fmt/format.h>

#include "binary/reader.h"
#include "binary/sections.h"

namespace flint {

namespace {

using binary::DecodeState;
using binary::Reader;
using binary::SectionId;

constexpr uint32_t kMagic = 0x6D736100;  // "\0asm"
constexpr uint32_t kVersion = 1;

// The position of each non-custom section in the required order. The data
// count section (id 12) comes between the element and code sections.
int section_rank(SectionId id) {
  switch (id) {
    case SectionId::Custom: return 0;
    case SectionId::Type: return 1;
    case SectionId::Import: return 2;
    case SectionId::Function: return 3;
    case SectionId::Table: return 4;
    case SectionId::Memory: return 5;
    case SectionId::Tag: return 6;
    case SectionId::Global: return 7;
    case SectionId::Export: return 8;
    case SectionId::Start: return 9;
    case SectionId::Element: return 10;
    case SectionId::DataCount: return 11;
    case SectionId::Code: return 12;
    case SectionId::Data: return 13;
  }
  return 0;
}

Status decode_section_contents(SectionId id, Reader& r, DecodeState& s) {
  switch (id) {
    case SectionId::Custom: return binary::decode_custom_section(r, s);
    case SectionId::Type: return binary::decode_type_section(r, s);
    case SectionId::Import: return binary::decode_import_section(r, s);
    case SectionId::Function: return binary::decode_function_section(r, s);
    case SectionId::Table: return binary::decode_table_section(r, s);
    case SectionId::Memory: return binary::decode_memory_section(r, s);
    case SectionId::Tag: return binary::decode_tag_section(r, s);
    case SectionId::Global: return binary::decode_global_section(r, s);
    case SectionId::Export: return binary::decode_export_section(r, s);
    case SectionId::Start: return binary::decode_start_section(r, s);
    case SectionId::Element: return binary::decode_element_section(r, s);
    case SectionId::Code: return binary::decode_code_section(r, s);
    case SectionId::Data: return binary::decode_data_section(r, s);
    case SectionId::DataCount: return binary::decode_data_count_section(r, s);
  }
  return {};
}

Status decode_preamble(Reader& r) {
  FLINT_ASSIGN(uint32_t magic, r.fixed_u32());
  if (magic != kMagic) return error_at(ErrorCode::MagicHeaderNotDetected, 0);
  FLINT_ASSIGN(uint32_t version, r.fixed_u32());
  if (version != kVersion)
    return error_at(ErrorCode::UnknownBinaryVersion, 4, fmt::format("version {}", version));
  return {};
}

// One section: id, size, contents. Custom sections are read through a reader
// bounded to their size (their contents are opaque); the others read on, as
// the reference interpreter does, and their size is checked afterwards.
Status decode_section(Reader& r, DecodeState& s, int& last_rank) {
  const size_t id_offset = r.offset();
  FLINT_ASSIGN(uint8_t id_byte, r.u8());
  if (id_byte > binary::kLastSectionId)
    return error_at(ErrorCode::MalformedSectionId, id_offset, fmt::format("id {}", id_byte));
  const auto id = static_cast<SectionId>(id_byte);
  FLINT_ASSIGN(uint32_t size, r.length());
  const size_t start = r.offset();
  if (id == SectionId::Custom) {
    Reader contents = r.bounded(start + size);
    FLINT_TRY(decode_section_contents(id, contents, s));
    FLINT_TRY(r.take(size));
    return {};
  }
  const int rank = section_rank(id);
  if (rank <= last_rank)
    return error_at(ErrorCode::UnexpectedContentAfterLastSection, id_offset,
                    fmt::format("section {} out of order", id_byte));
  last_rank = rank;
  r.set_end_error(ErrorCode::UnexpectedEndOfSection);
  FLINT_TRY(decode_section_contents(id, r, s));
  r.set_end_error(ErrorCode::UnexpectedEnd);
  if (r.offset() != start + size)
    return error_at(
        ErrorCode::SectionSizeMismatch, start,
        fmt::format("section {} of {} bytes declared, {} read", id_byte, size, r.offset() - start));
  return {};
}

// The checks between sections, in the reference interpreter's order, once
// every section has been decoded.
Status check_section_agreement(const DecodeState& s, size_t module_end) {
  if (s.function_types.size() != s.bodies.size())
    return error_at(
        ErrorCode::FunctionCodeLengthMismatch,
        s.bodies.empty() ? module_end : s.code_section_offset,
        fmt::format("{} functions declared, {} bodies", s.function_types.size(), s.bodies.size()));
  if (s.module.data_count && *s.module.data_count != s.module.data.size())
    return error_at(
        ErrorCode::DataCountLengthMismatch, s.has_data_section ? s.data_section_offset : module_end,
        fmt::format("data count {}, {} segments", *s.module.data_count, s.module.data.size()));
  if (!s.module.data_count && s.code_facts.first_data_index_use)
    return error_at(ErrorCode::DataCountRequired, *s.code_facts.first_data_index_use);
  return {};
}

}  // namespace

Result<Module> decode_module(std::span<const uint8_t> bytes, const Features& features) {
  Reader r(bytes, features);
  FLINT_TRY(decode_preamble(r));
  DecodeState s;
  int last_rank = 0;
  while (!r.at_end()) FLINT_TRY(decode_section(r, s, last_rank));
  FLINT_TRY(check_section_agreement(s, bytes.size()));

  Module& m = s.module;
  m.functions = std::move(s.bodies);
  for (size_t i = 0; i < m.functions.size(); ++i) m.functions[i].type_index = s.function_types[i];
  return std::move(m);
}

}  // namespace flint
