// Reading a module named on the command line: binary (.wasm), text (.wat)
// or a precompiled artifact (.fwasm).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "flint/result.h"

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

  std::span<const uint8_t> span() const { return map_ ? std::span(map_, map_size_) : std::span<const uint8_t>(owned_); }
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

/// Reads a whole file; Host error naming the path when it cannot.
Result<std::string> read_file(const std::string& path);

}  // namespace flint::cli
