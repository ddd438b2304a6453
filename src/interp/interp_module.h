// The interpreter's compiled module: the decoded Module plus every defined
// function translated into internal code (code.h). Immutable after creation
// and shared by all instances, in any number of stores.
#pragma once

#include <memory>
#include <vector>

#include "base/result.h"
#include "flint/runtime.h"
#include "interp/code.h"
#include "module/module.h"

namespace flint::interp {

struct TranslateOptions {
  /// Charge fuel at loop heads too (calls always charge): set when the
  /// module is compiled with Config::fuel.
  bool loop_fuel = false;
  /// The SIMD handler table: the widest the host runs unless a test asks
  /// for another one.
  SimdLevel simd_level = host_simd_level();
};

class InterpModule final : public CompiledModule,
                           public std::enable_shared_from_this<InterpModule> {
 public:
  /// Translates every function of a validated module.
  static Result<std::shared_ptr<InterpModule>> create(Module module,
                                                      const TranslateOptions& options);

  const Module& module() const override { return module_; }
  /// A defined function by its index among defined functions.
  const CompiledFunction& function(uint32_t defined_index) const {
    return *functions_[defined_index];
  }
  /// The canonical id (type_registry.h) of the module's type `type_index`.
  uint32_t type_id(uint32_t type_index) const { return type_ids_[type_index]; }

 private:
  InterpModule() = default;
  Module module_;
  std::vector<uint32_t> type_ids_;
  std::vector<std::unique_ptr<CompiledFunction>> functions_;
};

}  // namespace flint::interp
