// Helpers for differential tests against wabt (wat2wasm, wast2json), which are
// optional: tests skip when the tools are not installed.
#pragma once

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace flint::text::testing {

inline bool have_tool(const std::string& tool) {
  return std::system((tool + " --version >/dev/null 2>&1").c_str()) == 0;
}

inline std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::vector<uint8_t> read_bytes(const std::filesystem::path& p) {
  std::string s = read_text(p);
  return {s.begin(), s.end()};
}

/// Runs a shell command, returning its exit status and combined output.
inline int run(const std::string& command, std::string* output) {
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  if (p == nullptr) return -1;
  char buf[512];
  while (fgets(buf, sizeof buf, p)) output->append(buf);
  return pclose(p);
}

/// A fresh directory for one test's files, removed with the object.
class TempDir {
 public:
  TempDir() {
    static int counter = 0;
    path_ = std::filesystem::temp_directory_path() /
            ("flint-text-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// The module without its "name" custom section (wat2wasm writes none by default).
inline std::vector<uint8_t> without_name_section(const std::vector<uint8_t>& m) {
  if (m.size() < 8) return m;
  std::vector<uint8_t> out(m.begin(), m.begin() + 8);
  size_t i = 8;
  while (i < m.size()) {
    size_t start = i;
    uint8_t id = m[i++];
    uint64_t size = 0;
    for (unsigned shift = 0; i < m.size(); shift += 7) {
      uint8_t b = m[i++];
      size |= uint64_t{b & 0x7Fu} << shift;
      if (!(b & 0x80)) break;
    }
    size_t end = i + size;
    if (end > m.size()) return m;  // not well-formed: leave it to the caller's comparison
    bool is_name = id == 0 && size >= 5 && m[i] == 4 &&
                   std::string(m.begin() + i + 1, m.begin() + i + 5) == "name";
    if (!is_name) out.insert(out.end(), m.begin() + start, m.begin() + end);
    i = end;
  }
  return out;
}

}  // namespace flint::text::testing
