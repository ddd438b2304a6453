// The sections of a binary component (component-model Binary.md), one
// decoder per section id, sharing the state of one component being decoded.
#pragma once

#include <array>
#include <cstdint>
#include <memory>

#include "component/component.h"
#include "component/reader.h"
#include "flint/result.h"

namespace flint::component {

/// A component being decoded: the Component so far and the size of each of
/// its index spaces, from which every definition gets its index.
struct DecodeState {
  Component component;
  int depth = 0;  ///< 0 for the outermost component

  Slot land(Space s) { return Slot{s, component.space_sizes[size_t(s)]++}; }
};

// Each reads a section's contents from `r`, which is bounded to them; the
// caller checks that every byte was read.
Status decode_core_module_section(Reader& r, DecodeState& s);
Status decode_core_instance_section(Reader& r, DecodeState& s);
Status decode_core_type_section(Reader& r, DecodeState& s);
Status decode_component_section(Reader& r, DecodeState& s);
Status decode_instance_section(Reader& r, DecodeState& s);
Status decode_alias_section(Reader& r, DecodeState& s);
Status decode_type_section(Reader& r, DecodeState& s);
Status decode_canon_section(Reader& r, DecodeState& s);
Status decode_start_section(Reader& r, DecodeState& s);
Status decode_import_section(Reader& r, DecodeState& s);
Status decode_export_section(Reader& r, DecodeState& s);
Status decode_value_section(Reader& r, DecodeState& s);
Status decode_custom_section(Reader& r, DecodeState& s);

/// A component (preamble and sections) from `r`, bounded to its bytes;
/// `depth` counts the components around it.
Result<Component> decode_component_at(Reader& r, int depth);

// The productions shared by sections and type declarations.
/// deftype: a value, function, component, instance or resource type.
Result<std::shared_ptr<const TypeDef>> read_type_def(Reader& r);
/// core:type: a core module type, or a core deftype (function or GC type).
Result<std::shared_ptr<const CoreTypeDef>> read_core_type_def(Reader& r);
/// alias: its sort, its target and the target's immediates.
Result<Alias> read_alias(Reader& r);

}  // namespace flint::component
