// Reading a module named on the command line: binary (.wasm) or text (.wat).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"

namespace flint::cli {

/// The file's bytes in the binary format: a file that starts with the wasm
/// magic is taken as binary, anything else is parsed as WAT text.
Result<std::vector<uint8_t>> load_module_file(const std::string& path);

/// Reads a whole file; Host error naming the path when it cannot.
Result<std::string> read_file(const std::string& path);

}  // namespace flint::cli
