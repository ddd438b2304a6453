// `flint up`: runs a Spin application (spin.toml). Being written (issue 13).
#include "serve_cli/commands.h"

namespace flint::serve_cli {

void add_up_command(CLI::App& app, CommandRunner& run) {
  CLI::App* cmd = app.add_subcommand("up", "Run a Spin application (spin.toml) over HTTP");
  cmd->callback([&run] {
    run = [] {
      std::fputs("flint up: not available yet\n", stderr);
      return cli::kExitError;
    };
  });
}

}  // namespace flint::serve_cli
