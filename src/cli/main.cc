// `flint`: the command-line front end. One subcommand per file in src/cli.
#include <cstdio>

#include <CLI/CLI.hpp>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"Flint: a WebAssembly runtime", "flint"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "flint 0.1.0");

  flint::cli::CommandRunner run;
  flint::cli::add_run_command(app, run);
  flint::cli::add_wast_command(app, run);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 prints help/version as "errors" with exit code 0.
    int code = app.exit(e);
    return code == 0 ? 0 : flint::cli::kExitError;
  }
  return run ? run() : flint::cli::kExitError;
}
