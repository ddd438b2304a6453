// WebAssembly types (spec 2.3 "Types") as Flint's embedding API sees them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace flint {

/// Value types, numbered by their binary encoding (spec 5.3.3).
enum class ValType : uint8_t {
  I32 = 0x7F,
  I64 = 0x7E,
  F32 = 0x7D,
  F64 = 0x7C,
  V128 = 0x7B,
  FuncRef = 0x70,
  ExternRef = 0x6F,
  /// A caught exception (exception handling, wasm 3.0): points at the
  /// store's exception object, null for `ref.null exn`.
  ExnRef = 0x69,
};

/// funcref, externref or exnref.
constexpr bool is_reference(ValType t) {
  return t == ValType::FuncRef || t == ValType::ExternRef || t == ValType::ExnRef;
}
/// i32, i64, f32 or f64.
constexpr bool is_numeric(ValType t) { return !is_reference(t) && t != ValType::V128; }
/// The text-format name: "i32", "funcref", ...
std::string_view to_string(ValType t);

/// A function type [params] -> [results] (spec 2.3.5).
struct FuncType {
  std::vector<ValType> params;
  std::vector<ValType> results;
  bool operator==(const FuncType&) const = default;
};
std::string to_string(const FuncType& t);  // "[i32 i32] -> [i64]"

/// Size limits of tables and memories (spec 2.3.6); min/max count pages or elements.
struct Limits {
  uint64_t min = 0;
  std::optional<uint64_t> max;
  bool operator==(const Limits&) const = default;
};

/// A table type (spec 2.3.8): its element type and size limits in elements.
struct TableType {
  ValType element = ValType::FuncRef;
  Limits limits;
  bool operator==(const TableType&) const = default;
};

/// A memory type (spec 2.3.7): size limits in pages of kPageSize bytes, and
/// whether the memory is shared between threads (the threads proposal; a
/// shared memory must have a maximum).
struct MemoryType {
  Limits limits;
  bool shared = false;
  bool operator==(const MemoryType&) const = default;
};

/// A global type (spec 2.3.9): its value type and mutability.
struct GlobalType {
  ValType type = ValType::I32;
  bool is_mutable = false;
  bool operator==(const GlobalType&) const = default;
};

/// The kinds of imports and exports, numbered by their binary encoding
/// (Tag: the exception-handling proposal, wasm 3.0).
enum class ExternKind : uint8_t { Func = 0, Table = 1, Memory = 2, Global = 3, Tag = 4 };
/// "func", "table", "memory", "global" or "tag".
std::string_view to_string(ExternKind k);

/// Proposals beyond WebAssembly 2.0 that the decoder and the validator
/// accept. Each changes what some bytes mean or which modules are valid, so
/// the 2.0 spec scripts, which test the old meaning, run with wasm2().
struct Features {
  /// Multi-memory (WebAssembly 3.0): several memories per module, and a
  /// memory index in memargs (bit 6 of the alignment), in memory.size/grow/
  /// fill/copy/init and in data segments, where 2.0 has a reserved zero byte.
  bool multi_memory = true;
  /// The `shared` flag of memory types (limits flag 0x03, from the threads
  /// proposal). Flint implements no atomics: shared memories are types that
  /// modules may declare and imports must match, but not instantiate
  /// (runtime/memory.cc says why).
  bool shared_memory = true;
  /// WebAssembly 2.0 exactly: one memory, reserved zero bytes, no `shared`.
  static constexpr Features wasm2() { return Features{false, false}; }
};

/// Bytes in a page of linear memory (spec 4.2.8).
constexpr uint32_t kPageSize = 65536;
/// The most pages a 32-bit memory can have (4 GiB).
constexpr uint64_t kMaxPages32 = 65536;

}  // namespace flint
