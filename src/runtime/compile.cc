// compile(): the pipeline from bytes to shareable compiled code
// (decode, spec chapter 5; validate, chapter 3; translate for the engine).
#include "aot/aot_module.h"
#include "aot/artifact_cache.h"
#include "aot/artifact.h"
#include "binary/decoder.h"
#include "flint/runtime.h"
#include "interp/interp_module.h"
#include "valid/validator.h"

namespace flint {

Result<std::shared_ptr<const CompiledModule>> compile(std::span<const uint8_t> wasm,
                                                      const Config& config) {
  // A precompiled artifact (flint compile) runs as compiled, whatever the engine.
  if (aot::is_artifact(wasm)) {
    FLINT_ASSIGN(std::shared_ptr<aot::AotModule> loaded, aot::AotModule::load(wasm, config));
    return std::shared_ptr<const CompiledModule>(std::move(loaded));
  }
  FLINT_ASSIGN(Module module, decode_module(wasm));
  FLINT_TRY(validate(module));
  if (config.engine == EngineKind::Aot) {
    aot::ArtifactOptions options;
    options.fuel = config.fuel.has_value();
    FLINT_ASSIGN(std::vector<uint8_t> artifact, aot::obtain_artifact(wasm, options));  // through the cache, if one is installed
    FLINT_ASSIGN(std::shared_ptr<aot::AotModule> compiled, aot::AotModule::load(artifact, config));
    return std::shared_ptr<const CompiledModule>(std::move(compiled));
  }
  interp::TranslateOptions options;
  options.loop_fuel = config.fuel.has_value();
  FLINT_ASSIGN(std::shared_ptr<interp::InterpModule> compiled,
               interp::InterpModule::create(std::move(module), options));
  return std::shared_ptr<const CompiledModule>(std::move(compiled));
}

}  // namespace flint
