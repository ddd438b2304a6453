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
#include "runtime/memory.h"

namespace flint {

namespace interp {
struct CompiledFunction;
class InterpModule;
}  // namespace interp

class InstanceImpl;

/// Machine code of a function whose module was compiled ahead of time
/// (src/aot/abi.h): the typed code compiled callers jump to, the slot entry
/// the host calls, and the instance context both take. `code` is null for
/// host and interpreted functions; `func` points back at the owner so
/// compiled code can hand any callee to the runtime.
struct NativeFunc {
  const void* code = nullptr;
  void (*entry)(void* ctx, uint64_t* slots) = nullptr;
  void* ctx = nullptr;
  FuncInst* func = nullptr;
};

/// A function instance (spec 4.2.6): a wasm function closed over its
/// instance, or a host function.
struct FuncInst {
  FuncType type;
  uint32_t type_id = 0;  ///< canonical_type_id(type)
  // Wasm functions:
  InstanceImpl* instance = nullptr;
  const interp::CompiledFunction* code = nullptr;
  // Host functions:
  HostCallback host;
  std::string name;
  /// Set when the instance runs compiled machine code (src/aot).
  NativeFunc native;

  bool is_host() const { return code == nullptr; }
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

/// Converts between API values and slot bits (the encoding GlobalInst and
/// the interpreter's frames share).
void store_value(const Value& v, uint64_t* slots);
Value load_value(ValType type, const uint64_t* slots);
/// 1, or 2 for v128.
inline uint32_t slot_count(ValType t) { return t == ValType::V128 ? 2 : 1; }

/// A module instance (spec 4.2.5).
class InstanceImpl final : public Instance {
 public:
  std::optional<Extern> find_export(std::string_view name) const override;
  const Module& module() const override;

  std::shared_ptr<const interp::InterpModule> compiled;
  std::vector<FuncInst*> funcs;
  std::vector<TableInst*> tables;
  std::vector<MemoryInst*> memories;
  std::vector<GlobalInst*> globals;
  /// Element instances: the references of each element segment, emptied by
  /// elem.drop (spec 4.2.10).
  std::vector<std::vector<void*>> elems;
  /// Data instances: the bytes of each data segment, emptied by data.drop.
  std::vector<std::span<const uint8_t>> datas;
  std::unordered_map<std::string, Extern> exports;
  /// The compiled-code engine's per-instance state (src/aot), or null.
  std::shared_ptr<void> native_state;
};

}  // namespace flint
