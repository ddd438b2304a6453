// The precompiled artifact (.fwasm): a header, the original wasm module and
// the shared object holding its machine code.
//
//   "FLINTAOT"  magic, 8 bytes
//   u32         format version (kArtifactVersion)
//   str         Flint version that compiled it
//   str         target triple
//   str         CPU features the code uses, comma-separated (cpu_features.h)
//   u32         compile options (kArtifactFuel: the code meters fuel;
//               kArtifactInterruptible: it checks the interruption flag)
//   32 bytes    SHA-256 of the wasm bytes (the module hash: its identity)
//   u64, bytes  the wasm module
//   u64, bytes  the shared object
//   u64, bytes  its code locations (code_locations.h; empty where the
//               compiler kept none)
//   u32         CRC-32C of every byte before it (crc32c.h)
//
// (str = u32 length + bytes; integers little-endian.) Keeping the wasm lets
// the loader decode imports, exports and segments without LLVM; the
// checksum makes a damaged file fail before anything is mapped executable.
// The module hash is written by the compiler and not recomputed at load:
// the checksum covers it, and an artifact is trusted as a whole anyway.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "aot/sha256.h"
#include "flint/result.h"

namespace flint::aot {

inline constexpr uint32_t kArtifactVersion = 7;
/// Compile option bit: the code charges Config::fuel (fuel_codegen.cc).
inline constexpr uint32_t kArtifactFuel = 1;
/// Compile option bit: the code checks the store's interruption flag at
/// function entries and loop heads (Config::interruptible).
inline constexpr uint32_t kArtifactInterruptible = 2;
/// Bumped with every change to generated code or abi.h.
inline constexpr const char* kFlintVersion = "0.1.0-aot7";

/// Modules of more instructions than this (each function's plus one) get
/// quicker code and no loop entries (TargetOptions::quick_module_instructions).
inline constexpr uint64_t kQuickModuleInstructions = 1'000'000;

/// How a function with loops is compiled for a tiered run (abi.h, loop
/// entries); the letters are flint-compile's `--loop-entries` argument.
enum class LoopEntry : char {
  /// The function alone: a frame running it in the interpreter stays there
  /// until it returns (its next call runs compiled).
  None = '-',
  /// The function and beside it its loop entry: for a function called
  /// often (a loop entry's calls pay for a wrapper and for locals passed
  /// through memory: fib(42) 1.5 times as long) whose frame may also run long.
  Beside = 'b',
  /// Its loop entry only, which its calls enter too (kFunctionStart): one
  /// compile of the body instead of two, for a function called rarely whose
  /// frame runs long (a main loop, a kernel's `run`).
  Only = 'o',
};

/// What a module is compiled with, beyond its target (recorded in the
/// artifact, but for loop_entries).
struct ArtifactOptions {
  /// Charge Config::fuel at function entries and loop iterations (the
  /// interpreter's units). Code without it runs no metering and is refused
  /// when fuel is requested.
  bool fuel = false;
  /// Check the store's interruption flag at function entries and loop
  /// heads, so deadlines stop the code; refused without it when a deadline
  /// is requested.
  bool interruptible = false;
  /// Per defined function, whether and how it gets a loop entry (abi.h),
  /// for a tiered run that moves frames running in the interpreter to the
  /// code (TargetOptions::loop_entries); empty for none. Not recorded in
  /// the artifact: such code behaves as any other.
  std::vector<LoopEntry> loop_entries = {};
};

struct Artifact {
  std::string flint_version;
  std::string triple;
  std::vector<std::string> cpu_features;
  /// Compiled with fuel metering: a run with Config::fuel needs this.
  bool fuel = false;
  /// Compiled with interruption checks: a run with Config::interruptible needs this.
  bool interruptible = false;
  Digest module_hash{};
  std::vector<uint8_t> wasm;
  std::vector<uint8_t> shared_object;
  /// CodeLocations::encode() of the code; empty for none.
  std::vector<uint8_t> code_locations;
};

std::vector<uint8_t> encode_artifact(const Artifact& a);
/// Parses and checks an artifact: rejects (with the reason) a file that is
/// not an artifact, was written by another format or Flint version, is for
/// another target or a CPU lacking its features, or whose bytes do not
/// match their checksum.
Result<Artifact> decode_artifact(std::span<const uint8_t> bytes);
/// The same checks, without copying the module and its code out of `bytes`
/// (the loader's start-up): `header` holds everything but `wasm`,
/// `shared_object` and `code_locations`, which are views of `bytes`.
struct ArtifactView {
  Artifact header;
  std::span<const uint8_t> wasm;
  std::span<const uint8_t> shared_object;
  std::span<const uint8_t> code_locations;
};
Result<ArtifactView> decode_artifact_view(std::span<const uint8_t> bytes);
/// The triple this build of Flint runs on.
std::string host_triple();
/// True when the bytes start with the artifact magic.
bool is_artifact(std::span<const uint8_t> bytes);

}  // namespace flint::aot
