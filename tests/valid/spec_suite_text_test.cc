// The validator against the official spec suite (wasm-2.0/*.wast), reading
// the scripts with Flint's own text parser (text::parse_wast), which encodes
// each text module to binary; `module quote` forms go through parse_wat.
// Same expectations as spec_suite_test.cc; this path also covers the scripts
// wabt 1.0.32 cannot read.
#include <sstream>
#include <variant>

#include "suite_support.h"
#include "text/parse.h"

namespace flint::test {
namespace {

namespace fs = std::filesystem;

SuiteTally tally{"flint text parser"};

// The binary of a script module; quote modules are parsed now.
Result<std::vector<uint8_t>> binary_of(const wast::ScriptModule& m) {
  if (m.form == wast::ScriptModule::Form::Quote) return text::parse_wat(m.quote);
  return m.binary;
}

class SpecSuiteText : public ::testing::TestWithParam<std::string> {};

TEST_P(SpecSuiteText, Validation) {
  const std::string name = GetParam();
  if (!fs::exists(kSuiteDir)) GTEST_SKIP() << "spec suite not found at " << kSuiteDir;

  std::ifstream in(kSuiteDir / (name + ".wast"));
  std::stringstream source;
  source << in.rdbuf();
  Result<wast::Script> script = text::parse_wast(source.str());
  if (!script.ok())
    GTEST_SKIP() << "the text parser cannot read " << name
                 << ".wast: " << script.error().describe();

  for (size_t i = 0; i < script->commands.size(); ++i) {
    const wast::Command& command = script->commands[i];
    std::string where = name + ".wast:" + std::to_string(script->lines[i]);
    const wast::ScriptModule* module = nullptr;
    const std::string* expected = nullptr;
    if (auto* c = std::get_if<wast::ModuleCommand>(&command)) module = &c->module;
    if (auto* c = std::get_if<wast::AssertUninstantiable>(&command)) module = &c->module;
    if (auto* c = std::get_if<wast::AssertUnlinkable>(&command)) module = &c->module;
    if (auto* c = std::get_if<wast::AssertInvalid>(&command)) {
      module = &c->module;
      expected = &c->message;
    }
    if (!module) continue;
    if (is_listed_skip("flint-text", where)) {
      ++tally.listed_skips;
      continue;
    }
    Result<std::vector<uint8_t>> bytes = binary_of(*module);
    if (!bytes.ok()) {
      ADD_FAILURE() << where
                    << ": the text parser rejected the module: " << bytes.error().describe();
      continue;
    }
    if (expected)
      expect_invalid(tally, where, *bytes, *expected);
    else
      expect_valid(tally, where, *bytes);
  }
}

INSTANTIATE_TEST_SUITE_P(Wasm20, SpecSuiteText, ::testing::ValuesIn(suite_scripts()),
                         [](const auto& info) { return test_name_of(info.param); });

const auto* const printer = ::testing::AddGlobalTestEnvironment(new TallyPrinter(tally));

}  // namespace
}  // namespace flint::test
