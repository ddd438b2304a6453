// `flint wast FILE...`: runs spec scripts and reports per-file pass/fail.
#include <fmt/format.h>

#include "cli/artifact_cache_flag.h"
#include "cli/commands.h"
#include "wast/runner.h"

namespace flint::cli {

namespace {

struct WastOptions {
  std::vector<std::string> files;
  bool strict_messages = false;
  bool show_mismatches = false;
  bool print = false;
  std::string engine = "interp";
  bool no_cache = false;
  bool wasm2 = false;
};

int run_wast(const WastOptions& o) {
  wast::RunnerOptions options;
  options.strict_messages = o.strict_messages;
  options.print_output = o.print ? stdout : nullptr;
  if (o.wasm2) options.config.features = Features::wasm2();
  if (o.engine == "aot") {
    options.config.engine = EngineKind::Aot;
    use_artifact_cache(o.no_cache);
  }
  uint64_t passed = 0, failed = 0, mismatched = 0;
  for (const std::string& file : o.files) {
    wast::FileReport r = wast::run_wast_file(file, options);
    for (const wast::Failure& f : r.failures)
      fmt::print(stderr, "{}:{}: {}\n", file, f.line, f.message);
    if (o.show_mismatches)
      for (const wast::Failure& f : r.mismatches)
        fmt::print(stderr, "{}:{}: message differs: {}\n", file, f.line, f.message);
    fmt::print("{}: {} passed, {} failed{}\n", file, r.passed, r.failed,
               r.message_mismatches
                   ? fmt::format(" ({} with other error words)", r.message_mismatches)
                   : "");
    passed += r.passed;
    failed += r.failed;
    mismatched += r.message_mismatches;
  }
  if (o.files.size() > 1) fmt::print("total: {} passed, {} failed\n", passed, failed);
  return failed == 0 ? kExitOk : kExitError;
}

}  // namespace

void add_wast_command(CLI::App& app, CommandRunner& run) {
  auto options = std::make_shared<WastOptions>();
  CLI::App* cmd = app.add_subcommand("wast", "Run WebAssembly spec test scripts (.wast)");
  cmd->add_option("files", options->files, "Script files")->required()->check(CLI::ExistingFile);
  cmd->add_flag(
      "--strict-messages", options->strict_messages,
      "Count an error in the right phase but with other words than the script's as a failure");
  cmd->add_flag("--show-mismatches", options->show_mismatches,
                "List errors whose words differ from the script's expectation");
  cmd->add_flag("--print", options->print, "Let spectest's print functions write to stdout");
  cmd->add_option("--engine", options->engine,
                  "interp, or aot: compile each module to machine code (needs flint-compile)")
      ->check(CLI::IsMember({"interp", "aot"}));
  cmd->add_flag("--no-cache", options->no_cache, kNoCacheHelp);
  cmd->add_flag("--wasm-2.0", options->wasm2,
                "Decode and validate as WebAssembly 2.0 (one memory, reserved zero bytes where "
                "3.0 has memory indices, no shared memories), as the 2.0 spec scripts expect");
  cmd->callback([&run, options] { run = [options] { return run_wast(*options); }; });
}

}  // namespace flint::cli
