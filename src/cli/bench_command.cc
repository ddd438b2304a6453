// `flint bench [ARGS...]`: measures WebAssembly runtimes (Flint among them),
// containers and native code side by side on this machine (issue 6).
//
// The benchmark is a Python program, bench/flintbench, kept out of this
// binary on purpose: what it measures includes Flint's own start-up and
// memory, which must not grow with the benchmark's code. This command only
// finds that program and replaces itself with `python3 -m flintbench
// ARGS...` (FLINT_BENCH_FLINT naming this executable as the flint to
// measure); every word after `bench` is the program's (`flint bench --help`
// prints its options).
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "cli/commands.h"

namespace flint::cli {

namespace {

bool is_file(const std::string& path) { return access(path.c_str(), R_OK) == 0; }

std::string parent_dir(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

// The directory holding the flintbench package: $FLINT_BENCH_DIR, then
// beside the executable (build/flint -> bench/, an install's
// bin/flint -> share/flint/bench/), then the source tree this binary was
// configured from (an out-of-tree build directory).
std::string find_bench_dir(const std::string& self) {
  std::vector<std::string> candidates;
  if (const char* dir = std::getenv("FLINT_BENCH_DIR"); dir && *dir) candidates.emplace_back(dir);
  std::string bin = parent_dir(self);
  candidates.push_back(bin + "/../bench");
  candidates.push_back(bin + "/../share/flint/bench");
#ifdef FLINT_SOURCE_DIR
  candidates.push_back(std::string(FLINT_SOURCE_DIR) + "/bench");
#endif
  for (const auto& dir : candidates) {
    if (is_file(dir + "/flintbench/__main__.py")) return dir;
  }
  return "";
}

int run_bench(const std::vector<std::string>& words, const char* argv0) {
  std::string self = executable_path(argv0);
  std::string bench_dir = find_bench_dir(self);
  if (bench_dir.empty()) {
    fmt::print(stderr,
               "flint bench: cannot find the benchmark program (bench/flintbench) beside {} or in "
               "the source tree; set FLINT_BENCH_DIR to the directory holding flintbench/\n",
               self);
    return kExitError;
  }
  std::string path = bench_dir;
  if (const char* old = std::getenv("PYTHONPATH"); old && *old) path += std::string(":") + old;
  setenv("PYTHONPATH", path.c_str(), 1);
  setenv("FLINT_BENCH_COMMAND", "flint bench", 1);  // how the report names its command
  // This flint is the one measured, unless the user's --flint says otherwise;
  // passed beside the words, so the report's command is the user's.
  setenv("FLINT_BENCH_FLINT", self.c_str(), 1);

  const char* python = std::getenv("FLINT_PYTHON");
  if (!python || !*python) python = "python3";
  std::vector<std::string> args = {python, "-m", "flintbench"};
  args.insert(args.end(), words.begin(), words.end());
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  execvp(python, argv.data());
  fmt::print(stderr, "flint bench: cannot run {}: {} (install Python 3, or set FLINT_PYTHON)\n",
             python, std::strerror(errno));
  return kExitError;
}

}  // namespace

void add_bench_command(CLI::App& app, CommandRunner& run, const char* argv0) {
  CLI::App* cmd = app.add_subcommand(
      "bench",
      "Benchmark WebAssembly runtimes, containers and native code on this machine "
      "(`flint bench --help` for its options)");
  // Every word is the benchmark program's, --help included.
  cmd->set_help_flag();
  cmd->allow_extras();
  cmd->prefix_command();
  cmd->callback([&run, cmd, argv0] {
    run = [words = cmd->remaining(), argv0] { return run_bench(words, argv0); };
  });
}

}  // namespace flint::cli
