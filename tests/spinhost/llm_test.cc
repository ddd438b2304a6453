// fermyon:spin/llm@2.0.0 without an engine: Spin's errors, word for word.
#include "spinhost/llm.h"

#include <gtest/gtest.h>

#include "service_calls.h"

namespace flint::spinhost::testing {
namespace {

using namespace component;

constexpr const char* kLlm = "fermyon:spin/llm@2.0.0";

TEST(Llm, ModelNotGrantedIsInvalidInput) {
  HostCalls h;
  define_llm(h.linker, context_allowing({}));
  ComponentValue r =
      h.call(kLlm, "infer", {val::string("llama2-chat"), val::string("hi"), val::none()});
  ASSERT_EQ(case_of(r), 1u);
  EXPECT_EQ(case_of(payload(r)), 2u);
  EXPECT_EQ(
      payload(payload(r)).as_string(),
      "The component does not have access to use 'llama2-chat'. To give the component access, "
      "add 'llama2-chat' to the 'ai_models' key for the component in your spin.toml manifest");
}

TEST(Llm, GrantedModelHasNoEngine) {
  HostCalls h;
  auto ctx = context_allowing({});
  ctx->ai_models = {"all-minilm-l6-v2"};
  define_llm(h.linker, ctx);
  ComponentValue r = h.call(kLlm, "generate-embeddings",
                            {val::string("all-minilm-l6-v2"), val::list({val::string("text")})});
  ASSERT_EQ(case_of(r), 1u);
  EXPECT_EQ(case_of(payload(r)), 1u);
  EXPECT_EQ(payload(payload(r)).as_string(),
            "Local LLM operations are not supported in this version of Spin.");
}

}  // namespace
}  // namespace flint::spinhost::testing
