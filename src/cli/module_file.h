// Reading a module named on the command line: binary (.wasm), text (.wat)
// or a precompiled artifact (.fwasm).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "flint/result.h"
#include "flint/runtime.h"

namespace flint::cli {

/// A module's bytes: a regular binary or artifact file is mapped read-only
/// rather than copied (the page cache's pages are used as they are: start-up
/// of `flint run`, issue 4); WAT text is parsed into an owned buffer.
class ModuleBytes {
 public:
  ModuleBytes() = default;
  explicit ModuleBytes(std::vector<uint8_t> owned) : owned_(std::move(owned)) {}
  ModuleBytes(ModuleBytes&& other) noexcept { *this = std::move(other); }
  ModuleBytes& operator=(ModuleBytes&& other) noexcept;
  ~ModuleBytes();

  std::span<const uint8_t> span() const {
    return map_ ? std::span(map_, map_size_) : std::span<const uint8_t>(owned_);
  }
  operator std::span<const uint8_t>() const { return span(); }

 private:
  friend Result<ModuleBytes> load_module_file(const std::string& path);
  std::vector<uint8_t> owned_;
  const uint8_t* map_ = nullptr;
  size_t map_size_ = 0;
};

/// The file's bytes in the binary format: a file that starts with the wasm
/// magic (or is a Flint artifact) is taken as it is, anything else is parsed
/// as WAT text.
Result<ModuleBytes> load_module_file(const std::string& path);

/// Whether `path` is named like a precompiled artifact (.fwasm).
bool names_precompiled(std::string_view path);

/// Compiles a module file's bytes: WebAssembly with compile(); a precompiled
/// artifact (native code) only when the user asked for one, by its name
/// (.fwasm) or `allow_precompiled` (--allow-precompiled, wasmtime's flag),
/// and refused with a message naming the file otherwise. With
/// Config::interruptible, an artifact compiled without interruption checks
/// still loads (and runs without them).
Result<std::shared_ptr<const CompiledModule>> compile_module_file(const std::string& path,
                                                                  std::span<const uint8_t> bytes,
                                                                  const Config& config,
                                                                  bool allow_precompiled);

}  // namespace flint::cli
