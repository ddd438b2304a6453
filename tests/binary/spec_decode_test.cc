// The decoder against the official spec test suite (wasm-2.0/*.wast): wabt's
// wast2json turns each script into its modules; every module the script
// defines, links, instantiates or expects to be invalid must decode, and
// every binary `assert_malformed` module must fail with the expected words.
//
// The reference interpreter's runner accepts an error whose text starts with
// the expected one; Flint aims for equality. The few cases where the suite
// itself writes only a prefix of the reference's message, and the modules
// that wast2json itself encodes wrongly, are listed with their reasons in
// spec_exceptions.txt beside this file.
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

#include "binary/decoder.h"
#include "mini_json.h"
#include "module/opcode.h"

namespace flint {
namespace {

namespace fs = std::filesystem;
using flint::testing::Json;
using flint::testing::JsonParser;

fs::path suite_dir() { return fs::path(FLINT_SPEC_DIR) / "wasm-2.0"; }

std::optional<fs::path> find_wast2json() {
  const char* path = std::getenv("PATH");
  if (!path) return std::nullopt;
  std::stringstream dirs(path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    fs::path candidate = fs::path(dir) / "wast2json";
    std::error_code ec;
    if (!dir.empty() && fs::is_regular_file(candidate, ec) && access(candidate.c_str(), X_OK) == 0)
      return candidate;
  }
  return std::nullopt;
}

std::vector<std::string> wast_stems() {
  std::vector<std::string> stems;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(suite_dir(), ec))
    if (entry.path().extension() == ".wast") stems.push_back(entry.path().stem().string());
  std::sort(stems.begin(), stems.end());
  return stems;
}

bool simd_in_opcode_table() { return opcode_info(opcode_value(0xFD, 0)) != nullptr; }

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<uint8_t> read_bytes(const fs::path& p) {
  std::string s = read_text(p);
  return std::vector<uint8_t>(s.begin(), s.end());
}

// The listed exceptions (see spec_exceptions.txt).
struct Exceptions {
  std::set<std::string> prefix_only;             ///< "file.wast:line"
  std::map<std::string, std::string> artifacts;  ///< "file.wast:line" -> error words
  std::set<std::string> superseded;              ///< "file.wast:line"
};

const Exceptions& exceptions() {
  static const Exceptions list = [] {
    Exceptions e;
    std::ifstream in(fs::path(FLINT_TEST_DATA_DIR) / "spec_exceptions.txt");
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::string kind, where;
      fields >> kind >> where;
      if (kind == "prefix") {
        e.prefix_only.insert(where);
      } else if (kind == "superseded") {
        e.superseded.insert(where);
      } else if (kind == "wabt-artifact") {
        std::string rest;
        std::getline(fields >> std::ws, rest);
        e.artifacts[where] = rest.substr(0, rest.find('|'));
      }
    }
    return e;
  }();
  return list;
}

struct FileOutcome {
  std::string conversion_error;  ///< set when wast2json could not convert the file
  int modules_decoded = 0;
  int modules_skipped = 0;  ///< SIMD modules while the opcode table has no SIMD rows
  int malformed = 0;
  int malformed_exact = 0;
  std::vector<std::string> prefix_only;  ///< "file:line" of prefix-only matches
  std::vector<std::string> failures;
};

