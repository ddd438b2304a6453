// Reading a whole file into memory, shared by `flint` (src/cli) and
// `flint-compile` (src/aot/tool), which links none of the CLI.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "flint/result.h"

namespace flint {

/// The file at `path`, in one buffer read with as few system calls as its
/// size allows. Pipes and /proc files report no size and are read until
/// their end. Errors (ErrorCode::Io) name the path and the system's reason.
Result<std::vector<uint8_t>> read_whole_file(const std::string& path);

/// As read_whole_file, as text (a manifest, a WAT module).
Result<std::string> read_whole_text_file(const std::string& path);

}  // namespace flint
