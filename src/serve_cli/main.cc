// `flint-serve`: the serving half of the CLI, which `flint serve` and
// `flint up` replace themselves with (src/cli/forward_command.cc).
#include <CLI/CLI.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "cli/commands.h"
#include "serve_cli/commands.h"
#include "wasihttp/http03.h"
#include "wasihttp/wasihttp.h"

int main(int argc, char** argv) {
  // `flint run` of a component importing wasi:http: flint's own run, with
  // wasi:http defined as `flint serve` defines it (no outbound host allowed).
  if (argc > 1 && std::string_view(argv[1]) == "run") {
    flint::cli::set_component_linker_hook([](flint::component::ComponentLinker& linker,
                                             const std::shared_ptr<flint::wasip2::Host>& wasi) {
      flint::wasihttp::define_wasihttp(linker, wasi);
      flint::wasihttp::v03::define_http(linker);
    });
    return flint::cli::run_main(argc, argv);
  }
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
