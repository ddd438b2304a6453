// The ahead-of-time compiler's entry point: a validated module to a native
// relocatable object through LLVM (this library is the only one linking LLVM;
// see src/aot/README.md for the whole pipeline).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "aot/artifact.h"
#include "flint/result.h"
#include "module/module.h"

namespace flint::aot {

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
};

/// A contiguous range [begin, end) of defined functions compiled together.
struct Partition {
  uint32_t begin = 0, end = 0;
};
/// How compile_objects splits a module (deterministic for given options).
std::vector<Partition> plan_partitions(const Module& module, const TargetOptions& target);
/// compile_object() for each partition, on up to `target.threads` threads;
/// the objects, linked together, hold what compile_object's one would.
Result<std::vector<std::vector<uint8_t>>> compile_objects(const Module& module,
                                                          const TargetOptions& target);

/// Compiles every defined function of a validated module, the entry
/// wrappers and the function table of abi.h, optimised, into an ELF object.
Result<std::vector<uint8_t>> compile_object(const Module& module, const TargetOptions& target);

/// Links objects into one shared object with ld.lld (a subprocess).
Result<std::vector<uint8_t>> link_shared_object(std::span<const std::vector<uint8_t>> objects);
inline Result<std::vector<uint8_t>> link_shared_object(const std::vector<uint8_t>& object) {
  return link_shared_object(std::span<const std::vector<uint8_t>>(&object, 1));
}

}  // namespace flint::aot

namespace flint::aot {
/// The whole compilation: decode, validate, compile, link, and wrap into an
/// artifact (artifact.h) for the host.
Result<std::vector<uint8_t>> compile_to_artifact(std::span<const uint8_t> wasm,
                                                 const ArtifactOptions& options = {});
}  // namespace flint::aot
