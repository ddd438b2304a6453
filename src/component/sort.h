// Sorts and index spaces of a component (component-model Binary.md,
// "Instance Definitions": `sort`, `core:sort`, `sortidx`).
//
// Every definition of a component lands in exactly one index space, chosen
// by its sort; indices in `sortidx`, aliases, canon definitions and extern
// descriptions refer into these spaces.
#pragma once

#include <cstdint>
#include <string_view>

namespace flint::component {

/// core:sort: the byte values match core:importdesc's discriminants.
enum class CoreSort : uint8_t {
  Func = 0x00,
  Table = 0x01,
  Memory = 0x02,
  Global = 0x03,
  Tag = 0x04,  ///< exception handling (core wasm 3.0)
  Type = 0x10,
  Module = 0x11,
  Instance = 0x12,
};

/// sort: 0x00 introduces a core:sort; the others are component-level.
enum class SortKind : uint8_t {
  Core = 0x00,
  Func = 0x01,
  Value = 0x02,
  Type = 0x03,
  Component = 0x04,
  Instance = 0x05,
};

/// A sort as written in the binary: a component-level kind, or `core` and
/// a core sort.
struct Sort {
  SortKind kind = SortKind::Func;
  CoreSort core = CoreSort::Func;  ///< meaningful only when kind == Core

  friend bool operator==(const Sort&, const Sort&) = default;
};

/// The thirteen index spaces of a component (and of a component or instance
/// type's scope): one per sort.
enum class Space : uint8_t {
  CoreFunc,
  CoreTable,
  CoreMemory,
  CoreGlobal,
  CoreTag,
  CoreType,
  CoreModule,
  CoreInstance,
  Func,
  Value,
  Type,
  Component,
  Instance,
};
inline constexpr size_t kSpaceCount = 13;

/// The index space a definition of sort `s` lands in.
Space space_of(Sort s);
/// The sort's name as the text format writes it: "core func", "type", ...
std::string_view sort_name(Sort s);

/// sortidx / core:sortidx: an index into the space of a sort.
struct SortIndex {
  Sort sort;
  uint32_t index = 0;
};

/// Where a definition landed: its index space and its index there.
struct Slot {
  Space space = Space::Func;
  uint32_t index = 0;
};

}  // namespace flint::component
