// The tiered engine: an interpreted module with a tier_check at each
// function's entry, and the compile whose result those checks switch to.
#include "tiered/tiered_engine.h"

#include <thread>

#include "aot/aot_module.h"
#include "aot/artifact_cache.h"
#include "interp/interp_module.h"
#include "runtime/tier_up.h"

namespace flint::tiered {

namespace {

/// One module's compiled code: published by its compile thread, switched
/// to by the interpreter's tier_checks.
class ModuleTier final : public TierUp {
 public:
  Status switch_instance(InstanceImpl& instance, ExecutionState& exec) const override {
    return compiled_->prepare_instance(instance, exec);
  }
  /// The compiled module; only once ready().
  const EngineModule& compiled() const { return *compiled_; }
  /// Called once, by the compile thread.
  void publish(std::shared_ptr<const EngineModule> compiled) {
    compiled_ = std::move(compiled);
    mark_ready();  // a release: readers that see ready() see compiled_
  }
  /// The compile thread's last act, whether it published or not.
  void finish() { finished_.store(true, std::memory_order_release); }
  bool finished() const { return finished_.load(std::memory_order_acquire); }

 private:
  std::shared_ptr<const EngineModule> compiled_;
  std::atomic<bool> finished_{false};
};

class TieredModule final : public EngineModule {
 public:
  TieredModule(std::shared_ptr<const ModuleTier> tier, std::shared_ptr<const EngineModule> interp)
      : tier_(std::move(tier)), interp_(std::move(interp)) {}

  const ValidatedModule& validated() const override { return interp_->validated(); }
  EngineKind engine() const override { return EngineKind::Tiered; }
  /// Compiled code once it is ready; until then the interpreter's, with
  /// the tier_checks that switch the instance later.
  Status prepare_instance(InstanceImpl& instance, ExecutionState& exec) const override {
    if (tier_->ready()) return tier_->compiled().prepare_instance(instance, exec);
    return interp_->prepare_instance(instance, exec);
  }
  bool ready() const { return tier_->ready(); }
  bool compile_finished() const { return tier_->finished(); }

 private:
  std::shared_ptr<const ModuleTier> tier_;  ///< before interp_, whose code points to it
  std::shared_ptr<const EngineModule> interp_;
};

class TieredEngine final : public Engine {
 public:
  EngineKind kind() const override { return EngineKind::Tiered; }

  Result<std::shared_ptr<const EngineModule>> compile(std::span<const uint8_t> wasm,
                                                      std::shared_ptr<const ValidatedModule> module,
                                                      const Config& config) const override {
    aot::ArtifactOptions options;
    options.fuel = config.fuel.has_value();
    options.interruptible = config.interruptible;
    if (std::optional<std::vector<uint8_t>> cached = aot::find_cached_artifact(wasm, options)) {
      auto loaded = aot::AotModule::load(*cached, config);
      if (loaded) return std::shared_ptr<const EngineModule>(std::move(*loaded));
    }
    auto tier = std::make_shared<ModuleTier>();
    interp::TranslateOptions translate;
    translate.loop_fuel = config.fuel.has_value();
    translate.interruptible = config.interruptible;
    translate.tier_up = tier.get();
    FLINT_ASSIGN(std::shared_ptr<interp::InterpModule> interpreted,
                 interp::InterpModule::create(std::move(module), translate));
    // The thread owns a copy of the bytes and the tier: the module may be
    // dropped before its compile ends (the compiled code is then unused).
    std::thread([tier, bytes = std::vector<uint8_t>(wasm.begin(), wasm.end()), options, config] {
      Result<std::vector<uint8_t>> artifact = aot::obtain_artifact(bytes, options);
      // Without a compiler, or when it fails, the module stays interpreted.
      if (artifact) {
        Result<std::shared_ptr<aot::AotModule>> loaded = aot::AotModule::load(*artifact, config);
        if (loaded) tier->publish(std::move(*loaded));
      }
      tier->finish();
    }).detach();
    return std::shared_ptr<const EngineModule>(
        std::make_shared<TieredModule>(std::move(tier), std::move(interpreted)));
  }
};

}  // namespace

const Engine& engine() {
  static const TieredEngine instance;
  return instance;
}

bool compile_finished(const CompiledModule& module) {
  if (const auto* tiered = dynamic_cast<const TieredModule*>(&module))
    return tiered->compile_finished();
  return true;
}

bool machine_code_ready(const CompiledModule& module) {
  if (const auto* tiered = dynamic_cast<const TieredModule*>(&module)) return tiered->ready();
  const auto* engine_module = dynamic_cast<const EngineModule*>(&module);
  return engine_module && engine_module->engine() == EngineKind::Aot;
}

}  // namespace flint::tiered
