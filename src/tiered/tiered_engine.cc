// The tiered engine: an interpreted module with a tier_check at each
// function's entry, and the compile whose result those checks switch to.
#include "tiered/tiered_engine.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <thread>

#include "aot/aot_instance.h"
#include "aot/aot_module.h"
#include "aot/artifact_cache.h"
#include "interp/interp_module.h"
#include "module/outermost_loops.h"
#include "runtime/tier_up.h"

namespace flint::tiered {

namespace {

/// One module's compiled code: its compile started once the interpreter
/// reports the module hot, published by the compile's thread, switched to
/// by the interpreter's tier_checks.
class ModuleTier final : public TierUp, public std::enable_shared_from_this<ModuleTier> {
 public:
  ModuleTier(std::vector<uint8_t> wasm, const Module& module, aot::ArtifactOptions options,
             Config config, uint64_t hot_after)
      : TierUp(hot_after),
        wasm_(std::move(wasm)),
        imported_functions_(module.imported_functions),
        options_(std::move(options)),
        config_(std::move(config)) {
    uint64_t instructions = 0;
    for (const Function& f : module.functions) instructions += f.body.size() + 1;
    // A larger module's compile has no loop entries (TargetOptions::loop_entries).
    bool loop_entries = instructions <= aot::kQuickModuleInstructions;
    for (const Function& f : module.functions) has_loop_.push_back(loop_entries && has_loop(f));
  }

  Status switch_instance(InstanceImpl& instance, ExecutionState& exec) const override {
    return compiled_->prepare_instance(instance, exec);
  }
  Result<LoopMove> enter_loop(FuncInst& func, uint32_t function, ExecutionState& exec,
                              uint64_t* slots, uint32_t loop) const override {
    Result<bool> entered = false;
    if (aot::has_loop_entry(func)) {
      entered = aot::call_compiled_loop(func, exec, slots, loop);
    } else if (complete_ready_.load(std::memory_order_acquire)) {
      entered = aot::call_compiled_loop(func, exec, slots, loop, *complete_,
                                        function - imported_functions_);
    } else if (!finished()) {
      // The compile with every loop entry is still running.
      return function >= imported_functions_ && has_loop_[function - imported_functions_]
                 ? LoopMove::Later
                 : LoopMove::Refused;
    }
    if (entered && !*entered) return LoopMove::Refused;
    // A trap comes from the entered code too.
    loops_entered_.fetch_add(1, std::memory_order_relaxed);
    if (!entered) return std::move(entered).error();
    return LoopMove::Entered;
  }
  /// How many calls moved to compiled code inside a loop (enter_loop).
  uint64_t loops_entered() const { return loops_entered_.load(std::memory_order_relaxed); }
  /// Whether the module was reported hot (its compile started).
  bool started() const { return stage() != Stage::Cold; }
  /// The first compile's loop entries (first_loop_entries); only once ready().
  const std::vector<aot::LoopEntry>& first_loop_entries() const { return options_.loop_entries; }
  /// The compiled module; only once ready().
  const EngineModule& compiled() const { return *compiled_; }
  /// Whether both compiles have ended, with code or without.
  bool finished() const { return finished_.load(std::memory_order_acquire); }

 private:
  /// Starts the compile on a detached thread (report_hot's first report).
  /// The thread shares the tier: the module may be dropped before its
  /// compile ends (the compiled code is then unused).
  void heat(std::span<const uint32_t> long_frames) const override {
    // heat() is const to the interpreter, which only reports; the tier it
    // reports to changes (once, on the thread started here).
    auto self = std::const_pointer_cast<ModuleTier>(shared_from_this());
    self->plan_loop_entries(long_frames);
    std::thread([self] { self->compile(); }).detach();
  }

  /// Which functions with loops get loop entries in the first compile, and
  /// how (aot::LoopEntry): the switch waits for every body compiled, so only
  /// the functions whose frames have run long get one. Alone, which the
  /// function's calls enter too (one body to compile), unless the function
  /// recurses (fib: its calls, many and short, would pay for the loop
  /// entry's wrapper) and needs it beside its body. A frame that
  /// gets no loop entry here (another thread's, or one that starts after
  /// this report) moves with the second compile's (complete_).
  void plan_loop_entries(std::span<const uint32_t> long_frames) {
    std::vector<uint32_t> frames_of(has_loop_.size(), 0);
    for (uint32_t function : long_frames)
      if (function >= imported_functions_ && function - imported_functions_ < frames_of.size())
        ++frames_of[function - imported_functions_];
    for (uint32_t d = 0; d < has_loop_.size(); ++d) {
      aot::LoopEntry form = aot::LoopEntry::None;
      if (has_loop_[d] && frames_of[d] == 1)
        form = aot::LoopEntry::Only;
      else if (has_loop_[d] && frames_of[d] > 1)
        form = aot::LoopEntry::Beside;
      options_.loop_entries.push_back(form);
    }
  }

