// Spin's LLM interface (fermyon:spin/llm@2.0.0, llm.wit): `infer` and
// `generate-embeddings`. Flint has no inferencing engine, so it answers as
// Spin built without its local engine does: a model the component's
// `ai_models` does not list is `invalid-input` with Spin's access-denied
// message, any other is `runtime-error("Local LLM operations are not
// supported in this version of Spin.")`.
#pragma once

#include <memory>

#include "component_runtime/linker.h"
#include "spinhost/spinhost.h"

namespace flint::spinhost {

/// Defines fermyon:spin/llm@2.0.0 in `linker` for one instance.
void define_llm(component::ComponentLinker& linker,
                const std::shared_ptr<const SpinHostContext>& context);

}  // namespace flint::spinhost
