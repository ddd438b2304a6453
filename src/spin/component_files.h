// A component's `files` as a directory tree: the globs over the manifest
// directory (minus `exclude_files`, never `.spin/`) and the
// `{ source, destination }` mounts, copied under one root. `flint up`
// mounts that root at the guest's `/`; `flint registry push` uploads each
// file of it as Spin does.
#pragma once

#include <string>

#include "flint/result.h"
#include "spin/manifest.h"

namespace flint::spin {

/// Copies `c`'s files (relative to `app_dir`) into `root`, created when missing.
Status stage_component_files(const Component& c, const std::string& app_dir,
                             const std::string& root);

}  // namespace flint::spin
