// The transparent on-disk cache of compiled artifacts behind `flint run
// --engine aot MODULE.wasm` and `flint wast --engine aot` (DESIGN principle
// 6): a module is compiled once, and later runs load the artifact.
//
// Key. The file name is the SHA-256 of everything the machine code depends
// on: the module's bytes (through their own SHA-256), the artifact format
// and Flint version, the target triple, the CPU features compiled for, the
// compile options (fuel) and the compiler executable (path, size, mtime).
// Another Flint, CPU, option or rebuilt compiler is another entry.
//
// Safety. Entries are written to a temporary file in the cache directory,
// fsync'ed and renamed over the entry (rename(2) is atomic), so a reader sees
// a whole artifact or none, and two processes filling the same entry at once
// both succeed (the last rename wins; both wrote the same bytes). A cached
// entry is checked like any artifact (format, versions, CPU, checksum) and
// against the module's bytes; one that fails -- truncated, corrupted, stale --
// is compiled again and replaced, never an error. A directory that cannot be
// created or written is a warning: the run goes on uncached.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "aot/artifact.h"
#include "flint/result.h"

namespace flint::aot {

/// $FLINT_CACHE_DIR, else $XDG_CACHE_HOME/flint, else $HOME/.cache/flint;
/// nullopt when none of these variables is set.
std::optional<std::string> default_cache_dir();

/// The entry name (64 hex digits) for `wasm` compiled with `options` by
/// this Flint on this machine.
std::string cache_key(std::span<const uint8_t> wasm, const ArtifactOptions& options);

class ArtifactCache {
 public:
  /// Told, once per cache, why the cache could not be written (the run goes on).
  using Warn = std::function<void(const std::string& message)>;
  ArtifactCache(std::string dir, Warn warn);

  /// A checked artifact for `wasm`: the cached entry when it is valid,
  /// otherwise one compiled with compile_artifact() and stored.
  Result<std::vector<uint8_t>> get_or_compile(std::span<const uint8_t> wasm,
                                              const ArtifactOptions& options);
  /// The valid cached entry for `wasm`, if there is one; never compiles.
  std::optional<std::vector<uint8_t>> find(std::span<const uint8_t> wasm,
                                           const ArtifactOptions& options) const;
  /// Stores `artifact`, compiled for `wasm` with `options`, as its entry.
  void put(std::span<const uint8_t> wasm, const ArtifactOptions& options,
           std::span<const uint8_t> artifact);
  /// Where the entry for `key` lives.
  std::string entry_path(const std::string& key) const;

 private:
  std::optional<std::vector<uint8_t>> read_valid_entry(const std::string& path,
                                                       std::span<const uint8_t> wasm,
                                                       const ArtifactOptions& options) const;
  void store(const std::string& path, std::span<const uint8_t> artifact);
  void warn_once(const std::string& message);

  std::string dir_;
  Warn warn_;
  std::atomic<bool> warned_{false};
};

/// The cache compile() uses for EngineKind::Aot. None by default (a library
/// writes no files unasked); the CLI installs one unless --no-cache.
void set_artifact_cache(std::shared_ptr<ArtifactCache> cache);
/// The installed cache's valid entry for `wasm`, if there is one (the
/// tiered engine's way to start compiled without waiting for a compile).
std::optional<std::vector<uint8_t>> find_cached_artifact(std::span<const uint8_t> wasm,
                                                         const ArtifactOptions& options);
/// Stores an artifact compile_artifact() made for `wasm` in the installed
/// cache, if there is one: how a tiered run keeps its background compile
/// for the next run once it has put the code to use, so that the cache's
/// write and fsync are not on the way to compiled code.
void store_cached_artifact(std::span<const uint8_t> wasm, const ArtifactOptions& options,
                           std::span<const uint8_t> artifact);
/// What compile() calls: the installed cache, or compile_artifact() itself.
Result<std::vector<uint8_t>> obtain_artifact(std::span<const uint8_t> wasm,
                                             const ArtifactOptions& options);

}  // namespace flint::aot
