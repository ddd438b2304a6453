// Component validation (component-model Binary.md's validation notes,
// Explainer.md): the checks decoding leaves out. (A placeholder that
// accepts every decoded component, until the checks land.)
#pragma once

#include "component/component.h"
#include "flint/result.h"

namespace flint::component {

/// Validates a decoded component and, recursively, the components nested in
/// it. Errors carry the byte offset of the offending definition and the
/// reference scripts' sentence in their detail.
Status validate_component(const Component& component);

}  // namespace flint::component
