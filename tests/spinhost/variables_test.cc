// Spin's variables: providers before defaults, required variables, names,
// templates, and the interfaces' answers (fermyon:spin/variables@2.0.0,
// spin:variables/variables@3.0.0, wasi:config/store).
#include "spinhost/variables.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "host_calls.h"

namespace flint::spinhost {
namespace {

using namespace component;

std::map<std::string, AppVariable> app_variables() {
  std::map<std::string, AppVariable> vars;
  vars["greeting"] = {std::string("hello"), false, false};
  vars["name"] = {std::nullopt, true, false};
  vars["api_key"] = {std::string("default-key"), false, true};
  return vars;
}

std::vector<std::unique_ptr<VariableProvider>> env_only(std::string prefix) {
  std::vector<std::unique_ptr<VariableProvider>> p;
  p.push_back(env_provider(std::move(prefix)));
  return p;
}

TEST(Variables, ProvidersComeBeforeDefaults) {
  ::setenv("FLINTTEST1_NAME", "world", 1);
  ::setenv("FLINTTEST1_API_KEY", "from-env", 1);
  VariableResolver r(app_variables(), env_only("FLINTTEST1"));
  EXPECT_EQ(*r.app_variable("greeting"), "hello");
  EXPECT_EQ(*r.app_variable("name"), "world");
  EXPECT_EQ(*r.app_variable("api_key"), "from-env");
  EXPECT_EQ(*r.expand("{{greeting}}, {{ name }}!"), "hello, world!");
  EXPECT_EQ(*r.expand("no templates"), "no templates");
  EXPECT_FALSE(r.expand("{{ greeting ").ok()) << "unclosed";
  EXPECT_FALSE(r.expand("{{ Greeting }}").ok()) << "invalid name";
  EXPECT_FALSE(r.app_variable("undeclared").ok());
  EXPECT_TRUE(r.validate({{"c", {{"msg", "{{ greeting }} {{ name }}"}}}}).ok());
  ::unsetenv("FLINTTEST1_NAME");
  ::unsetenv("FLINTTEST1_API_KEY");
}

TEST(Variables, ARequiredVariableWithoutValueIsAStartUpError) {
  VariableResolver r(app_variables(), env_only("FLINTTEST2"));
  auto s = r.validate({});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().detail.find("\"name\""), std::string::npos) << s.error().detail;
}

TEST(Variables, ValidateRefusesBadNamesAndUnknownTemplateVariables) {
  ::setenv("FLINTTEST3_NAME", "x", 1);
  VariableResolver r(app_variables(), env_only("FLINTTEST3"));
  auto unknown = r.validate({{"c", {{"msg", "{{ nope }}"}}}});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().detail.find("nope"), std::string::npos);
  auto bad = r.validate({{"c", {{"Bad-Name", "x"}}}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().detail.find("Bad-Name"), std::string::npos);
  std::map<std::string, AppVariable> vars{{"9lives", {std::string("x"), false, false}}};
  auto app = VariableResolver(std::move(vars), {}).validate({});
  ASSERT_FALSE(app.ok());
  EXPECT_NE(app.error().detail.find("9lives"), std::string::npos);
  ::unsetenv("FLINTTEST3_NAME");
  for (const char* good : {"a", "abc", "a1b2c3", "a_1", "a_1_b_3"})
    EXPECT_TRUE(valid_variable_name(good)) << good;
  for (const char* bad_name : {"", "aX", "1bc", "_x", "x.y", "x_", "a__b", "x-y"})
    EXPECT_FALSE(valid_variable_name(bad_name)) << bad_name;
}

TEST(Variables, DotenvFileWithPrefixTheEnvironmentWins) {
  auto path =
      std::filesystem::temp_directory_path() / ("flint-dotenv-" + std::to_string(::getpid()));
  std::ofstream(path) << "# a comment\n\nMYAPP_NAME=from-file\nexport MYAPP_GREETING=\"hi\"\n";
  ::setenv("MYAPP_API_KEY", "env-key", 1);
  std::vector<std::unique_ptr<VariableProvider>> providers;
  providers.push_back(env_provider("MYAPP", path.string()));
  VariableResolver r(app_variables(), std::move(providers));
  EXPECT_EQ(*r.app_variable("name"), "from-file");
  EXPECT_EQ(*r.app_variable("greeting"), "hi");
  EXPECT_EQ(*r.app_variable("api_key"), "env-key");
  ::unsetenv("MYAPP_API_KEY");
  std::filesystem::remove(path);
}

TEST(VariablesInterface, GetAnswersValuesAndSpinsErrors) {
  ::setenv("FLINTTEST4_NAME", "world", 1);
  auto ctx = std::make_shared<SpinHostContext>();
  ctx->component_id = "test";
  ctx->variables = std::make_shared<VariableResolver>(app_variables(), env_only("FLINTTEST4"));
  ctx->component_variables = {{"message", "{{ greeting }}, {{ name }}"}, {"plain", "value"}};
  HostCalls host(ctx);
  for (const char* iface : {"fermyon:spin/variables@2.0.0", "spin:variables/variables@3.0.0"}) {
    auto ok = host.call(iface, "get", {str("message")});
    ASSERT_EQ(case_index(ok), 0u);
    EXPECT_EQ(payload(ok).as_string(), "hello, world");
    auto undefined = host.call(iface, "get", {str("missing")});
    ASSERT_EQ(case_index(undefined), 1u);
    EXPECT_EQ(case_index(payload(undefined)), 1u) << "undefined";
    EXPECT_EQ(payload(payload(undefined)).as_string(), "no variable for \"test\".\"missing\"");
    auto invalid = host.call(iface, "get", {str("Not-Valid")});
    ASSERT_EQ(case_index(invalid), 1u);
    EXPECT_EQ(case_index(payload(invalid)), 0u) << "invalid-name";
    EXPECT_NE(payload(payload(invalid)).as_string().find("Not-Valid"), std::string::npos);
  }
  const char* config = "wasi:config/store@0.2.0-draft-2024-09-27";
  auto got = host.call(config, "get", {str("plain")});
  EXPECT_EQ(payload(payload(got)).as_string(), "value");
  EXPECT_EQ(case_index(payload(host.call(config, "get", {str("missing")}))), 0u) << "none";
  auto all = host.call(config, "get-all");
  ASSERT_EQ(case_index(all), 0u);
  ASSERT_EQ(payload(all).items().size(), 2u);
  EXPECT_EQ(payload(all).items()[0].items()[1].as_string(), "hello, world");
  ::unsetenv("FLINTTEST4_NAME");

  // The provider loses its value: reading the variable is a provider error.
  auto r = host.call("fermyon:spin/variables@2.0.0", "get", {str("message")});
  ASSERT_EQ(case_index(r), 1u);
  EXPECT_EQ(case_index(payload(r)), 2u) << "provider";
}

}  // namespace
}  // namespace flint::spinhost
