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
};

/// Compiles every defined function of a validated module, the entry
/// wrappers and the function table of abi.h, optimised, into an ELF object.
Result<std::vector<uint8_t>> compile_object(const Module& module, const TargetOptions& target);

/// Links an object into a shared object with ld.lld (a subprocess).
Result<std::vector<uint8_t>> link_shared_object(const std::vector<uint8_t>& object);

}  // namespace flint::aot

namespace flint::aot {
/// The whole compilation: decode, validate, compile, link, and wrap into an
/// artifact (artifact.h) for the host.
Result<std::vector<uint8_t>> compile_to_artifact(std::span<const uint8_t> wasm,
                                                 const ArtifactOptions& options = {});
}  // namespace flint::aot
