// A decoded component (component-model Binary.md, "Component Definitions"):
// its sections in order, and per kind of definition the definitions they
// hold, each with its byte offset and the index-space slot it lands in.
//
// A component is immutable once decoded. Nested core modules are decoded by
// Flint's core decoder (decode_module) and keep their byte range; nested
// components are decoded recursively into the same structure.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "component/canon.h"
#include "component/core_types.h"
#include "component/sort.h"
#include "component/types.h"
#include "module/module.h"

namespace flint::component {

/// Section ids of a component.
enum class SectionId : uint8_t {
  Custom = 0,
  CoreModule = 1,
  CoreInstance = 2,
  CoreType = 3,
  Component = 4,
  Instance = 5,
  Alias = 6,
  Type = 7,
  Canon = 8,
  Start = 9,
  Import = 10,
  Export = 11,
  Value = 12,  ///< 🪙 value definitions
};
inline constexpr uint8_t kLastSectionId = 12;

/// One section as it appears: its id, the byte range of its contents and the
/// range of definitions it added to its kind's vector in Component.
struct Section {
  SectionId id = SectionId::Custom;
  size_t offset = 0;  ///< of the contents (after the size)
  size_t size = 0;
  uint32_t first = 0;  ///< index of its first definition in the kind's vector
  uint32_t count = 0;  ///< how many definitions it holds
};

struct Component;

/// A nested core module (section 1), decoded by the core decoder.
struct CoreModule {
  std::shared_ptr<const Module> module;
  size_t offset = 0, size = 0;  ///< the module's bytes within the component
  uint32_t index = 0;           ///< in the core module space
};

/// A nested component (section 4).
struct NestedComponent {
  std::shared_ptr<const Component> component;
  size_t offset = 0, size = 0;
  uint32_t index = 0;  ///< in the component space
};

/// core:instantiatearg: `(with name (instance i))`.
struct CoreInstantiateArg {
  std::string name;
  uint32_t instance = 0;
};
/// core:inlineexport: `(export name (sort idx))`.
struct CoreInlineExport {
  std::string name;
  CoreSort sort = CoreSort::Func;
  uint32_t index = 0;
};

/// core:instance: instantiate a core module, or bundle core definitions.
struct CoreInstance {
  bool instantiate = true;  ///< 0x00 instantiate / 0x01 inline exports
  uint32_t module = 0;      ///< when instantiate
  std::vector<CoreInstantiateArg> args;
  std::vector<CoreInlineExport> exports;
  size_t offset = 0;
  uint32_t index = 0;  ///< in the core instance space
};

/// instantiatearg: `(with name (sort idx))`.
struct InstantiateArg {
  std::string name;
  SortIndex item;
};
/// inlineexport: `(export name (sort idx))`.
struct InlineExport {
  RawName name;
  SortIndex item;
};

/// instance: instantiate a component, or bundle definitions.
struct Instance {
  bool instantiate = true;
  uint32_t component = 0;  ///< when instantiate
  std::vector<InstantiateArg> args;
  std::vector<InlineExport> exports;
  size_t offset = 0;
  uint32_t index = 0;  ///< in the instance space
};

/// alias: a definition taken from an instance's exports or from an
/// enclosing component.
struct Alias {
  enum class Target : uint8_t { Export = 0x00, CoreExport = 0x01, Outer = 0x02 };
  Sort sort;
  Target target = Target::Export;
  uint32_t instance = 0;  ///< Export, CoreExport
  std::string name;       ///< Export, CoreExport
  uint32_t count = 0;     ///< Outer: how many components outward (0 = this one)
  uint32_t index = 0;     ///< Outer: the index in that component's space
  size_t offset = 0;
  Slot lands;
};

/// A component type section entry (section 7).
struct TypeDefinition {
  std::shared_ptr<const TypeDef> type;
  uint32_t index = 0;  ///< in the type space
};

/// A core type section entry (section 3).
struct CoreTypeDefinition {
  std::shared_ptr<const CoreTypeDef> type;
  uint32_t index = 0;  ///< in the core type space
};

/// start: call `func` with values as arguments; its results become values.
struct Start {
  uint32_t func = 0;
  std::vector<uint32_t> args;  ///< value indices
  uint32_t results = 0;
  size_t offset = 0;
  uint32_t first_value = 0;  ///< the value index of the first result
};

/// import: a name and what must be supplied under it.
struct ComponentImport {
  RawName name;
  ExternDesc desc;
  Slot lands;
};

/// export: a definition under a name, optionally ascribed a type.
struct ComponentExport {
  RawName name;
  SortIndex item;
  std::optional<ExternDesc> ascribed;
  size_t offset = 0;
  Slot lands;  ///< exports introduce a new index aliasing the exported item
};

/// 🪙 A value definition: its type and the encoded value's bytes.
struct ValueDefinition {
  ValType type;
  size_t offset = 0, size = 0;  ///< the value's bytes
  uint32_t index = 0;
};

/// A custom section: its name and the byte range of its contents.
struct CustomSection {
  std::string name;
  size_t offset = 0, size = 0;
};

/// A decoded component.
struct Component {
  std::vector<Section> sections;  ///< in binary order
  std::vector<CoreModule> core_modules;
  std::vector<CoreInstance> core_instances;
  std::vector<CoreTypeDefinition> core_types;
  std::vector<NestedComponent> components;
  std::vector<Instance> instances;
  std::vector<Alias> aliases;
  std::vector<TypeDefinition> types;
  std::vector<Canon> canons;
  std::vector<Start> starts;
  std::vector<ComponentImport> imports;
  std::vector<ComponentExport> exports;
  std::vector<ValueDefinition> values;
  std::vector<CustomSection> customs;
  /// The size of each index space once every definition is in.
  std::array<uint32_t, kSpaceCount> space_sizes{};
  size_t offset = 0, size = 0;  ///< the component's bytes (nested: within the outermost)

  uint32_t space_size(Space s) const { return space_sizes[size_t(s)]; }
};

}  // namespace flint::component
