#pragma once
// Running the `flint` executable from a CLI test and collecting what it
// printed (stdout and stderr together) and its exit code.
#include <sys/wait.h>

#include <cstdio>
#include <string>

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

}  // namespace flint::cli_test
