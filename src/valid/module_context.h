// What instructions may refer to while a module is validated: the spec's
// context C (spec 3.1.1 "Contexts"), with its index spaces flattened into
// vectors so every look-up is a bounds check and an index.
#pragma once

#include <cstdint>
#include <vector>

#include "flint/result.h"
#include "module/module.h"

namespace flint::valid {

class ModuleContext {
 public:
  /// Builds the context; the import descriptions are not checked here.
  explicit ModuleContext(const Module& module);

  const Module& module() const { return module_; }

  // Each look-up fails with the spec's "unknown <space>" and the index.
  Result<const FuncType*> type(uint32_t index) const;
  Result<const FuncType*> function_type(uint32_t func) const;
  Result<TableType> table(uint32_t index) const;
  Result<MemoryType> memory(uint32_t index) const;
  Result<GlobalType> global(uint32_t index) const;
  /// A tag's function type (exception handling): "unknown tag".
  Result<const FuncType*> tag(uint32_t index) const;
  /// The reference type of an element segment.
  Result<ValType> elem(uint32_t index) const;
  Status data(uint32_t index) const;

  uint32_t function_count() const { return uint32_t(function_types_.size()); }
  uint32_t imported_globals() const { return module_.imported_globals; }

  /// Whether `ref.func func` may appear in a function body: the function
  /// occurs in the module outside function bodies and the start section
  /// (spec 3.4.10, C.refs).
  bool is_declared_reference(uint32_t func) const {
    return func < declared_.size() && declared_[func];
  }

 private:
  const Module& module_;
  std::vector<uint32_t> function_types_;  ///< type index of every function
  std::vector<TableType> tables_;
  std::vector<MemoryType> memories_;
  std::vector<GlobalType> globals_;
  std::vector<uint32_t> tag_types_;  ///< type index of every tag
  std::vector<bool> declared_;
  uint32_t data_count_ = 0;
};

}  // namespace flint::valid
