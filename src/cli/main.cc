// `flint`: the command-line front end. One subcommand per file in src/cli.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/commands.h"

int main(int argc, char** argv) {
  if (argc > 1 && std::string_view(argv[1]) == "run") return flint::cli::run_main(argc, argv);
  CLI::App app{"Flint: a WebAssembly runtime", "flint"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "flint 0.1.0");

  // Only the subcommand named is registered when there is one: building
  // CLI11's options is a measurable part of `flint run`'s start-up (issue 4).
  // Help, --version and unknown words see every subcommand.
  flint::cli::CommandRunner run;
  std::string_view named = argc > 1 ? argv[1] : "";
  bool known = named == "wast" || named == "compile" || named == "bench" || named == "serve" ||
               named == "up" || named == "build";
  CLI::App* run_command = nullptr;
  if (!known) run_command = flint::cli::add_run_command(app, run);
  if (!known || named == "wast") flint::cli::add_wast_command(app, run);
  if (!known || named == "compile") flint::cli::add_compile_command(app, run);
  if (!known || named == "bench") flint::cli::add_bench_command(app, run, argv[0]);
  if (!known || named == "serve" || named == "up" || named == "build")
    flint::cli::add_serving_commands(app, run, argv[0]);

  // The guest's words follow a "--", so CLI11 takes them as positionals verbatim.
  int own = run_command ? flint::cli::words_for_flint(*run_command, argc, argv) : argc;
  std::vector<std::string> words(argv, argv + own);
  if (own < argc && std::find(words.begin(), words.end(), "--") == words.end()) {
    words.push_back("--");
    words.insert(words.end(), argv + own, argv + argc);
  }
  try {
    std::vector<std::string> reversed(words.rbegin(),
                                      words.rend() - 1);  // CLI11 takes them back to front
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    // CLI11 prints help/version as "errors" with exit code 0.
    int code = app.exit(e);
    return code == 0 ? 0 : flint::cli::kExitError;
  }
  return run ? run() : flint::cli::kExitError;
}
