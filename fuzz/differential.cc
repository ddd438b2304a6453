// The differential check (see differential.h).
#include "fuzz/differential.h"

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <thread>

#include "aot/aot_instance.h"
#include "aot/aot_module.h"
#include "aot/artifact.h"
#include "aot/cpu_features.h"
#include "aot/llvm/codegen.h"
#include "aot/sha256.h"
#include "binary/decoder.h"
#include "flint/runtime.h"
#include "interp/interp_module.h"
#include "runtime/tier_up.h"
#include "tiered/tiered_engine.h"
#include "valid/validator.h"

namespace flint::fuzz {

namespace {

std::string show_result(const Result<std::vector<Value>>& r) {
  if (!r) return "trap \"" + std::string(spec_text(r.error().code)) + "\"";
  std::string s = "[";
  for (size_t i = 0; i < r->size(); ++i) s += (i ? " " : "") + show_value((*r)[i]);
  return s + "]";
}

std::string show_args(const PlannedCall& call) {
  std::string s = call.export_name + "(";
  for (size_t i = 0; i < call.args.size(); ++i) s += (i ? ", " : "") + show_value(call.args[i]);
  return s + ")";
}

/// One engine's compiled module, store and instance.
struct Side {
  /// The stepped side's (SteppedTier): outlives the code that points to it.
  std::shared_ptr<TierUp> tier;
  std::shared_ptr<const CompiledModule> compiled;
  std::unique_ptr<Store> store;
  Instance* instance = nullptr;

  Result<std::vector<Value>> call(const std::string& name, std::span<const Value> args) {
    std::optional<Extern> f = instance->find_export(name);
    if (!f) return make_error(ErrorCode::Usage, "no export " + name);
    return store->call(*f, args);
  }
};

Result<Side> make_side(const std::vector<uint8_t>& wasm, EngineKind engine) {
  Config config;
  config.engine = engine;
  config.tier_up_after = 0;  // tiered: the compile starts at once (behind the gate)
  Side side;
  FLINT_ASSIGN(side.compiled, compile(wasm, config));
  side.store = std::make_unique<Store>(config);
  FLINT_ASSIGN(side.instance, side.store->instantiate(*side.compiled, {}));
  return side;
}

/// Tiering with the switch at a chosen point inside the calls: the module's
/// code is compiled beforehand, and becomes ready when the interpreter
/// reports it hot, after exactly `units` calls and loop iterations of one
/// planned call (the count restarts before each: the tiered side's calls
/// count on the same thread, interp::restart_hotness_count). The next call switches the
/// instance, as the tiered engine's tier_check does, and a frame running
/// an outermost loop moves to the function's loop entry at the loop's next
/// iteration (on-stack replacement), in the middle of the call. The
/// tiered engine itself switches only between calls here (its compile
/// ends before the call that follows the gate).
class SteppedTier final : public TierUp {
 public:
  SteppedTier(uint64_t units, std::shared_ptr<const aot::AotModule> compiled)
      : TierUp(units), compiled_(std::move(compiled)) {}
  void heat(std::span<const uint32_t>) const override {
    const_cast<SteppedTier*>(this)->mark_ready();
  }
  Status switch_instance(InstanceImpl& instance, ExecutionState& exec) const override {
    return compiled_->prepare_instance(instance, exec);
  }
  Result<LoopMove> enter_loop(FuncInst& func, uint32_t, ExecutionState& exec, uint64_t* slots,
                              uint32_t loop) const override {
    Result<bool> entered = aot::call_compiled_loop(func, exec, slots, loop);
    if (entered && !*entered) return LoopMove::Refused;
    ++loops_entered;  // a trap comes from the entered code
    if (!entered) return std::move(entered).error();
    return LoopMove::Entered;
  }
  mutable uint64_t loops_entered = 0;

