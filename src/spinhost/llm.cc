// fermyon:spin/llm@2.0.0 without an engine: the errors Spin's no-op engine
// and its `ai_models` check give.
#include "spinhost/llm.h"

#include <algorithm>

#include "component_runtime/host_interface.h"

namespace flint::spinhost {

namespace {

using namespace component;

// The cases of the WIT's `error` variant.
enum : uint32_t { kModelNotSupported, kRuntimeError, kInvalidInput };

/// The error for a call naming `model`.
ComponentValue refusal(const SpinHostContext& context, const std::string& model) {
  const auto& models = context.ai_models;
  if (std::find(models.begin(), models.end(), model) == models.end())
    return val::err(val::variant_case(
        kInvalidInput, val::string("The component does not have access to use '" + model +
                                   "'. To give the component access, add '" + model +
                                   "' to the 'ai_models' key for the component in your spin.toml "
                                   "manifest")));
  return val::err(val::variant_case(
      kRuntimeError,
      val::string("Local LLM operations are not supported in this version of Spin.")));
}

}  // namespace

void define_llm(ComponentLinker& linker, const std::shared_ptr<const SpinHostContext>& context) {
  ValueTypePtr params = wit::record({{"max-tokens", wit::u32()},
                                     {"repeat-penalty", wit::f32()},
                                     {"repeat-penalty-last-n-token-count", wit::u32()},
                                     {"temperature", wit::f32()},
                                     {"top-k", wit::u32()},
                                     {"top-p", wit::f32()}});
  ValueTypePtr error = wit::variant({{"model-not-supported", nullptr},
                                     {"runtime-error", wit::string()},
                                     {"invalid-input", wit::string()}});
  ValueTypePtr usage =
      wit::record({{"prompt-token-count", wit::u32()}, {"generated-token-count", wit::u32()}});
  ValueTypePtr result = wit::record({{"text", wit::string()}, {"usage", usage}});
  ValueTypePtr embeddings_usage = wit::record({{"prompt-token-count", wit::u32()}});
  ValueTypePtr embeddings =
      wit::record({{"embeddings", wit::list(wit::list(wit::f32()))}, {"usage", embeddings_usage}});

  HostInterface iface("fermyon:spin/llm", "2.0.0");
  iface.type("inferencing-model", wit::string());
  iface.type("embedding-model", wit::string());
  iface.type("inferencing-params", params);
  iface.type("error", error);
  iface.type("inferencing-usage", usage);
  iface.type("inferencing-result", result);
  iface.type("embeddings-usage", embeddings_usage);
  iface.type("embeddings-result", embeddings);
  iface.function(
      "infer",
      wit::func(
          {{"model", wit::string()}, {"prompt", wit::string()}, {"params", wit::option(params)}},
          wit::result(result, error)),
      [context](Store&, std::span<const ComponentValue> a) -> HostReturn {
        return refusal(*context, a[0].as_string());
      });
  iface.function("generate-embeddings",
                 wit::func({{"model", wit::string()}, {"text", wit::list(wit::string())}},
                           wit::result(embeddings, error)),
                 [context](Store&, std::span<const ComponentValue> a) -> HostReturn {
                   return refusal(*context, a[0].as_string());
                 });
  define(linker, iface);
}

}  // namespace flint::spinhost
