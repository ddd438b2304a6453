#pragma once
// Running the `flint` executable from a CLI test and collecting what it
// printed (stdout and stderr together) and its exit code, with a scratch
// directory for the files a test hands it.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace flint::cli_test {

struct RunResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

/// Reads a popen'ed command to its end and closes it.
inline RunResult finish(FILE* pipe) {
  RunResult r;
  if (!pipe) return r;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) r.output.append(buffer, n);
  int status = pclose(pipe);
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  return r;
}

/// Runs `flint ARGS` (the build's executable, FLINT_BINARY) through the
/// shell, stderr joined to stdout.
inline RunResult run_flint(const std::string& args) {
  std::string command = std::string(FLINT_BINARY) + " " + args + " 2>&1";
  return finish(popen(command.c_str(), "r"));
}

/// The AOT compiler next to the build's flint; it exists only where LLVM 19
/// was found at configure time (tests of compiled code skip without it).
inline std::filesystem::path flint_compile_path() {
  return std::filesystem::path(FLINT_BINARY).parent_path() / "flint-compile";
}

/// A directory of one test's own under the system's temporary directory,
/// removed with its contents when the test ends.
struct ScratchDir {
  explicit ScratchDir(const std::string& name)
      : path(std::filesystem::temp_directory_path() / (name + "-" + std::to_string(getpid()))) {
    std::filesystem::create_directories(path);
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  /// Writes `bytes` to the file `name` in the directory; returns its path.
  std::string write(const std::string& name, std::string_view bytes) const {
    std::filesystem::path p = path / name;
    std::ofstream(p, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
    return p.string();
  }
  /// The path of `name` in the directory, which need not exist.
  std::string operator/(const std::string& name) const { return (path / name).string(); }

  std::filesystem::path path;
};

}  // namespace flint::cli_test
