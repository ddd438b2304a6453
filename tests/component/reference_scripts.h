// The component model's reference scripts (../shared/spec-testsuite/
// component-model) for the tests that read them through wasm-tools: where
// they are, whether wasm-tools is there, and upstream's not-yet-implemented
// list.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

namespace flint::testing {

/// The folder of the reference scripts.
inline std::filesystem::path component_suite_dir() {
  return std::filesystem::path(FLINT_SPEC_DIR) / "component-model";
}

/// Whether `wasm-tools` (json-from-wast, parse) can be run.
inline bool have_wasm_tools() { return std::system("wasm-tools --version > /dev/null 2>&1") == 0; }

/// A whole file as text (empty when unreadable).
inline std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// The scripts upstream marks as ahead of every implementation (nyi.txt),
/// as paths relative to the suite folder.
inline std::set<std::string> component_scripts_not_yet_implemented() {
  std::set<std::string> out;
  std::istringstream lines(read_text(component_suite_dir() / "nyi.txt"));
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (line.rfind("./", 0) == 0) line = line.substr(2);
    out.insert(line);
  }
  return out;
}

}  // namespace flint::testing