FileOutcome run_file(const std::string& stem, const fs::path& tool) {
  FileOutcome out;
  const fs::path work =
      fs::temp_directory_path() / ("flint-binary-spec-" + std::to_string(getpid())) / stem;
  fs::create_directories(work);
  const fs::path json_path = work / (stem + ".json");
  const fs::path log_path = work / "wast2json.log";
  const std::string command = "'" + tool.string() + "' '" +
                              (suite_dir() / (stem + ".wast")).string() + "' -o '" +
                              json_path.string() + "' > '" + log_path.string() + "' 2>&1";
  if (std::system(command.c_str()) != 0) {
    std::string log = read_text(log_path);
    out.conversion_error = log.substr(0, log.find('\n'));
    fs::remove_all(work);
    return out;
  }
  std::optional<Json> script = JsonParser(read_text(json_path)).parse();
  if (!script || !script->get("commands")) {
    out.failures.push_back("unreadable wast2json output");
    fs::remove_all(work);
    return out;
  }
  const bool skip_success = stem.rfind("simd", 0) == 0 && !simd_in_opcode_table();
  for (const Json& cmd : script->get("commands")->array) {
    const std::string filename = cmd.str("filename");
    if (filename.size() < 5 || filename.substr(filename.size() - 5) != ".wasm") continue;
    const std::string type = cmd.str("type");
    const std::string where =
        stem + ".wast:" + std::to_string(int(cmd.get("line") ? cmd.get("line")->number : 0));
    const std::vector<uint8_t> bytes = read_bytes(work / filename);
    Result<Module> decoded = decode_module(bytes, Features::wasm2());
    if (exceptions().superseded.count(where)) continue;
    if (type == "assert_malformed") {
      ++out.malformed;
      const std::string expected = cmd.str("text");
      if (decoded.ok()) {
        out.failures.push_back(where + ": decoded, expected \"" + expected + "\"");
        continue;
      }
      const std::string actual(spec_text(decoded.error().code));
      if (actual == expected) {
        ++out.malformed_exact;
      } else if (actual.rfind(expected, 0) == 0) {
        out.prefix_only.push_back(where);
      } else {
        out.failures.push_back(where + ": expected \"" + expected + "\", got \"" +
                               decoded.error().describe() + "\"");
      }
      continue;
    }
    if (skip_success) {
      ++out.modules_skipped;
      continue;
    }
    if (auto artifact = exceptions().artifacts.find(where);
        artifact != exceptions().artifacts.end()) {
      if (decoded.ok() || spec_text(decoded.error().code) != artifact->second)
        out.failures.push_back(where + ": expected the wabt artifact to fail with \"" +
                               artifact->second + "\"");
      continue;
    }
    if (decoded.ok()) {
      ++out.modules_decoded;
    } else {
      out.failures.push_back(where + " (" + type + "): " + decoded.error().describe());
    }
  }
  fs::remove_all(work);
  return out;
}

class SpecDecode : public ::testing::TestWithParam<std::string> {};

TEST_P(SpecDecode, ModulesDecodeAndMalformedOnesFailWithTheSpecWords) {
  if (!fs::is_directory(suite_dir())) GTEST_SKIP() << "spec suite not found at " << suite_dir();
  auto tool = find_wast2json();
  if (!tool) GTEST_SKIP() << "wast2json (wabt) not on PATH";
  FileOutcome out = run_file(GetParam(), *tool);
  if (!out.conversion_error.empty())
    GTEST_SKIP() << "wast2json cannot convert " << GetParam() << ".wast: " << out.conversion_error;
  for (const std::string& f : out.failures) ADD_FAILURE() << f;
  for (const std::string& p : out.prefix_only)
    EXPECT_TRUE(exceptions().prefix_only.count(p))
        << p << ": error text only starts with the expected words";
  if (out.modules_skipped)
    std::cout << "[ note ] " << out.modules_skipped
              << " SIMD modules not decoded: no SIMD rows in opcodes.def\n";
}

std::string param_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  for (char& c : name)
    if (!isalnum(static_cast<unsigned char>(c))) c = '_';
  return name;
}

std::vector<std::string> params() {
  std::vector<std::string> stems = wast_stems();
  if (stems.empty()) stems.push_back("suite_missing");  // reported as a skip
  return stems;
}

INSTANTIATE_TEST_SUITE_P(Wasm20, SpecDecode, ::testing::ValuesIn(params()), param_name);

// The whole suite at once, for the totals.
TEST(SpecDecodeSummary, AllFiles) {
  if (!fs::is_directory(suite_dir())) GTEST_SKIP() << "spec suite not found at " << suite_dir();
  auto tool = find_wast2json();
  if (!tool) GTEST_SKIP() << "wast2json (wabt) not on PATH";
  int files = 0, decoded = 0, skipped = 0, malformed = 0, exact = 0, prefix = 0, failures = 0;
  std::vector<std::string> unconverted;
  for (const std::string& stem : wast_stems()) {
    FileOutcome out = run_file(stem, *tool);
    if (!out.conversion_error.empty()) {
      unconverted.push_back(stem + ".wast (" + out.conversion_error + ")");
      continue;
    }
    ++files;
    decoded += out.modules_decoded;
    skipped += out.modules_skipped;
    malformed += out.malformed;
    exact += out.malformed_exact;
    prefix += int(out.prefix_only.size());
    failures += int(out.failures.size());
    for (const std::string& p : out.prefix_only)
      EXPECT_TRUE(exceptions().prefix_only.count(p)) << p;
    for (const std::string& f : out.failures) ADD_FAILURE() << f;
  }
  std::cout << "[ spec ] " << files << " files converted; " << decoded << " modules decoded, "
            << skipped << " SIMD modules skipped; binary assert_malformed: " << malformed
            << " rejected, " << exact << " with the exact words, " << prefix
            << " with the expected words as a prefix; " << failures << " failures\n";
  for (const std::string& u : unconverted)
    std::cout << "[ spec ] wast2json cannot convert " << u << "\n";
  EXPECT_GT(decoded, 0);
  EXPECT_GT(malformed, 0);
}

}  // namespace
}  // namespace flint
