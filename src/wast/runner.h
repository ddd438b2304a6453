// Runs WAST scripts (the official spec suite's format) against Flint's engine.
#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "flint/runtime.h"
#include "wast/script.h"

namespace flint::wast {

struct RunnerOptions {
  Config config;
  /// When set, a failure whose phase is right but whose message differs from
  /// the script's expected text counts as a failure; otherwise it is only
  /// counted in FileReport::message_mismatches.
  bool strict_messages = false;
  /// Where spectest's print functions write (nullptr: nowhere).
  std::FILE* print_output = nullptr;
};

struct Failure {
  uint32_t line = 0;
  std::string message;
};

struct FileReport {
  std::string path;
  uint32_t passed = 0;
  uint32_t failed = 0;
  /// Assertions that failed in the right phase with different words.
  uint32_t message_mismatches = 0;
  std::vector<Failure> failures;
  std::vector<Failure> mismatches;
};

/// Reads, parses and runs one .wast file. A script that does not parse is one
/// failure at the place the parser names.
FileReport run_wast_file(const std::string& path, const RunnerOptions& options);

/// Runs an already parsed script; `name` labels the report.
FileReport run_script(const Script& script, const std::string& name, const RunnerOptions& options);

}  // namespace flint::wast
