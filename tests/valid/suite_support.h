// Shared by the two spec-suite validator tests (one reads scripts through
// wabt's wast2json, the other through Flint's own text parser): the list of
// scripts, the skip list, message matching and the running totals.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "binary/decoder.h"
#include "valid/validator.h"

namespace flint::test {

inline const std::filesystem::path kSuiteDir = std::filesystem::path(FLINT_SPEC_DIR) / "wasm-2.0";

/// Totals of one test process, printed at its end.
struct SuiteTally {
  const char* label;
  int invalid_total = 0, invalid_matched = 0, invalid_exact = 0, listed_skips = 0;
  int valid_total = 0, valid_accepted = 0;

  void print() const {
    if (invalid_total + valid_total == 0) return;
    std::cout << "[spec suite via " << label << "] assert_invalid: " << invalid_matched << "/"
              << invalid_total << " rejected with the spec's words (" << invalid_exact
              << " with the reference interpreter's exact message), " << listed_skips
              << " listed in spec_skips.txt; valid modules: " << valid_accepted << "/"
              << valid_total << " accepted\n";
  }
};

/// The scripts' names without ".wast", sorted; one placeholder when the
/// suite is missing so the parametrised test can report the skip.
inline std::vector<std::string> suite_scripts() {
  std::vector<std::string> names;
  if (std::filesystem::exists(kSuiteDir))
    for (const auto& entry : std::filesystem::directory_iterator(kSuiteDir))
      if (entry.path().extension() == ".wast") names.push_back(entry.path().stem().string());
  std::sort(names.begin(), names.end());
  if (names.empty()) names.push_back("suite-missing");
  return names;
}

inline std::string test_name_of(const std::string& script) {
  std::string id = script;
  std::replace(id.begin(), id.end(), '-', '_');
  return id;
}

/// Whether "<file>.wast:<line>" is listed in spec_skips.txt for `reader`
/// ("wast2json" or "flint-text"), the scripts' reader the entry applies to.
inline bool is_listed_skip(const std::string& reader, const std::string& where) {
  static const std::vector<std::string> skips = [] {
    std::vector<std::string> out;
    std::ifstream in(std::filesystem::path(FLINT_TEST_DATA_DIR) / "spec_skips.txt");
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      size_t first = line.find(' ');
      size_t second = line.find(' ', first + 1);
      out.push_back(line.substr(0, second));  // "<reader> <file>.wast:<line>"
    }
    return out;
  }();
  return std::find(skips.begin(), skips.end(), reader + " " + where) != skips.end();
}

/// The reference interpreter may name an index after the spec's words
/// ("unknown global 0"); the words are what must agree.
inline bool message_matches(const Error& e, const std::string& expected) {
  return e.phase() == Phase::Validate && expected.starts_with(spec_text(e.code));
}

/// What the reference interpreter's script runner accepts: the whole
/// message, index included, starts with the expected text.
inline bool message_exact(const Error& e, const std::string& expected) {
  return e.message().starts_with(expected);
}

/// Decodes and validates one module of an assert_invalid command.
inline void expect_invalid(SuiteTally& tally, const std::string& where,
                           const std::vector<uint8_t>& bytes, const std::string& expected) {
  ++tally.invalid_total;
  Result<Module> module = decode_module(bytes, Features::wasm2());
  if (!module.ok()) {
    ADD_FAILURE() << where << ": decoder rejected an invalid (well-formed) module: "
                  << module.error().describe() << " (expected \"" << expected << "\")";
    return;
  }
  Status s = validate(*module, Features::wasm2());
  if (s.ok()) {
    ADD_FAILURE() << where << ": accepted, expected \"" << expected << "\"";
  } else if (!message_matches(s.error(), expected)) {
    ADD_FAILURE() << where << ": expected \"" << expected << "\", got " << s.error().describe();
  } else {
    ++tally.invalid_matched;
    if (message_exact(s.error(), expected))
      ++tally.invalid_exact;
    else
      std::cout << where << ": expected \"" << expected << "\", message is \""
                << s.error().message() << "\"\n";
  }
}

/// Decodes and validates a module the script uses as valid.
inline void expect_valid(SuiteTally& tally, const std::string& where,
                         const std::vector<uint8_t>& bytes) {
  ++tally.valid_total;
  Result<Module> module = decode_module(bytes, Features::wasm2());
  if (!module.ok()) {
    ADD_FAILURE() << where << ": decoder rejected a valid module: " << module.error().describe();
    return;
  }
  Status s = validate(*module, Features::wasm2());
  if (s.ok())
    ++tally.valid_accepted;
  else
    ADD_FAILURE() << where << ": rejected a valid module: " << s.error().describe();
}

class TallyPrinter : public ::testing::Environment {
 public:
  explicit TallyPrinter(const SuiteTally& tally) : tally_(tally) {}
  void TearDown() override { tally_.print(); }

 private:
  const SuiteTally& tally_;
};

}  // namespace flint::test
