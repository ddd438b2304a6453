// The component's outer structure (component-model Binary.md, "Component
// Definitions"): the preamble, the sections with their ids and sizes, and
// the nested core modules and components.
//
// Unlike a core module's, a component's sections come in any order and any
// number, and each is read through a reader bounded to its size: a read past
// a section's end is "unexpected end-of-file", as the reference scripts have
// it, and contents left unread are "section size mismatch".
#include "component/decoder.h"

#include <fmt/format.h>

#include "binary/decoder.h"
#include "component/sections.h"

namespace flint::component {

namespace {

constexpr uint8_t kMagic[4] = {0x00, 0x61, 0x73, 0x6D};
constexpr uint16_t kComponentLayer = 1;

bool has_magic(std::span<const uint8_t> bytes) {
  return bytes.size() >= 4 && std::equal(kMagic, kMagic + 4, bytes.begin());
}

// preamble ::= magic version:u16 layer:u16. A core module is version 1,
// layer 0; a component has layer 1.
Status decode_preamble(Reader& r) {
  const size_t start = r.offset();
  FLINT_ASSIGN(auto magic, r.take(4));
  if (!std::equal(kMagic, kMagic + 4, magic.begin()))
    return error_at(ErrorCode::MagicHeaderNotDetected, start);
  FLINT_ASSIGN(auto version_bytes, r.take(2));
  FLINT_ASSIGN(auto layer_bytes, r.take(2));
  const uint16_t version = uint16_t(version_bytes[0] | version_bytes[1] << 8);
  const uint16_t layer = uint16_t(layer_bytes[0] | layer_bytes[1] << 8);
  if (layer == 0) return error_at(ErrorCode::ExpectedComponentHeader, start + 4);
  if (layer != kComponentLayer)
    return error_at(ErrorCode::UnknownBinaryVersion, start + 6, fmt::format("layer {}", layer));
  if (version != kComponentVersion)
    return error_at(ErrorCode::UnknownBinaryVersion, start + 4, fmt::format("version {}", version));
  return {};
}

size_t definition_count(const Component& c, SectionId id) {
  switch (id) {
    case SectionId::Custom: return c.customs.size();
    case SectionId::CoreModule: return c.core_modules.size();
    case SectionId::CoreInstance: return c.core_instances.size();
    case SectionId::CoreType: return c.core_types.size();
    case SectionId::Component: return c.components.size();
    case SectionId::Instance: return c.instances.size();
    case SectionId::Alias: return c.aliases.size();
    case SectionId::Type: return c.types.size();
    case SectionId::Canon: return c.canons.size();
    case SectionId::Start: return c.starts.size();
    case SectionId::Import: return c.imports.size();
    case SectionId::Export: return c.exports.size();
    case SectionId::Value: return c.values.size();
  }
  return 0;
}

Status decode_section_contents(SectionId id, Reader& r, DecodeState& s) {
  switch (id) {
    case SectionId::Custom: return decode_custom_section(r, s);
    case SectionId::CoreModule: return decode_core_module_section(r, s);
    case SectionId::CoreInstance: return decode_core_instance_section(r, s);
    case SectionId::CoreType: return decode_core_type_section(r, s);
    case SectionId::Component: return decode_component_section(r, s);
    case SectionId::Instance: return decode_instance_section(r, s);
    case SectionId::Alias: return decode_alias_section(r, s);
    case SectionId::Type: return decode_type_section(r, s);
    case SectionId::Canon: return decode_canon_section(r, s);
    case SectionId::Start: return decode_start_section(r, s);
    case SectionId::Import: return decode_import_section(r, s);
    case SectionId::Export: return decode_export_section(r, s);
    case SectionId::Value: return decode_value_section(r, s);
  }
  return {};
}

Status decode_section(Reader& r, DecodeState& s) {
  const size_t id_offset = r.offset();
  FLINT_ASSIGN(uint8_t id_byte, r.u8());
  if (id_byte > kLastSectionId)
    return error_at(ErrorCode::MalformedSectionId, id_offset, fmt::format("id {}", id_byte));
  const auto id = static_cast<SectionId>(id_byte);
  FLINT_ASSIGN(uint32_t size, r.u32());
  if (size > r.remaining()) return r.end_of_input();
  const size_t start = r.offset();
  Section section{id, start, size, uint32_t(definition_count(s.component, id)), 0};
  Reader contents = r.bounded(start + size);
  FLINT_TRY(decode_section_contents(id, contents, s));
  if (!contents.at_end())
    return error_at(ErrorCode::SectionSizeMismatch, contents.offset(),
                    fmt::format("section {} of {} bytes declared, {} read", id_byte, size,
                                contents.offset() - start));
  FLINT_TRY(r.take(size));
  section.count = uint32_t(definition_count(s.component, id)) - section.first;
  s.component.sections.push_back(section);
  return {};
}

}  // namespace

bool is_component(std::span<const uint8_t> bytes) {
  return bytes.size() >= 8 && has_magic(bytes) && bytes[6] == kComponentLayer && bytes[7] == 0;
}

Result<Component> decode_component_at(Reader& r, int depth) {
  DecodeState s;
  s.depth = depth;
  s.component.offset = r.offset();
  FLINT_TRY(decode_preamble(r));
  while (!r.at_end()) FLINT_TRY(decode_section(r, s));
  s.component.size = r.offset() - s.component.offset;
  return std::move(s.component);
}

// A nested core module: its bytes go to the core decoder, whose error
// offsets are then moved to the component's.
Status decode_core_module_section(Reader& r, DecodeState& s) {
  const size_t start = r.offset();
  FLINT_ASSIGN(auto bytes, r.take(r.remaining()));
  if (has_magic(bytes) && bytes.size() >= 8 && bytes[6] == kComponentLayer && bytes[7] == 0)
    return error_at(ErrorCode::ExpectedModuleHeader, start + 4);
  Result<Module> m = decode_module(bytes);
  if (!m) {
    Error e = std::move(m).error();
    e.offset = start + e.offset.value_or(0);
    return e;
  }
  s.component.core_modules.push_back({std::make_shared<const Module>(std::move(*m)), start,
                                      bytes.size(), s.land(Space::CoreModule).index});
  return {};
}

Status decode_component_section(Reader& r, DecodeState& s) {
  const size_t start = r.offset();
  FLINT_ASSIGN(Component nested, decode_component_at(r, s.depth + 1));
  const size_t size = nested.size;
  s.component.components.push_back({std::make_shared<const Component>(std::move(nested)), start,
                                    size, s.land(Space::Component).index});
  return {};
}

Result<Component> decode_component(std::span<const uint8_t> bytes) {
  Reader r(bytes);
  r.set_end_error(ErrorCode::ComponentUnexpectedEof);
  return decode_component_at(r, 0);
}

}  // namespace flint::component
