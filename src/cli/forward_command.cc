// `flint serve`, `flint up`, `flint build`, `flint registry` and `flint push` run in a second
// executable, `flint-serve`, installed beside `flint`. Why: serving links Boost.Asio, libcurl,
// SQLite and the clients of Redis, PostgreSQL, MySQL and MQTT, which are shared libraries on
// Debian; `flint` itself is a static executable whose start-up is measured in microseconds (issue
// 4) and must not load any of them. The user sees one command: these subcommands replace this
// process with `flint-serve SUBCOMMAND ARGS...`, which parses the words itself
// (`flint up --help` prints its options).
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "cli/commands.h"

namespace flint::cli {

std::string executable_path(const char* argv0) {
  char self[4096];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return argv0;
  self[n] = '\0';
  return self;
}

int exec_flint_serve(const std::string& subcommand, const std::vector<std::string>& words,
                     const char* argv0) {
  std::string self = executable_path(argv0);
  auto slash = self.rfind('/');
  std::string program =
      (slash == std::string::npos ? std::string(".") : self.substr(0, slash)) + "/flint-serve";
  std::vector<std::string> args = {program, subcommand};
  args.insert(args.end(), words.begin(), words.end());
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  execv(program.c_str(), argv.data());
  fmt::print(stderr, "flint {}: cannot run {}: {} (it is built and installed beside flint)\n",
             subcommand, program, std::strerror(errno));
  return kExitError;
}

namespace {

void add_forwarded(CLI::App& app, CommandRunner& run, const char* argv0, const std::string& name,
                   const std::string& description) {
  CLI::App* cmd = app.add_subcommand(name, description);
  // Every word is flint-serve's, --help included.
  cmd->set_help_flag();
  cmd->allow_extras();
  cmd->prefix_command();
  cmd->callback([&run, cmd, argv0, name] {
    run = [words = cmd->remaining(), argv0, name] { return exec_flint_serve(name, words, argv0); };
  });
}

}  // namespace

void add_serving_commands(CLI::App& app, CommandRunner& run, const char* argv0) {
  add_forwarded(app, run, argv0, "serve",
                "Serve a wasi:http/incoming-handler component over HTTP (as `wasmtime serve`)");
  add_forwarded(app, run, argv0, "up",
                "Run a Spin application (spin.toml) over HTTP (as `spin up`)");
  add_forwarded(app, run, argv0, "build",
                "Build a Spin application's components (as `spin build`)");
  add_forwarded(app, run, argv0, "registry",
                "Push, pull and log in to OCI registries (as `spin registry`)");
  add_forwarded(app, run, argv0, "push", "Push an app or a wasm file (flint registry push)");
}

}  // namespace flint::cli