  void compile() {
    // At the guest's own priority: the guest runs interpreted, several
    // times slower, until this compile is done, so on a busy machine a
    // compile below the guests' priority only kept them slow longer (one
    // busy loop beside a tiered sha256 run: 1.37x its precompiled run at
    // nice 10, 1.12x at the guest's priority; src/tiered/README.md).
    std::vector<uint8_t> wasm = std::move(wasm_);
    // Not obtain_artifact: the cache missed when this module was made, and
    // its write (with an fsync) waits until the code is in use.
    Result<std::vector<uint8_t>> artifact = aot::compile_artifact(wasm, options_);
    // Without a compiler, or when it fails, the module stays interpreted.
    if (artifact) {
      Result<std::shared_ptr<aot::AotModule>> loaded = aot::AotModule::load(*artifact, config_);
      if (loaded) {
        compiled_ = std::move(*loaded);
        mark_ready();  // a release: readers that see ready() see compiled_
      }
      // Stored at once, so that a run ending soon leaves it too.
      aot::store_cached_artifact(wasm, options_, *artifact);
      // Then, now that the guest runs compiled, the code with every loop
      // entry beside its function: what a frame moves to whose function
      // had none, and what the cache keeps (a later run starts in it).
      // Nobody waits for it, so it runs below the guests' priority and on a
      // busy machine takes what they leave (flint-compile inherits this
      // thread's nice value).
      // getpriority answers -1 both for nice -1 and for an error: errno
      // tells them apart (on an error the priority stays as it is).
      errno = 0;
      int nice_now = getpriority(PRIO_PROCESS, gettid());
      if (errno == 0)
        setpriority(PRIO_PROCESS, gettid(), std::min(nice_now + kLaterCompileNice, 19));
      aot::ArtifactOptions complete = options_;
      for (uint32_t d = 0; d < has_loop_.size(); ++d)
        complete.loop_entries[d] = has_loop_[d] ? aot::LoopEntry::Beside : aot::LoopEntry::None;
      if (loaded && complete.loop_entries != options_.loop_entries) {
        artifact = aot::compile_artifact(wasm, complete);
        if (artifact) {
          if (Result<std::shared_ptr<aot::AotModule>> full =
                  aot::AotModule::load(*artifact, config_)) {
            complete_ = std::move(*full);
            complete_ready_.store(true, std::memory_order_release);
          }
          aot::store_cached_artifact(wasm, complete, *artifact);
        }
      }
    }
    finished_.store(true, std::memory_order_release);
  }

  /// How far below the guests' priority the second compile runs.
  static constexpr int kLaterCompileNice = 10;
  std::vector<uint8_t> wasm_;  ///< until the compile takes it
  uint32_t imported_functions_;
  std::vector<bool> has_loop_;    ///< per defined function
  aot::ArtifactOptions options_;  ///< with the loop entries planned once hot
  Config config_;
  std::shared_ptr<const EngineModule> compiled_;
  /// The second compile (every loop entry), run with compiled_'s instance
  /// contexts; only once complete_ready_.
  std::shared_ptr<const aot::AotModule> complete_;
  std::atomic<bool> complete_ready_{false};
  std::atomic<bool> finished_{false};
  mutable std::atomic<uint64_t> loops_entered_{0};
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
  bool compile_started() const { return tier_->started(); }
  bool compile_finished() const { return tier_->finished(); }
  uint64_t loops_entered() const { return tier_->loops_entered(); }
  std::vector<aot::LoopEntry> first_loop_entries() const {
    return tier_->ready() ? tier_->first_loop_entries() : std::vector<aot::LoopEntry>{};
  }

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
    uint64_t hot_after = config.tier_up_after.value_or(default_hot_after(module->module()));
    auto tier = std::make_shared<ModuleTier>(std::vector<uint8_t>(wasm.begin(), wasm.end()),
                                             module->module(), options, config, hot_after);
    interp::TranslateOptions translate;
    translate.loop_fuel = config.fuel.has_value();
    translate.interruptible = config.interruptible;
    translate.tier_up = tier.get();
    FLINT_ASSIGN(std::shared_ptr<interp::InterpModule> interpreted,
                 interp::InterpModule::create(std::move(module), translate));
    if (hot_after == 0) tier->report_hot({});
    return std::shared_ptr<const EngineModule>(
        std::make_shared<TieredModule>(std::move(tier), std::move(interpreted)));
  }
};

}  // namespace

uint64_t default_hot_after(const Module& module) {
  constexpr uint64_t kUnitsPerInstruction = 10, kLeast = 10'000, kMost = 500'000;
  uint64_t instructions = 0;
  for (const Function& function : module.functions) instructions += function.body.size();
  return std::clamp(instructions * kUnitsPerInstruction, kLeast, kMost);
}

const Engine& engine() {
  static const TieredEngine instance;
  return instance;
}

bool compile_started(const CompiledModule& module) {
  if (const auto* tiered = dynamic_cast<const TieredModule*>(&module))
    return tiered->compile_started();
  return false;
}

bool compile_finished(const CompiledModule& module) {
  if (const auto* tiered = dynamic_cast<const TieredModule*>(&module))
    return tiered->compile_finished();
  return true;
}

uint64_t loops_entered(const CompiledModule& module) {
  if (const auto* tiered = dynamic_cast<const TieredModule*>(&module))
    return tiered->loops_entered();
  return 0;
}

std::vector<aot::LoopEntry> first_loop_entries(const CompiledModule& module) {
  if (const auto* tiered = dynamic_cast<const TieredModule*>(&module))
    return tiered->first_loop_entries();
  return {};
}

bool machine_code_ready(const CompiledModule& module) {
  if (const auto* tiered = dynamic_cast<const TieredModule*>(&module)) return tiered->ready();
  const auto* engine_module = dynamic_cast<const EngineModule*>(&module);
  return engine_module && engine_module->engine() == EngineKind::Aot;
}

}  // namespace flint::tiered
