// The validator against the official spec suite (wasm-2.0/*.wast): wabt's
// wast2json extracts each script's modules as binaries; Flint's decoder reads
// them and the validator must
//   - reject every `assert_invalid` module with the expected message, and
//   - accept every module of `module`, `assert_uninstantiable` (assert_trap
//     on a module) and `assert_unlinkable` commands.
// The suite or wast2json being absent skips the test with a message. The
// binary also prints a summary of how many expected messages matched.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "binary/decoder.h"
#include "valid/validator.h"

namespace flint::test {
namespace {

namespace fs = std::filesystem;

const fs::path kSuite = fs::path(FLINT_SPEC_DIR) / "wasm-2.0";

struct Tally {
  int invalid_total = 0, invalid_matched = 0, invalid_text_skipped = 0, listed_skips = 0;
  int valid_total = 0, valid_accepted = 0;
} tally;

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

// "<file>.wast:<line>" of the commands listed in spec_skips.txt.
const std::vector<std::string>& listed_skips() {
  static const std::vector<std::string> skips = [] {
    std::vector<std::string> out;
    std::ifstream in(fs::path(__FILE__).parent_path() / "spec_skips.txt");
    std::string line;
    while (std::getline(in, line))
      if (!line.empty() && line[0] != '#') out.push_back(line.substr(0, line.find(' ')));
    return out;
  }();
  return skips;
}

bool is_listed_skip(const std::string& where) {
  const auto& skips = listed_skips();
  return std::find(skips.begin(), skips.end(), where) != skips.end();
}

bool have_wast2json() { return std::system("wast2json --version >/dev/null 2>&1") == 0; }

// The reference interpreter's messages may name an index after the words
// ("unknown global 0"); the spec's words are what must agree.
bool message_matches(const Error& e, const std::string& expected) {
  return e.phase() == Phase::Validate && expected.starts_with(spec_text(e.code));
}

class SpecSuite : public ::testing::TestWithParam<std::string> {};

TEST_P(SpecSuite, Validation) {
  const std::string name = GetParam();
  if (!fs::exists(kSuite)) GTEST_SKIP() << "spec suite not found at " << kSuite;
  if (!have_wast2json()) GTEST_SKIP() << "wast2json (wabt) not installed";
  if (name.starts_with("simd_") && !opcode_by_text("v128.const"))
    GTEST_SKIP() << "the opcode table has no SIMD rows yet";

  fs::path dir = fs::temp_directory_path() / ("flint-valid-" + std::to_string(getpid())) / name;
  fs::create_directories(dir);
  std::string cmd = "wast2json --enable-all '" + (kSuite / (name + ".wast")).string() +
                    "' -o '" + (dir / (name + ".json")).string() + "' >/dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) GTEST_SKIP() << "wast2json cannot read " << name << ".wast";

  for (const Command& c : read_commands(dir / (name + ".json"))) {
    bool must_fail = c.type == "assert_invalid";
    bool must_pass = c.type == "module" || c.type == "assert_uninstantiable" ||
                     c.type == "assert_unlinkable";
    if (!must_fail && !must_pass) continue;
    std::string where = name + ".wast:" + std::to_string(c.line);
    if (is_listed_skip(where)) {
      ++tally.listed_skips;
      continue;
    }
    if (c.module_type != "binary" || c.filename.empty()) {
      if (must_fail) ++tally.invalid_text_skipped;
      continue;
    }
    std::vector<uint8_t> bytes = read_bytes(dir / c.filename);
    Result<Module> module = decode_module(bytes);
    if (must_fail) {
      ++tally.invalid_total;
      if (!module.ok()) {
        ADD_FAILURE() << where << ": decoder rejected an invalid (well-formed) module: "
                      << module.error().describe() << " (expected \"" << c.text << "\")";
        continue;
      }
      Status s = validate(*module);
      if (s.ok()) {
        ADD_FAILURE() << where << ": accepted, expected \"" << c.text << "\"";
      } else if (!message_matches(s.error(), c.text)) {
        ADD_FAILURE() << where << ": expected \"" << c.text << "\", got "
                      << s.error().describe();
      } else {
        ++tally.invalid_matched;
      }
    } else {
      ++tally.valid_total;
      if (!module.ok()) {
        ADD_FAILURE() << where << ": decoder rejected a valid module: "
                      << module.error().describe();
        continue;
      }
      Status s = validate(*module);
      if (s.ok()) ++tally.valid_accepted;
      else ADD_FAILURE() << where << ": rejected a valid module: " << s.error().describe();
    }
  }
  fs::remove_all(dir);
}

std::vector<std::string> wast_files() {
  std::vector<std::string> names;
  if (fs::exists(kSuite))
    for (const auto& entry : fs::directory_iterator(kSuite))
      if (entry.path().extension() == ".wast") names.push_back(entry.path().stem().string());
  std::sort(names.begin(), names.end());
  if (names.empty()) names.push_back("suite-missing");
  return names;
}

INSTANTIATE_TEST_SUITE_P(Wasm20, SpecSuite, ::testing::ValuesIn(wast_files()),
                         [](const auto& info) {
                           std::string id = info.param;
                           std::replace(id.begin(), id.end(), '-', '_');
                           return id;
                         });

// Prints the totals when the whole suite ran in one process.
class SummaryPrinter : public ::testing::Environment {
 public:
  void TearDown() override {
    if (tally.invalid_total + tally.valid_total == 0) return;
    std::cout << "[spec suite] assert_invalid: " << tally.invalid_matched << "/"
              << tally.invalid_total << " rejected with the expected message ("
              << tally.invalid_text_skipped << " text-only skipped); "
              << tally.listed_skips << " listed in spec_skips.txt; valid modules: "
              << tally.valid_accepted << "/" << tally.valid_total << " accepted\n";
  }
};
const auto* const summary = ::testing::AddGlobalTestEnvironment(new SummaryPrinter);

}  // namespace
}  // namespace flint::test
