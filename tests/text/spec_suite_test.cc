// The text parser over the official spec test suite (wasm-2.0): every script
// parses; every `quote` module of assert_malformed is rejected by parse_wat and
// every other `quote` module is accepted; and (when wabt is installed) every
// text module the scripts expect to be valid is accepted by wasm-validate.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "binary/decoder.h"
#include "text/parse.h"
#include "wabt_oracle.h"

namespace flint::text {
namespace {

namespace fs = std::filesystem;

fs::path suite_dir() { return fs::path(FLINT_SPEC_DIR) / "wasm-2.0"; }

std::vector<std::string> suite_files() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(suite_dir(), ec)) {
    if (entry.path().extension() == ".wast") names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  if (names.empty()) names.push_back("(suite missing)");
  return names;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class SpecSuite : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!fs::exists(suite_dir())) GTEST_SKIP() << "spec suite not found at " << suite_dir();
  }
  Result<wast::Script> parse() { return parse_wast(read_file(suite_dir() / GetParam())); }
};

std::string where(const Error& e) { return e.describe(); }

TEST_P(SpecSuite, ScriptParses) {
  auto script = parse();
  ASSERT_TRUE(script.ok()) << GetParam() << ":" << where(script.error());
  EXPECT_FALSE(script->commands.empty());
  EXPECT_EQ(script->commands.size(), script->lines.size());
}

TEST_P(SpecSuite, QuotedModulesParseOrFailAsExpected) {
  auto script = parse();
  ASSERT_TRUE(script.ok()) << where(script.error());
  size_t checked = 0;
  for (size_t i = 0; i < script->commands.size(); ++i) {
    const wast::Command& c = script->commands[i];
    uint32_t line = script->lines[i];
    const wast::ScriptModule* m = nullptr;
    bool must_fail = false;
    if (auto* a = std::get_if<wast::AssertMalformed>(&c)) {
      m = &a->module;
      must_fail = true;
    } else if (auto* b = std::get_if<wast::AssertInvalid>(&c)) {
      m = &b->module;
    } else if (auto* d = std::get_if<wast::ModuleCommand>(&c)) {
      m = &d->module;
    } else if (auto* u = std::get_if<wast::AssertUnlinkable>(&c)) {
      m = &u->module;
    } else if (auto* t = std::get_if<wast::AssertUninstantiable>(&c)) {
      m = &t->module;
    }
    if (m == nullptr || m->form != wast::ScriptModule::Form::Quote) continue;
    ++checked;
    auto wasm = parse_wat(m->quote);
    if (must_fail) {
      EXPECT_FALSE(wasm.ok()) << GetParam() << ":" << line << ": malformed module accepted";
      if (!wasm.ok()) {
        EXPECT_EQ(wasm.error().phase(), Phase::Parse) << GetParam() << ":" << line;
        // The reference interpreter's words: ours equal them or extend them.
        std::string_view ours = spec_text(wasm.error().code);
        const std::string& expected = std::get<wast::AssertMalformed>(c).message;
        EXPECT_TRUE(ours.starts_with(expected) || std::string_view(expected).starts_with(ours))
            << GetParam() << ":" << line << ": expected \"" << expected << "\", got \""
            << wasm.error().describe() << "\"";
      }
    } else {
      EXPECT_TRUE(wasm.ok()) << GetParam() << ":" << line << ": " << where(wasm.error());
    }
  }
  RecordProperty("quoted_modules", static_cast<int>(checked));
}

// Integration with the binary decoder: every text module of a module command
// or of assert_invalid / assert_unlinkable / assert_trap decodes (invalid
// modules are well-formed: only validation may reject them).
TEST_P(SpecSuite, TextModulesDecode) {
  auto script = parse();
  ASSERT_TRUE(script.ok()) << where(script.error());
  for (size_t i = 0; i < script->commands.size(); ++i) {
    const wast::Command& c = script->commands[i];
    const wast::ScriptModule* m = nullptr;
    if (auto* d = std::get_if<wast::ModuleCommand>(&c))
      m = &d->module;
    else if (auto* v = std::get_if<wast::AssertInvalid>(&c))
      m = &v->module;
    else if (auto* u = std::get_if<wast::AssertUnlinkable>(&c))
      m = &u->module;
    else if (auto* t = std::get_if<wast::AssertUninstantiable>(&c))
      m = &t->module;
    if (m == nullptr || m->form == wast::ScriptModule::Form::Binary) continue;
    std::vector<uint8_t> bytes = m->binary;
    if (m->form == wast::ScriptModule::Form::Quote) {
      auto wasm = parse_wat(m->quote);
      if (!wasm.ok()) continue;  // reported by QuotedModulesParseOrFailAsExpected
      bytes = *wasm;
    }
    auto module = decode_module(bytes, Features::wasm2());
    EXPECT_TRUE(module.ok()) << GetParam() << ":" << script->lines[i] << ": "
                             << (module.ok() ? "" : module.error().describe());
  }
}

