// A module compiled ahead of time, loaded from its artifact (artifact.h)
// without LLVM: the shared object is mapped with dlopen from a memfd, and the
// module's interpreter code is kept beside it (instantiation, start
// functions and calls from interpreted instances use it; compiled instances
// call each other's machine code directly).
#pragma once

#include <memory>
#include <span>
#include <vector>

#include "aot/abi.h"
#include "aot/artifact.h"
#include "aot/code_image.h"
#include "flint/runtime.h"
#include "interp/interp_module.h"

namespace flint::interp {
class Executor;
}

namespace flint::aot {

class AotModule final : public CompiledModule, public std::enable_shared_from_this<AotModule> {
 public:
  /// Checks and loads an artifact (see decode_artifact for what is rejected).
  static Result<std::shared_ptr<AotModule>> load(std::span<const uint8_t> artifact, const Config& config);
  ~AotModule() override;

  const Module& module() const override { return interp_->module(); }
  const interp::InterpModule& interp() const { return *interp_; }
  /// Gives an instance of this module its context and every defined function
  /// its machine code. `executor` runs what compiled code calls that has none.
  Status attach(InstanceImpl& instance, interp::Executor& executor) const;

 private:
  AotModule() = default;
  std::shared_ptr<interp::InterpModule> interp_;
  CodeImage code_;                    ///< the mapped machine code
  const void* const* table_ = nullptr;  ///< {fn_i, entry_i} pairs (abi.h)
};

/// Calls a function that has machine code, turning traps (explicit ones and
/// memory faults) into Errors. Re-entrant and safe on several threads.
Result<std::vector<Value>> call_native(FuncInst* func, std::span<const Value> args,
                                       const Config& config);

/// Produces an artifact for wasm bytes: in process when a compiler was
/// registered (set_in_process_compiler), otherwise by running the
/// `flint-compile` helper next to the running executable (or $FLINT_COMPILE),
/// so that `flint` itself never maps LLVM.
Result<std::vector<uint8_t>> compile_artifact(std::span<const uint8_t> wasm,
                                              const ArtifactOptions& options = {});
using InProcessCompiler = Result<std::vector<uint8_t>> (*)(std::span<const uint8_t> wasm,
                                                           const ArtifactOptions& options);
void set_in_process_compiler(InProcessCompiler compiler);
bool has_in_process_compiler();
/// The `flint-compile` executable compile_artifact() runs.
std::string compiler_path();

}  // namespace flint::aot
