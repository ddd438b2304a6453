// `flint build [-f MANIFEST|DIR] [-c COMPONENT]... [--up [UP OPTIONS]]`: runs
// each component's `build.command` from spin.toml in its `workdir` (the
// manifest's directory by default) through /bin/sh, as `spin build` does,
// stopping at the first that fails. With `--up`, `flint up` follows with
// the same manifest and the words after `--up`.
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "serve_cli/commands.h"
#include "spin/manifest.h"

namespace flint::serve_cli {

namespace {

namespace fs = std::filesystem;

struct BuildOptions {
  std::string from = "spin.toml";
  std::vector<std::string> components;
  bool up = false;
  std::vector<std::string> up_words;
};

/// Runs `command` with /bin/sh in `workdir`; its exit status (or -1).
int run_shell(const std::string& command, const std::string& workdir) {
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    if (chdir(workdir.c_str()) != 0) _exit(127);
    execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int build(const BuildOptions& o, const char* self) {
  std::string path = o.from;
  std::error_code ec;
  if (fs::is_directory(path, ec)) path = (fs::path(path) / "spin.toml").string();
  auto manifest = spin::load_manifest(path);
  if (!manifest) {
    fmt::print(stderr, "flint build: error: {}\n", manifest.error().message());
    return cli::kExitError;
  }
  for (const std::string& id : o.components)
    if (!manifest->find_component(id)) {
      fmt::print(stderr, "flint build: error: no component `{}` in {}\n", id, manifest->path);
      return cli::kExitError;
    }
  for (const spin::Component& c : manifest->components) {
    if (!o.components.empty() &&
        std::find(o.components.begin(), o.components.end(), c.id) == o.components.end())
      continue;
    if (!c.build) {
      fmt::print("{}: no build command; skipped\n", c.id);
      continue;
    }
    fmt::print("Building component {} with `{}`\n", c.id, c.build->command);
    std::fflush(stdout);
    int status = run_shell(c.build->command, c.build->workdir);
    if (status != 0) {
      fmt::print(stderr, "flint build: error: component `{}`: `{}` in {} exited with {}\n", c.id,
                 c.build->command, c.build->workdir, status);
      return cli::kExitError;
    }
  }
  fmt::print("Finished building all Spin components\n");
  if (!o.up) return cli::kExitOk;
  std::vector<std::string> args = {self, "up", "--from", manifest->path};
  args.insert(args.end(), o.up_words.begin(), o.up_words.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::fflush(stdout);
  execv(self, argv.data());
  fmt::print(stderr, "flint build: cannot run {} up: {}\n", self, std::strerror(errno));
  return cli::kExitError;
}

}  // namespace

void add_build_command(CLI::App& app, CommandRunner& run, const char* argv0) {
  auto options = std::make_shared<BuildOptions>();
  CLI::App* cmd =
      app.add_subcommand("build", "Build a Spin application's components (as `spin build`)");
  cmd->add_option("-f,--from", options->from,
                  "The application: a spin.toml, or a directory holding one (default: spin.toml)")
      ->type_name("MANIFEST|DIR");
  cmd->add_option("-c,--component-id", options->components, "Build only this component")
      ->type_name("ID")
      ->allow_extra_args(false);
  cmd->add_flag("-u,--up", options->up, "Run the application after building it (flint up)");
  // Words flint build does not know are flint up's (with --up).
  cmd->allow_extras();
  cmd->callback([&run, options, argv0, cmd] {
    options->up_words = cmd->remaining();
    run = [options, self = cli::executable_path(argv0)] {
      if (!options->up && !options->up_words.empty()) {
        fmt::print(stderr, "flint build: error: unexpected `{}` (flint up's options follow --up)\n",
                   options->up_words.front());
        return cli::kExitError;
      }
      return build(*options, self.c_str());
    };
  });
}

}  // namespace flint::serve_cli
