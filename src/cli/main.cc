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
  // CLI11's options is a measurable part of start-up (issue 4; `run` has
  // its own main). Help, --version and unknown words see every subcommand.
  flint::cli::CommandRunner run;
  std::string_view named = argc > 1 ? argv[1] : "";
  bool known = named == "wast" || named == "compile" || named == "bench" || named == "serve" ||
               named == "up" || named == "build";
  if (!known) flint::cli::add_run_command(app, run);
  if (!known || named == "wast") flint::cli::add_wast_command(app, run);
  if (!known || named == "compile") flint::cli::add_compile_command(app, run);
  if (!known || named == "bench") flint::cli::add_bench_command(app, run, argv[0]);
  if (!known || named == "serve" || named == "up" || named == "build")
    flint::cli::add_serving_commands(app, run, argv[0]);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 prints help/version as "errors" with exit code 0.
    int code = app.exit(e);
    return code == 0 ? 0 : flint::cli::kExitError;
  }
  return run ? run() : flint::cli::kExitError;
}