bool have_wabt() { return std::system("wasm-validate --version >/dev/null 2>&1") == 0; }

// Modules the script expects to be valid (module commands, assert_unlinkable
// and assert_trap on modules) must pass wabt's validator.
TEST_P(SpecSuite, ValidModulesPassWasmValidate) {
  static const bool wabt = have_wabt();
  if (!wabt) GTEST_SKIP() << "wabt (wasm-validate) not installed";
  auto script = parse();
  ASSERT_TRUE(script.ok()) << where(script.error());
  fs::path dir = fs::temp_directory_path() / ("flint-text-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  for (size_t i = 0; i < script->commands.size(); ++i) {
    const wast::Command& c = script->commands[i];
    const wast::ScriptModule* m = nullptr;
    if (auto* d = std::get_if<wast::ModuleCommand>(&c))
      m = &d->module;
    else if (auto* u = std::get_if<wast::AssertUnlinkable>(&c))
      m = &u->module;
    else if (auto* t = std::get_if<wast::AssertUninstantiable>(&c))
      m = &t->module;
    if (m == nullptr || m->form == wast::ScriptModule::Form::Binary) continue;
    std::vector<uint8_t> bytes = m->binary;
    if (m->form == wast::ScriptModule::Form::Quote) {
      auto wasm = parse_wat(m->quote);
      if (!wasm.ok()) continue;  // reported by QuotedModulesParseOrFailAsExpected
      bytes = *wasm;
    }
    fs::path file = dir / "m.wasm";
    {
      std::ofstream out(file, std::ios::binary);
      out.write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    }
    std::string cmd = "wasm-validate " + file.string() + " 2>&1";
    FILE* p = popen(cmd.c_str(), "r");
    ASSERT_NE(p, nullptr);
    std::string output;
    char buf[512];
    while (fgets(buf, sizeof buf, p)) output += buf;
    int status = pclose(p);
    // wabt 1.0.32 predates `global.get` in element expressions (valid in 2.0).
    if (output.find("expected ref.null or ref.func") != std::string::npos) continue;
    EXPECT_EQ(status, 0) << GetParam() << ":" << script->lines[i] << ": wasm-validate rejects\n"
                         << output;
  }
  fs::remove_all(dir);
}

// Differential check against wabt: every text module the script expects to
// be valid encodes to exactly the bytes wast2json produces (our optional name
// section aside). Scripts wabt 1.0.32 cannot read are skipped.
TEST_P(SpecSuite, ValidModulesMatchWast2jsonBytes) {
  static const bool wabt = testing::have_tool("wast2json");
  if (!wabt) GTEST_SKIP() << "wabt (wast2json) not installed";
  auto script = parse();
  ASSERT_TRUE(script.ok()) << where(script.error());
  testing::TempDir dir;
  std::string output;
  fs::path json = dir.path() / "x.json";
  if (testing::run("wast2json -o " + json.string() + " " + (suite_dir() / GetParam()).string(),
                   &output) != 0) {
    GTEST_SKIP() << "wast2json cannot read this script: " << output.substr(0, 200);
  }
  // Each command is one line: {"type": ..., "line": N, "filename": "x.K.wasm", ...}
  std::map<uint32_t, std::string> files_by_line;
  std::istringstream lines(testing::read_text(json));
  for (std::string l; std::getline(lines, l);) {
    size_t line_at = l.find("\"line\": ");
    size_t file_at = l.find("\"filename\": \"");
    if (line_at == std::string::npos || file_at == std::string::npos) continue;
    if (l.find("\"module_type\": \"text\"") != std::string::npos) continue;
    uint32_t line = static_cast<uint32_t>(std::stoul(l.substr(line_at + 8)));
    size_t name_begin = file_at + 13;
    files_by_line[line] = l.substr(name_begin, l.find('"', name_begin) - name_begin);
  }
  size_t candidates = 0, compared = 0;
  for (const wast::Command& c : script->commands) {
    const wast::ScriptModule* m = nullptr;
    if (auto* d = std::get_if<wast::ModuleCommand>(&c))
      m = &d->module;
    else if (auto* u = std::get_if<wast::AssertUnlinkable>(&c))
      m = &u->module;
    else if (auto* t = std::get_if<wast::AssertUninstantiable>(&c))
      m = &t->module;
    if (m == nullptr || m->form != wast::ScriptModule::Form::Text) continue;
    ++candidates;
    auto it = files_by_line.find(m->line);
    if (it == files_by_line.end()) continue;
    std::vector<uint8_t> theirs = testing::read_bytes(dir.path() / it->second);
    EXPECT_EQ(testing::without_name_section(m->binary), theirs)
        << GetParam() << ":" << m->line << ": encoding differs from wast2json's " << it->second;
    ++compared;
  }
  if (candidates > 0) EXPECT_GT(compared, 0u) << "no module matched wast2json's output";
}

INSTANTIATE_TEST_SUITE_P(Wasm20, SpecSuite, ::testing::ValuesIn(suite_files()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param;
                           for (char& ch : name) {
                             if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace flint::text
