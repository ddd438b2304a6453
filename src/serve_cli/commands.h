// The subcommands of `flint-serve` (what `flint serve` and `flint up` run;
// see src/cli/forward_command.cc for why they are a second executable), one
// file each.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/commands.h"

namespace flint::serve_cli {

using cli::CommandRunner;

/// `flint serve COMPONENT`: serves a wasi:http/incoming-handler component
/// over HTTP/1.1, as `wasmtime serve` does (serve_command.cc).
void add_serve_command(CLI::App& app, CommandRunner& run);

/// `flint up`: runs a Spin application from its spin.toml, as `spin up` does
/// (up_command.cc).
void add_up_command(CLI::App& app, CommandRunner& run);

/// `flint build`: runs the components' build commands from spin.toml, as
/// `spin build` does (build_command.cc); argv0 locates this executable for
/// `--up`.
void add_build_command(CLI::App& app, CommandRunner& run, const char* argv0);

/// `flint registry push|pull|login` and `flint push`: OCI registries, as
/// `spin registry` (registry_command.cc).
void add_registry_command(CLI::App& app, CommandRunner& run);

}  // namespace flint::serve_cli
