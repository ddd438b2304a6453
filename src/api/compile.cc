// compile() and load_precompiled(): where the embedding API meets the
// engines. The runtime knows engines only through the Engine seam
// (runtime/engine.h); this is the one place that names them, picking one by
// Config::engine, as wazero's NewRuntime does.
#include "aot/aot_module.h"
#include "aot/artifact.h"
#include "binary/decoder.h"
#include "flint/runtime.h"
#include "interp/interp_module.h"
#include "runtime/engine.h"
#include "tiered/tiered_engine.h"

namespace flint {

namespace {

const Engine& engine_for(EngineKind kind) {
  switch (kind) {
    case EngineKind::Aot: return aot::engine();
    case EngineKind::Tiered: return tiered::engine();
    case EngineKind::Interpreter: break;
  }
  return interp::engine();
}

}  // namespace

bool is_precompiled(std::span<const uint8_t> bytes) { return aot::is_artifact(bytes); }

Result<std::shared_ptr<const CompiledModule>> compile(std::span<const uint8_t> wasm,
                                                      const Config& config) {
  // Untrusted bytes never become native code: an artifact's machine code
  // would run as is, so loading one is a separate, explicit call.
  if (is_precompiled(wasm))
    return make_error(ErrorCode::BadArtifact,
                      "a precompiled artifact, not WebAssembly: load it with load_precompiled "
                      "(`flint run` does for files named .fwasm or with --allow-precompiled)");
  FLINT_ASSIGN(Module module, decode_module(wasm, config.features));
  FLINT_ASSIGN(std::shared_ptr<const ValidatedModule> validated,
               ValidatedModule::validate(std::move(module), config.features));
  FLINT_ASSIGN(std::shared_ptr<const EngineModule> compiled,
               engine_for(config.engine).compile(wasm, std::move(validated), config));
  return std::shared_ptr<const CompiledModule>(std::move(compiled));
}

Result<std::shared_ptr<const CompiledModule>> load_precompiled(std::span<const uint8_t> artifact,
                                                               const Config& config) {
  FLINT_ASSIGN(std::shared_ptr<aot::AotModule> loaded, aot::AotModule::load(artifact, config));
  return std::shared_ptr<const CompiledModule>(std::move(loaded));
}

}  // namespace flint
