// The validator against the official spec suite (wasm-2.0/*.wast), reading
// the scripts with wabt's wast2json: each script's modules come out as
// binaries; Flint's decoder reads them and the validator must
//   - reject every `assert_invalid` module with the expected message, and
//   - accept every module of `module`, `assert_uninstantiable` (assert_trap
//     on a module) and `assert_unlinkable` commands.
// The suite or wast2json being absent skips the test with a message.
#include <unistd.h>

#include <cstdlib>
#include <iterator>
#include <optional>
#include <regex>

#include "suite_support.h"

namespace flint::test {
namespace {

namespace fs = std::filesystem;

SuiteTally tally{"wast2json"};

/// One command line of wast2json's output (it writes one command per line).
struct Command {
  std::string type, filename, text, module_type;
  int line = 0;
};

std::optional<std::string> json_string(const std::string& line, const std::string& key) {
  std::regex re("\"" + key + "\": \"((?:[^\"\\\\]|\\\\.)*)\"");
  std::smatch m;
  if (!std::regex_search(line, m, re)) return std::nullopt;
  return m[1].str();
}

std::vector<Command> read_commands(const fs::path& json) {
  std::vector<Command> out;
  std::ifstream in(json);
  std::string line;
  while (std::getline(in, line)) {
    if (line.find("{\"type\": ") == std::string::npos) continue;
    Command c;
    c.type = json_string(line, "type").value_or("");
    c.filename = json_string(line, "filename").value_or("");
    c.text = json_string(line, "text").value_or("");
    c.module_type = json_string(line, "module_type").value_or("binary");
    std::smatch m;
    if (std::regex_search(line, m, std::regex("\"line\": (\\d+)"))) c.line = std::stoi(m[1]);
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<uint8_t> read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool have_wast2json() { return std::system("wast2json --version >/dev/null 2>&1") == 0; }

class SpecSuiteWast2Json : public ::testing::TestWithParam<std::string> {};

TEST_P(SpecSuiteWast2Json, Validation) {
  const std::string name = GetParam();
  if (!fs::exists(kSuiteDir)) GTEST_SKIP() << "spec suite not found at " << kSuiteDir;
  if (!have_wast2json()) GTEST_SKIP() << "wast2json (wabt) not installed";

  fs::path dir = fs::temp_directory_path() / ("flint-valid-" + std::to_string(getpid())) / name;
  fs::create_directories(dir);
  std::string cmd = "wast2json --enable-all '" + (kSuiteDir / (name + ".wast")).string() +
                    "' -o '" + (dir / (name + ".json")).string() + "' >/dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) {
    fs::remove_all(dir);
    GTEST_SKIP() << "wast2json cannot read " << name << ".wast";
  }

  for (const Command& c : read_commands(dir / (name + ".json"))) {
    bool must_fail = c.type == "assert_invalid";
    bool must_pass =
        c.type == "module" || c.type == "assert_uninstantiable" || c.type == "assert_unlinkable";
    if (!must_fail && !must_pass) continue;
    std::string where = name + ".wast:" + std::to_string(c.line);
    if (is_listed_skip("wast2json", where)) {
      ++tally.listed_skips;
      continue;
    }
    // wast2json writes text only for `module quote`, which the suite uses for
    // malformed modules; every module checked here is binary.
    if (c.module_type != "binary" || c.filename.empty()) continue;
    std::vector<uint8_t> bytes = read_bytes(dir / c.filename);
    if (must_fail)
      expect_invalid(tally, where, bytes, c.text);
    else
      expect_valid(tally, where, bytes);
  }
  fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Wasm20, SpecSuiteWast2Json, ::testing::ValuesIn(suite_scripts()),
                         [](const auto& info) { return test_name_of(info.param); });

const auto* const printer = ::testing::AddGlobalTestEnvironment(new TallyPrinter(tally));

}  // namespace
}  // namespace flint::test
