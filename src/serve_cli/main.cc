// `flint-serve`: the serving half of the CLI, which `flint serve` and
// `flint up` replace themselves with (src/cli/forward_command.cc).
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "serve_cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"Flint's HTTP serving: flint serve, flint up, flint build", "flint"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "flint 0.1.0");
  flint::cli::CommandRunner run;
  flint::serve_cli::add_serve_command(app, run);
  flint::serve_cli::add_up_command(app, run);
  flint::serve_cli::add_build_command(app, run, argv[0]);
  flint::serve_cli::add_registry_command(app, run);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : flint::cli::kExitError;
  }
  return run ? run() : flint::cli::kExitError;
}