 private:
  std::shared_ptr<const aot::AotModule> compiled_;
};

/// FNV-1a of the module's bytes: the stepped side's choices, the same in a
/// replay.
uint64_t stepped_switch_hash(const std::vector<uint8_t>& wasm) {
  uint64_t h = 14695981039346656037ull;
  for (uint8_t b : wasm) h = (h ^ b) * 1099511628211ull;
  return h;
}

Result<Side> make_stepped_side(const std::vector<uint8_t>& wasm, uint64_t units,
                               aot::InProcessCompiler compiler) {
  Config config;
  FLINT_ASSIGN(Module module, decode_module(wasm, config.features));
  FLINT_ASSIGN(std::shared_ptr<const ValidatedModule> validated,
               ValidatedModule::validate(std::move(module), config.features));
  // The code a tiered run compiles, every function with a loop entry
  // (frames move in at loop heads), of either form (a function's calls
  // enter its loop entry too, or not), drawn from the module's bytes.
  aot::ArtifactOptions options;
  uint64_t forms = stepped_switch_hash(wasm);
  for (uint32_t i = 0; i < validated->module().functions.size(); ++i)
    options.loop_entries.push_back((forms >> (i % 64)) & 1 ? aot::LoopEntry::Only
                                                           : aot::LoopEntry::Beside);
  FLINT_ASSIGN(std::vector<uint8_t> artifact, compiler(wasm, options));
  FLINT_ASSIGN(std::shared_ptr<aot::AotModule> compiled, aot::AotModule::load(artifact, config));
  Side side;
  side.tier = std::make_shared<SteppedTier>(units, std::move(compiled));
  interp::TranslateOptions translate;
  translate.tier_up = side.tier.get();
  FLINT_ASSIGN(std::shared_ptr<interp::InterpModule> interpreted,
               interp::InterpModule::create(std::move(validated), translate));
  side.compiled = std::move(interpreted);
  side.store = std::make_unique<Store>(config);
  FLINT_ASSIGN(side.instance, side.store->instantiate(*side.compiled, {}));
  return side;
}

/// Where the stepped side switches: a count of calls and loop iterations
/// into a planned call, drawn from the module's bytes (FNV-1a) so that a
/// replay switches at the same point. Generated loops run 1-16 times, so
/// the count is small: the first call that runs more switches inside.
uint64_t stepped_switch_units(const std::vector<uint8_t>& wasm) {
  return 1 + stepped_switch_hash(wasm) % 8;
}

bool exhausted(const Result<std::vector<Value>>& r) {
  return !r && r.error().code == ErrorCode::CallStackExhausted;
}

/// "" when the calls agree, else what differs; `other` names the engine
/// compared with the interpreter ("compiled", "tiered").
std::string compare_results(const Result<std::vector<Value>>& e,
                            const Result<std::vector<Value>>& a, std::string_view other) {
  bool same;
  if (!e || !a) {
    same = !e && !a && e.error().code == a.error().code;
  } else {
    same = e->size() == a->size();
    for (size_t i = 0; same && i < e->size(); ++i)
      same = (*e)[i].type == (*a)[i].type && values_agree((*e)[i], (*a)[i], NanRule::Exact);
  }
  if (same) return "";
  return fmt::format("interpreter: {}\n{:<12} {}", show_result(e), std::string(other) + ":",
                     show_result(a));
}

/// "" when `other`'s backtrace of the trap it shares with the interpreter
/// names the interpreter's frames, innermost first, each with the
/// interpreter's offset -- where it has one: compiled code LLVM merged from
/// several places has none (aot/README.md, backtraces).
std::string compare_backtraces(const Side& interp, const Side& other, std::string_view name) {
  const std::vector<BacktraceFrame>& e = interp.store->last_backtrace();
  const std::vector<BacktraceFrame>& a = other.store->last_backtrace();
  bool same = e.size() == a.size();
  for (size_t i = 0; same && i < e.size(); ++i)
    same = e[i].function == a[i].function && (!a[i].offset || a[i].offset == e[i].offset);
  if (same) return "";
  return fmt::format("the same trap, other frames: interpreter's {}{}'s {}", format_backtrace(e),
                     name, format_backtrace(a));
}

/// Whether compiled code reports trap `code` where the interpreter does. Not
/// a fault of a memory access: LLVM folds a load into the instruction using
/// its value (`add rax, [mem]`) or combines it with its neighbours, inlined
/// ones too, and the faulting instruction carries their location
/// (aot/README.md, backtraces). Explicit traps are their own calls.
bool has_exact_location(ErrorCode code) { return code != ErrorCode::OutOfBoundsMemoryAccess; }

/// "" when the exported memory and globals agree, else what differs.
std::string compare_state(Side& interp, Side& aot, uint32_t globals, std::string_view other) {
  for (uint32_t g = 0; g < globals; ++g) {
    std::string name = "g" + std::to_string(g);
    Value e = interp.store->global_value(*interp.instance->find_export(name));
    Value a = aot.store->global_value(*aot.instance->find_export(name));
    if (!values_agree(e, a, NanRule::Exact))
      return fmt::format("global {}: interpreter {}, {} {}", name, show_value(e), other,
                         show_value(a));
  }
  std::span<uint8_t> e = interp.store->memory_data(*interp.instance->find_export(kMemoryExport));
  std::span<uint8_t> a = aot.store->memory_data(*aot.instance->find_export(kMemoryExport));
  if (e.size() != a.size())
    return fmt::format("memory size: interpreter {} bytes, {} {} bytes", e.size(), other, a.size());
  if (std::memcmp(e.data(), a.data(), e.size()) != 0) {
    size_t i = 0;
    while (e[i] == a[i]) ++i;
    return fmt::format("memory[{}]: interpreter 0x{:02x}, {} 0x{:02x}", i, e[i], other, a[i]);
  }
  return "";
}

/// The tiered side's compiles wait for the gate, so its calls before the
/// switch point run interpreted however fast the compile would be; they
/// then compile with `gated_compiler` (optimised or not, as the replay).
std::atomic<bool> tier_gate_open{true};
std::atomic<aot::InProcessCompiler> gated_compiler{aot::compile_to_artifact};
Result<std::vector<uint8_t>> gated_compile(std::span<const uint8_t> wasm,
                                           const aot::ArtifactOptions& options) {
  while (!tier_gate_open) std::this_thread::sleep_for(std::chrono::microseconds(200));
  return gated_compiler.load()(wasm, options);
}

/// Opens the gate and waits for the tiered side's compile to end: before
/// its switch point, and whenever a replay ends (no compile left waiting).
void let_tiered_compile(const Side& tiered) {
  tier_gate_open = true;
  if (!tiered.compiled) return;
  while (!tiered::compile_finished(*tiered.compiled))
    std::this_thread::sleep_for(std::chrono::microseconds(200));
}

/// The same steps as compile_to_artifact, without LLVM's optimisations:
/// the reference that tells an optimiser-made difference from a lowering one.
Result<std::vector<uint8_t>> compile_unoptimised(std::span<const uint8_t> wasm,
                                                 const aot::ArtifactOptions& options) {
  FLINT_ASSIGN(Module module, decode_module(wasm));
  FLINT_TRY(validate(module));
  aot::TargetOptions target;
  target.opt_level = 0;
  target.loop_entries = options.loop_entries;
  FLINT_ASSIGN(std::vector<uint8_t> object, aot::compile_object(module, target));
  aot::Artifact artifact;
  artifact.flint_version = aot::kFlintVersion;
  artifact.triple = aot::host_triple();
  artifact.cpu_features = aot::host_cpu_features();
  artifact.module_hash = aot::sha256(wasm);
  artifact.wasm.assign(wasm.begin(), wasm.end());
  FLINT_ASSIGN(artifact.shared_object, aot::link_shared_object(object));
  return aot::encode_artifact(artifact);
}

/// What comparing the engines call by call found.
struct Replay {
  bool setup_failed = false;
  std::string report;       ///< empty when everything agreed
  size_t failing_call = 0;  ///< index in module.calls of the first difference
};

Replay replay(const GeneratedModule& module, DiffStats* stats, size_t max_calls,
              aot::InProcessCompiler compiler) {
  Replay out;
  aot::set_in_process_compiler(compiler);
  auto interp = make_side(module.wasm, EngineKind::Interpreter);
  auto aot = make_side(module.wasm, EngineKind::Aot);
  // Tiered: interpreted up to the middle call, compiled from there on
  // (each function switching at its next call).
  gated_compiler = compiler;
  aot::set_in_process_compiler(gated_compile);
  tier_gate_open = false;
  auto tiered = make_side(module.wasm, EngineKind::Tiered);
  auto stepped = make_stepped_side(module.wasm, stepped_switch_units(module.wasm), compiler);
  struct Ungate {  // no compile left waiting, however the replay ends
    const Result<Side>& side;
    ~Ungate() {
      if (side) let_tiered_compile(*side);
      tier_gate_open = true;
      aot::set_in_process_compiler(aot::compile_to_artifact);
    }
  } ungate{tiered};
  if (!interp || !aot || !tiered || !stepped) {
    // Instantiation cannot trap (no start function, segments in bounds), so
    // any failure here is an engine's or the compiler's.
    out.setup_failed = true;
    out.report = fmt::format(
        "setting up the module failed: interpreter: {}; compiled: {}; tiered: {}; stepped: {}",
        interp ? "ok" : interp.error().describe(), aot ? "ok" : aot.error().describe(),
        tiered ? "ok" : tiered.error().describe(), stepped ? "ok" : stepped.error().describe());
    return out;
  }
  size_t switch_at = module.calls.size() / 2;
  const uint64_t stats_loop_moves_base = stats ? stats->loop_moves : 0;
  for (size_t i = 0; i < module.calls.size() && i < max_calls; ++i) {
    const PlannedCall& call = module.calls[i];
    (void)interp->call(kFuelResetExport, {});
    (void)aot->call(kFuelResetExport, {});
    (void)tiered->call(kFuelResetExport, {});
    // The tiered side's calls count on this thread too (and with its
    // tier_up_after of 0 leave every unit reporting): the stepped side's
    // count starts afresh before each of its planned calls.
    interp::restart_hotness_count();
    (void)stepped->call(kFuelResetExport, {});
    // After the fuel reset: the planned call is the one that switches.
    if (i == switch_at) let_tiered_compile(*tiered);
    auto e = interp->call(call.export_name, call.args);
    auto a = aot->call(call.export_name, call.args);
    auto t = tiered->call(call.export_name, call.args);
    auto st = stepped->call(call.export_name, call.args);
    if (stats) {
      ++stats->calls;
      stats->loop_moves =
          stats_loop_moves_base + static_cast<SteppedTier&>(*stepped->tier).loops_entered;
    }
    if (exhausted(e) != exhausted(a) || exhausted(e) != exhausted(t) ||
        exhausted(e) != exhausted(st)) {
      if (stats) ++stats->inconclusive;
      return out;
    }
    if (stats && !e && !a) ++stats->traps;
    std::string diff = compare_results(e, a, "compiled");
    if (diff.empty())
      diff = compare_results(e, t, i < switch_at ? "tiered (interpreted)" : "tiered");
    if (diff.empty()) diff = compare_results(e, st, "stepped tiered");
    if (diff.empty() && !e && has_exact_location(e.error().code)) {
      diff = compare_backtraces(*interp, *aot, "compiled");
      if (diff.empty()) diff = compare_backtraces(*interp, *tiered, "tiered");
      if (diff.empty()) diff = compare_backtraces(*interp, *stepped, "stepped tiered");
    }
    if (diff.empty()) {
      diff = compare_state(*interp, *aot, module.exported_globals, "compiled");
      if (diff.empty()) diff = compare_state(*interp, *tiered, module.exported_globals, "tiered");
      if (diff.empty())
        diff = compare_state(*interp, *stepped, module.exported_globals, "stepped tiered");
      if (!diff.empty()) diff += "\n(all returned " + show_result(e) + ")";
    }
    if (!diff.empty()) {
      out.report = "after " + show_args(call) + ":\n" + diff;
      out.failing_call = i;
      return out;
    }
  }
  return out;
}

}  // namespace

DiffOutcome run_differential(const GeneratedModule& module, DiffStats& stats) {
  ++stats.modules;
  auto decoded = decode_module(module.wasm);
  Status valid = decoded ? validate(*decoded) : Status(decoded.error());
  if (!valid)
    return {DiffVerdict::InvalidModule, "generated module is invalid: " + valid.error().describe()};

  Replay optimised = replay(module, &stats, SIZE_MAX, aot::compile_to_artifact);
  if (optimised.report.empty()) return {};
  if (optimised.setup_failed) return {DiffVerdict::Mismatch, optimised.report};

  // Triage: the same calls with code compiled without optimisation.
  Replay unoptimised = replay(module, nullptr, optimised.failing_call + 1, compile_unoptimised);
  bool optimiser_made = unoptimised.report.empty();
  return {DiffVerdict::Mismatch,
          optimised.report +
              (optimiser_made
                   ? "\n(compiled without optimisation, the code agrees with the interpreter)"
                   : "\n(compiled without optimisation, the code differs too:\n" +
                         unoptimised.report + ")")};
}

}  // namespace flint::fuzz
