// The subcommands of `flint`, one file each. Each registers itself on the
// CLI11 app and returns the process exit code when it runs.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace flint::component {
class ComponentLinker;
}  // namespace flint::component
namespace flint::wasip2 {
struct Host;
}  // namespace flint::wasip2

namespace flint::cli {

/// Registers a subcommand; `run` is set to the function that executes it.
using CommandRunner = std::function<int()>;

void add_wast_command(CLI::App& app, CommandRunner& run);
CLI::App* add_run_command(CLI::App& app, CommandRunner& run);
void add_compile_command(CLI::App& app, CommandRunner& run);
/// `flint serve` and `flint up`: registered for help, and run by replacing
/// this process with `flint-serve` beside it (forward_command.cc), which
/// links the HTTP server and the service clients that `flint run` must not
/// load at start-up.
void add_serving_commands(CLI::App& app, CommandRunner& run, const char* argv0);
/// `flint bench`: execs the benchmark program (bench/flintbench) with every
/// word after `bench`; argv0 locates flint itself when /proc is missing.
void add_bench_command(CLI::App& app, CommandRunner& run, const char* argv0);

/// The path of the running executable (/proc/self/exe; argv0 without /proc).
std::string executable_path(const char* argv0);

/// How many of argv's words are flint's own. `flint run` hands every word
/// after the module to the guest untouched (flags included), as `wasmtime
/// run` does, so those words must never reach the option parser; they are
/// passed on as the positional arguments after a "--".
int words_for_flint(const CLI::App& run_command, int argc, char** argv);

/// `flint run MODULE [ARGS...]` where the word after `run` is not a flag:
/// every option of `run` keeps its default (the words after the module are
/// the guest's), so the command runs without building the option parser,
/// which costs more than loading a compiled hello world (issue 4). Returns
/// the exit code, or nullopt when the command line has another shape.
std::optional<int> run_without_option_parser(int argc, char** argv);

/// `flint run`'s whole command line (argv[1] is "run"), as `flint` runs it:
/// the fast path above, else the option parser with only `run` registered.
/// `flint-serve run` runs the same.
int run_main(int argc, char** argv);

/// What an executable that links more than WASI adds to a component's
/// linker before `flint run` instantiates it, over the component's WASI
/// host. `flint` has none: a component importing wasi:http makes it replace
/// itself with `flint-serve run` and the same words, whose hook defines
/// wasi:http (0.2 and 0.3), as `flint serve` does in the same executable.
using ComponentLinkerHook =
    std::function<void(component::ComponentLinker&, const std::shared_ptr<wasip2::Host>&)>;
void set_component_linker_hook(ComponentLinkerHook hook);

/// Replaces this process with `flint-serve SUBCOMMAND WORDS...` beside the
/// running executable; returns only when that fails (with the exit code).
int exec_flint_serve(const std::string& subcommand, const std::vector<std::string>& words,
                     const char* argv0);

/// Exit codes shared by the subcommands.
constexpr int kExitOk = 0;
constexpr int kExitError = 1;   // bad input: unreadable, malformed, invalid, unlinkable
constexpr int kExitTrap = 134;  // a guest trapped (what `wasmtime run` returns)

}  // namespace flint::cli
