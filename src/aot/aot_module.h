// A module compiled ahead of time, loaded from its artifact (artifact.h)
// without LLVM: the machine code is mapped by Flint itself (code_image.h),
// and the module's shape (everything but function bodies, which only the
// compiler needed) is decoded beside it. Every call into its functions,
// from the host, the interpreter or compiled code of another instance, goes
// through the engine seam (runtime/engine.h); it needs no other engine.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "aot/abi.h"
#include "aot/artifact.h"
#include "aot/code_image.h"
#include "aot/code_locations.h"
#include "flint/runtime.h"
#include "runtime/engine.h"

namespace flint::aot {

class AotModule final : public EngineModule {
 public:
  /// Checks and loads an artifact (see decode_artifact for what is rejected).
  static Result<std::shared_ptr<AotModule>> load(std::span<const uint8_t> artifact,
                                                 const Config& config);
  ~AotModule() override;

  const ValidatedModule& validated() const override { return *validated_; }
  EngineKind engine() const override { return EngineKind::Aot; }
  /// Gives an instance of this module its context and every defined
  /// function its machine code.
  Status prepare_instance(InstanceImpl& instance, ExecutionState& exec) const override;
  /// Defined function `defined`'s loop entry (abi.h), or null.
  LoopEntryCode loop_entry(uint32_t defined) const;

 private:
  AotModule() = default;
  std::shared_ptr<const ValidatedModule> validated_;
  CodeImage code_;                      ///< the mapped machine code
  const void* const* table_ = nullptr;  ///< kTableStride pointers a function (abi.h)
  /// Wasm offsets of code_'s addresses; null when the artifact has none.
  std::unique_ptr<LazyCodeLocations> locations_;
};

/// The compiler as an Engine (engine.h): compile() produces the artifact
/// through the cache (artifact_cache.h) or the compiler, then loads it.
const Engine& engine();

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
/// Whether compile_artifact() has a compiler to run: one registered in
/// process, or compiler_path() executable (searched in $PATH when it is a
/// bare name).
bool compiler_available();

}  // namespace flint::aot
