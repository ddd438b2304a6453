// Running `flint` and the Wasmtime reference runner from the WASI tests:
// a command with stdin fed from a string, stdout and stderr captured apart,
// and the exit status. Header-only so each *_test.cc stays self-contained.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace flint::wasi_test {

namespace fs = std::filesystem;

struct Outcome {
  int exit_code = -1;  // -1: killed by a signal
  std::string out, err;
  bool operator==(const Outcome&) const = default;
};

inline std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

inline std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Runs `argv` in `cwd` with `input` on stdin and `env_prefix` (e.g.
/// "GREETING=hi ") before it; the shell does the plumbing.
inline Outcome run_command(const std::vector<std::string>& argv, const fs::path& cwd,
                           const std::string& input = {}, const std::string& env_prefix = {}) {
  static int counter = 0;
  fs::path io = fs::temp_directory_path() / ("flint-wasi-io-" + std::to_string(getpid()) + "-" +
                                             std::to_string(counter++));
  fs::create_directories(io);
  std::ofstream(io / "in", std::ios::binary) << input;
  std::string cmd = "cd " + shell_quote(cwd.string()) + " && " + env_prefix;
  for (const std::string& a : argv) cmd += shell_quote(a) + " ";
  cmd += "< " + shell_quote((io / "in").string()) + " > " + shell_quote((io / "out").string()) + " 2> " +
         shell_quote((io / "err").string());
  int status = std::system(cmd.c_str());
  Outcome r;
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  r.out = slurp(io / "out");
  r.err = slurp(io / "err");
  fs::remove_all(io);
  return r;
}

/// True when the Wasmtime reference runner can run (the PyPI package is installed).
inline bool wasmtime_available() {
  return std::system("python3 -c 'import wasmtime' > /dev/null 2>&1") == 0;
}

/// The built guest, or an empty path when its toolchain was missing.
inline fs::path guest(const std::string& relative) {
  fs::path p = fs::path(FLINT_GUESTS_DIR) / relative;
  return fs::exists(p) ? p : fs::path();
}

/// A listing of a directory tree (type, name, size and contents of small
/// files, symlink targets), to compare what two runs left behind.
inline std::string tree_snapshot(const fs::path& root) {
  std::vector<std::string> lines;
  std::error_code ec;
  // Never follow links: the fixtures hold loops and links out of the tree.
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    const fs::path rel = it->path().lexically_relative(root);
    fs::file_status st = it->symlink_status();
    if (fs::is_symlink(st)) lines.push_back("l " + rel.string() + " -> " + fs::read_symlink(it->path()).string());
    else if (fs::is_directory(st)) lines.push_back("d " + rel.string());
    else lines.push_back("f " + rel.string() + " " + slurp(it->path()));
  }
  if (ec) lines.push_back("error: " + ec.message());
  std::sort(lines.begin(), lines.end());
  std::string s;
  for (const std::string& l : lines) s += l + "\n";
  return s;
}

/// A fresh scratch directory removed at the end of the test.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& tag) {
    static int counter = 0;
    path_ = fs::temp_directory_path() /
            ("flint-wasi-" + tag + "-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~ScratchDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

}  // namespace flint::wasi_test
