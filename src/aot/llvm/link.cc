// Object to shared object: ld.lld (Debian's lld-19) run as a subprocess on
// temporary files. The object imports no symbol (abi.h), so the link only
// lays out sections and makes the function table dynamic.
#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <utility>

#include "aot/llvm/codegen.h"

extern char** environ;

namespace flint::aot {

namespace {

std::string linker_path() {
  if (const char* p = std::getenv("FLINT_LLD")) return p;
  for (const char* p : {"/usr/bin/ld.lld-19", "/usr/lib/llvm-19/bin/ld.lld", "/usr/bin/ld.lld"})
    if (access(p, X_OK) == 0) return p;
  return "ld.lld";
}

struct TempFile {
  std::string path;
  TempFile(const TempFile&) = delete;
  TempFile(TempFile&& other) noexcept : path(std::exchange(other.path, {})) {}
  explicit TempFile(const char* suffix) {
    const char* dir = std::getenv("TMPDIR");
    std::string tmpl = std::string(dir && *dir ? dir : "/tmp") + "/flint-aot-XXXXXX" + suffix;
    int fd = mkstemps(tmpl.data(), int(std::string(suffix).size()));
    if (fd >= 0) {
      close(fd);
      path = tmpl;
    }
  }
  ~TempFile() {
    if (!path.empty()) unlink(path.c_str());
  }
};

}  // namespace

Result<std::vector<uint8_t>> link_shared_object(std::span<const std::vector<uint8_t>> objects) {
  TempFile out(".so");
  std::vector<TempFile> ins;
  ins.reserve(objects.size());
  for (const std::vector<uint8_t>& object : objects) {
    TempFile& in = ins.emplace_back(".o");
    if (in.path.empty())
      return make_error(ErrorCode::Io, "cannot create temporary files for linking");
    std::ofstream f(in.path, std::ios::binary);
    f.write(reinterpret_cast<const char*>(object.data()), std::streamsize(object.size()));
    if (!f) return make_error(ErrorCode::Io, "cannot write " + in.path);
  }
  if (out.path.empty())
    return make_error(ErrorCode::Io, "cannot create temporary files for linking");
  std::string lld = linker_path();
  std::vector<std::string> argv_s = {lld,           "-shared", "--no-undefined",   "-z",
                                     "noexecstack", "-O1",     "--hash-style=gnu", "--eh-frame-hdr",
                                     "-o",          out.path};
  for (const TempFile& in : ins) argv_s.push_back(in.path);
  std::vector<char*> argv;
  for (std::string& s : argv_s) argv.push_back(s.data());
  argv.push_back(nullptr);
  pid_t pid;
  if (posix_spawnp(&pid, lld.c_str(), nullptr, nullptr, argv.data(), environ) != 0)
    return make_error(ErrorCode::Io, "cannot run the linker " + lld + " (install lld-19)");
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return make_error(ErrorCode::Io, fmt::format("the linker {} failed", lld));
  std::ifstream f(out.path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(f), {});
}

}  // namespace flint::aot
