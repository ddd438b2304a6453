// The runtime objects a Store owns (spec 4.2 "Runtime Structure"): function,
// table and global instances, and module instances tying them together.
// Engines read these directly on their hot paths, so they are plain structs.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "flint/runtime.h"
#include "runtime/execution.h"
#include "runtime/memory.h"

namespace flint {

class Engine;
class EngineModule;
class InstanceImpl;

/// What an engine keeps in a function instance for its own fast paths: the
/// interpreter its translated function, the compiler the function's machine
/// code. The runtime never reads it; an engine uses only its own (`engine`).
struct EngineCode {
  const Engine* engine = nullptr;  ///< the engine that filled it in; null for host functions
  const void* code = nullptr;
};

/// A function instance (spec 4.2.6): a wasm function closed over its
/// instance, or a host function.
struct FuncInst {
  FuncType type;
  uint32_t type_id = 0;  ///< canonical_type_id(type)
  /// How anything calls this function (execution.h).
  FuncEntry entry = nullptr;
  // Wasm functions:
  InstanceImpl* instance = nullptr;
  EngineCode code;
  // Host functions:
  HostCallback host;
  std::string name;

  bool is_host() const { return instance == nullptr; }
};

/// A table instance (spec 4.2.7): references, nullptr being null. A funcref
/// is a FuncInst*; an externref is whatever pointer the host passed in.
struct TableInst {
  ValType element = ValType::FuncRef;
  std::optional<uint64_t> max;
  std::vector<void*> elements;

  /// table.grow (spec 4.5.3.8): the old size, or -1 beyond the maximum or
  /// the implementation's limit.
  int64_t grow(uint64_t delta, void* init);
  TableType type() const { return TableType{element, Limits{elements.size(), max}}; }
};

/// Tables never exceed this many elements (an implementation limit the spec
/// permits: table.grow then returns -1).
constexpr uint64_t kMaxTableElements = uint64_t(1) << 24;

/// A global instance (spec 4.2.9). Values are stored as in the interpreter's
/// slots: the low bytes of value[0] (i32/f32 bits zero-extended), i64/f64
/// bits, a reference pointer, or a v128 across both words.
struct GlobalInst {
  GlobalType type;
  alignas(16) uint64_t value[2] = {0, 0};
};

/// A tag instance (exception handling, wasm 3.0): an exception's kind. Tags
/// are generative: each definition instantiated makes a new one, and a
/// catch clause matches a thrown exception by the tag's identity (its
/// address), never by its type.
struct TagInst {
  FuncType type;         ///< the payload's types as params; results are empty
  uint32_t type_id = 0;  ///< canonical_type_id(type), for import matching
};

/// Converts between API values and slot bits (the encoding GlobalInst and
/// the interpreter's frames share).
void store_value(const Value& v, uint64_t* slots);
Value load_value(ValType type, const uint64_t* slots);
/// 1, or 2 for v128.
inline uint32_t slot_count(ValType t) { return t == ValType::V128 ? 2 : 1; }
/// Slots the values of `types` take, in store_value's encoding.
inline uint32_t slot_count(std::span<const ValType> types) {
  uint32_t n = 0;
  for (ValType t : types) n += slot_count(t);
  return n;
}

/// A module instance (spec 4.2.5).
class InstanceImpl final : public Instance {
 public:
  std::optional<Extern> find_export(std::string_view name) const override;
  const Module& module() const override;

  std::shared_ptr<const EngineModule> compiled;
  std::vector<FuncInst*> funcs;
  std::vector<TableInst*> tables;
  std::vector<MemoryInst*> memories;
  std::vector<GlobalInst*> globals;
  std::vector<TagInst*> tags;
  /// Element instances: the references of each element segment, emptied by
  /// elem.drop (spec 4.2.10).
  std::vector<std::vector<void*>> elems;
  /// Data instances: the bytes of each data segment, emptied by data.drop.
  std::vector<std::span<const uint8_t>> datas;
  std::unordered_map<std::string, Extern> exports;
  /// The engine's per-instance state (EngineModule::prepare_instance), or null.
  std::shared_ptr<void> engine_state;
};

}  // namespace flint
