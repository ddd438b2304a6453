// The `spectest` host module that the official scripts import from, as the
// spec interpreter's README defines it.
#pragma once

#include <cstdio>

#include "flint/result.h"
#include "flint/runtime.h"

namespace flint::wast {

/// Defines every spectest export in `linker`, allocated in `store`.
/// The print functions write their arguments to `out` when it is non-null.
Status define_spectest(Store& store, Linker& linker, std::FILE* out);

}  // namespace flint::wast
