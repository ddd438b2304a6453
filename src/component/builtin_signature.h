// The core function types of the canon built-ins whose signature does not
// depend on a component type (CanonicalABI.md, one section per built-in):
// what a core module importing one must declare.
#pragma once

#include <optional>

#include "component/canon.h"
#include "flint/types.h"

namespace flint::component {

/// The core type of the built-in `kind`, or nothing for lift, lower and
/// task.return (their signature flattens a component type) and for the
/// shared-everything thread built-ins (not settled upstream).
std::optional<flint::FuncType> builtin_signature(CanonKind kind);

}  // namespace flint::component
