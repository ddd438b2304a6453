// Whole files as bytes: what is pushed is read whole (layers are hashed
// before upload) and what is pulled is written whole.
#pragma once

#include <string>

#include "flint/result.h"

namespace flint::oci {

/// The bytes of the file at `path`; an Io error naming it.
Result<std::string> read_file_bytes(const std::string& path);

/// Writes `bytes` to `path` (its directory created), replacing it.
Status write_file_bytes(const std::string& path, std::string_view bytes);

}  // namespace flint::oci
