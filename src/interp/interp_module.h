// The interpreter's compiled module: the decoded Module plus every defined
// function translated into internal code (code.h). Immutable after creation
// and shared by all instances, in any number of stores.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "flint/result.h"
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
  /// Translate on first use (ensure_translated) instead of in create(). A
  /// module compiled ahead of time runs machine code and needs interpreter
  /// code only when an interpreted caller reaches it, so its start-up skips
  /// the translation (issue 4: start-up of `flint run MODULE.fwasm`).
  bool lazy = false;
  /// For a module decoded without its function bodies (aot/module_shape.h):
  /// fills them in, once, before the first translation.
  std::function<Status(Module&)> load_bodies;
};

class InterpModule final : public CompiledModule,
                           public std::enable_shared_from_this<InterpModule> {
 public:
  /// Translates every function of a validated module (or, with
  /// options.lazy, only creates them: ensure_translated() translates).
  static Result<std::shared_ptr<InterpModule>> create(Module module,
                                                      const TranslateOptions& options);

  const Module& module() const override { return module_; }
  /// A defined function by its index among defined functions. Its code is
  /// empty until translated() (lazy modules).
  const CompiledFunction& function(uint32_t defined_index) const {
    return *functions_[defined_index];
  }
  /// Whether every function has its code (always, unless created lazily).
  bool translated() const { return translated_.load(std::memory_order_acquire); }
  /// Translates every function once, on the first call from any thread;
  /// the interpreter calls this before running code of another module.
  Status ensure_translated() const;
  /// The canonical id (type_registry.h) of the module's type `type_index`.
  uint32_t type_id(uint32_t type_index) const { return type_ids_[type_index]; }

 private:
  InterpModule() = default;
  /// Mutable for one reason: ensure_translated() fills in the function
  /// bodies of a module created without them (TranslateOptions::load_bodies).
  mutable Module module_;
  std::vector<uint32_t> type_ids_;
  std::vector<std::unique_ptr<CompiledFunction>> functions_;
  TranslateOptions options_;
  mutable std::mutex translate_mutex_;
  mutable std::atomic<bool> translated_{false};
  mutable std::optional<Error> translate_error_;  ///< a failed lazy translation, kept
};

}  // namespace flint::interp
