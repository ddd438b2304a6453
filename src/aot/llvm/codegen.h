// The ahead-of-time compiler's entry point: a validated module to a native
// relocatable object through LLVM (this library is the only one linking LLVM;
// see src/aot/README.md for the whole pipeline).
#pragma once

#include <cstdint>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "aot/artifact.h"
#include "aot/code_locations.h"
#include "flint/result.h"
#include "module/module.h"

namespace flint::aot {

/// How much work LLVM spends on a function (issue 16; the measurements
/// are in src/aot/README.md). Quick compiles Go's test binaries about 2.9
/// times faster than Full, and its code ran strconv's benchmarks within
/// about 12% of Full's.
enum class Effort : uint8_t {
  Full,   ///< the -O2 pipeline, SelectionDAG and the greedy register allocator
  Quick,  ///< locals to registers (mem2reg), CSE, CFG cleanup; LLVM's -O0 code generator
          ///< (fast-isel, no machine optimisation) with -O2's register
          ///< allocation (coalescing; the basic or greedy allocator, see
          ///< basic_allocator_instructions), no machine scheduler
  /// Full's -O2 IR pipeline, then Quick's code generator: the small
  /// functions of a large module. Their speed comes from the IR pipeline
  /// (inlining above all: strconv's BenchmarkAppendQuote took 729 ns/op
  /// with Full, 911-931 with Quick), not from -O2's code generator (724-736
  /// without it), which was two thirds of their compile.
  FullIrQuickCodegen,
};

/// Whether `effort` runs LLVM's -O2 IR pipeline (else Quick's passes).
inline bool optimizes_ir(Effort effort) { return effort != Effort::Quick; }
/// Whether `effort` runs LLVM's -O2 code generator (else Quick's).
inline bool optimizes_codegen(Effort effort) { return effort == Effort::Full; }

struct TargetOptions {
  /// An LLVM target triple; empty for the host's.
  std::string triple;
  /// CPU name and "+feature,..." list; empty for the host's CPU and the
  /// features host_cpu_features() reports (so the loader can check them).
  std::string cpu;
  std::string features;
  unsigned opt_level = 2;
  /// Emit fuel metering (ArtifactOptions::fuel, fuel_codegen.cc).
  bool fuel = false;
  /// Emit interruption checks (ArtifactOptions::interruptible, fuel_codegen.cc).
  bool interruptible = false;
  /// A module of more wasm instructions than this is compiled in partitions
  /// of about this size (at least one per thread), each in its own LLVM
  /// module on its own thread; 0 keeps one partition. Calls between
  /// partitions are not inlined, so modules below it compile as one.
  uint64_t partition_instructions = 100'000;
  /// Threads for the partitions; 0 for every core.
  unsigned threads = 0;
  /// In a module of more instructions than this, the functions of more
  /// than quick_function_instructions are compiled with Effort::Quick:
  /// most of a large module's code runs rarely, and compiling it all
  /// with -O2 costs minutes. Its small functions (the leaves and helpers
  /// where time goes) get Effort::FullIrQuickCodegen, and every function
  /// of a smaller module Full. 0: every function gets Full.
  uint64_t quick_module_instructions = kQuickModuleInstructions;
  uint64_t quick_function_instructions = 40;
  /// A Quick partition whose functions have at most this many instructions
  /// each gets LLVM's basic register allocator instead of the greedy one:
  /// 14% less compile time on Go's test binaries, code within noise, but
  /// its time grows faster than linearly with a function's size (a function
  /// of 290,000 instructions took four times as long as with greedy).
  uint64_t basic_allocator_instructions = 20'000;
  /// Every function gets Effort::Quick whatever its module's size: the spec
  /// tests of the quick code generator (`FLINT_COMPILE_EFFORT=quick`, read by
  /// compile_to_artifact).
  bool all_quick = false;
  /// Per defined function, how a function with loops gets its loop entry
  /// (abi.h), the code a tiered run moves a loop already running in the
  /// interpreter to (on-stack replacement, src/tiered/README.md); empty:
  /// none, for code that runs from its first instruction (`flint compile`,
  /// the artifact cache). Only in modules of at most
  /// quick_module_instructions: a large module's time goes to many calls,
  /// which switch at their next call anyway.
  std::vector<LoopEntry> loop_entries;
  /// Keep where each instruction of the code came from (code_locations.h),
  /// so trap backtraces have offsets and the frames LLVM inlined. In
  /// modules above quick_module_instructions only calls and memory
  /// accesses keep theirs (ModuleDecls::call_site_locations_only): where
  /// every frame of a backtrace is.
  bool code_locations = true;
  /// Check each partition's LLVM IR with LLVM's verifier before it is
  /// optimised: an internal check of the translation (invalid IR is a
  /// Flint bug, never the module's), 5% of a large module's compile, so
  /// compile_to_artifact asks for it only in debug builds and when
  /// FLINT_VERIFY_IR is set (the test presets set it).
  bool verify_ir = true;
};

/// The effort `target` gives a function of `function_instructions` in a
/// module of `module_instructions` (both counted as in plan_partitions).
Effort effort_for(uint64_t module_instructions, uint64_t function_instructions,
                  const TargetOptions& target);

/// How defined function `index` of `module` is compiled: with a loop entry
/// only when it has a loop, `target` asks for one and the module is small
/// enough (TargetOptions::loop_entries).
LoopEntry loop_entry_of(const Module& module, const TargetOptions& target, uint32_t index);

/// Defined functions compiled together, at one effort.
struct Partition {
  std::vector<uint32_t> functions;  ///< ascending indices into Module::functions
  Effort effort = Effort::Full;
};
/// How compile_objects splits a module (deterministic for given options):
/// the Full functions and the Quick ones apart, each in runs of about
/// partition_instructions. The first partition holds the function table.
std::vector<Partition> plan_partitions(const Module& module, const TargetOptions& target);
/// A partition's object with its code locations (TargetOptions::code_locations)
/// read out of its DWARF, which is then dropped from it.
struct LocatedObject {
  std::vector<uint8_t> object;  ///< relocatable ELF
  /// Addresses from the start of the object's .text; empty without
  /// code locations.
  CodeLocations locations;
  /// A function symbol of that .text, which the linked code names too: its
  /// address there, less anchor_offset, is where `locations` start.
  std::string anchor;
  uint64_t anchor_offset = 0;  ///< the anchor's offset in .text
};
/// compile_object() for each partition, on up to `target.threads` threads,
/// each read by locate_object() on its thread when `target` keeps code
/// locations; the objects, linked together, hold what compile_object's one
/// would.
Result<std::vector<LocatedObject>> compile_objects(const Module& module,
                                                   const TargetOptions& target);

/// Compiles every defined function of a validated module, the entry
/// wrappers and the function table of abi.h, optimised, into an ELF object.
Result<std::vector<uint8_t>> compile_object(const Module& module, const TargetOptions& target);

/// Links objects into one shared object with lld's library (in-process).
Result<std::vector<uint8_t>> link_shared_object(std::span<const std::vector<uint8_t>> objects);

/// Held while something reads or writes LLVM's process-wide command-line
/// options: while a code generator's pipeline is built (it reads them) and
/// while lld links. lld resets every option to its default at each link
/// (its ELF driver calls cl::ResetAllOptionOccurrences before parsing its
/// -mllvm arguments), which took the quick code generator's
/// `-optimize-regalloc` away from compiles that followed a link in the same
/// process ("Cannot emit physreg copy instruction").
std::mutex& llvm_options_lock();
/// Sets the options Flint's code generator relies on again after lld reset
/// them; called with llvm_options_lock held.
void restore_llvm_options();
inline Result<std::vector<uint8_t>> link_shared_object(const std::vector<uint8_t>& object) {
  return link_shared_object(std::span<const std::vector<uint8_t>>(&object, 1));
}

}  // namespace flint::aot

namespace flint::aot {
/// An object compiled with TargetOptions::code_locations, its DWARF line
/// tables and inlining records read into a table (aot/code_locations.h)
/// and removed.
Result<LocatedObject> locate_object(std::vector<uint8_t> object);
/// The code locations of `objects` linked into `shared_object`: each
/// object's table where the linker put its code.
Result<CodeLocations> place_locations(std::span<const LocatedObject> objects,
                                      std::span<const uint8_t> shared_object);

/// The whole compilation: decode, validate, compile, link, and wrap into an
/// artifact (artifact.h) for the host.
Result<std::vector<uint8_t>> compile_to_artifact(std::span<const uint8_t> wasm,
                                                 const ArtifactOptions& options = {});
/// The same with the compiler's choices given (tests: `target` as if the
/// module were large); its fuel and interruptible are `options`'.
Result<std::vector<uint8_t>> compile_to_artifact(std::span<const uint8_t> wasm,
                                                 const ArtifactOptions& options,
                                                 TargetOptions target);
}  // namespace flint::aot
