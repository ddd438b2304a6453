// Object to shared object: lld's ELF linker (Debian's liblld-19-dev) run in
// this process on temporary files. The object imports no symbol (abi.h), so
// the link only lays out sections and makes the function table dynamic.
//
// In-process because a tiered run waits for it: running ld.lld-19 as a
// subprocess cost 17 ms for a 5 KB object, almost all of it the new
// process mapping and relocating libLLVM, a fifth of a small module's
// whole compile; in this process, whose libLLVM is already mapped, the
// link itself is left.
#include <lld/Common/Driver.h>
#include <llvm/Support/raw_ostream.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <mutex>
#include <utility>

#include "aot/llvm/codegen.h"

LLD_HAS_DRIVER(elf)

namespace flint::aot {

namespace {

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

/// Whether an earlier link left lld unable to run again (it crashed).
bool lld_broken = false;

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
  // -z separate-code: the code starts on a page of its own, not right after
  // the symbols and unwind tables, so a tiered run's compile, whose loop
  // entries add to both, leaves each function where `flint compile` puts
  // it. Moved by 96 bytes (its hot loop across a cache line), fib(44) ran
  // 10% slower tiered than precompiled with the same instructions; placed
  // alike, 1.003x (10 alternating pairs). The kernels' code moved with it:
  // their precompiled runs' geomean 1.005x (7 pairs each).
  std::vector<const char*> args = {
      "ld.lld", "-shared",          "--no-undefined", "-z", "noexecstack",   "-z", "separate-code",
      "-O1",    "--hash-style=gnu", "--eh-frame-hdr", "-o", out.path.c_str()};
  for (const TempFile& in : ins) args.push_back(in.path.c_str());
  std::string diagnostics;
  {
    // lld keeps one linker context per process, so links run one at a
    // time, and it resets LLVM's options (llvm_options_lock).
    std::lock_guard<std::mutex> hold(llvm_options_lock());
    if (lld_broken) return make_error(ErrorCode::Io, "the linker crashed in this process");
    llvm::raw_string_ostream errors(diagnostics);
    llvm::raw_null_ostream output;
    lld::Result linked = lld::lldMain(args, output, errors, {{lld::Gnu, &lld::elf::link}});
    restore_llvm_options();
    lld_broken = !linked.canRunAgain;
    if (linked.retCode != 0) {
      while (!diagnostics.empty() && diagnostics.back() == '\n') diagnostics.pop_back();
      return make_error(ErrorCode::Io, "the linker failed: " + diagnostics);
    }
  }
  std::ifstream f(out.path, std::ios::binary);
  std::vector<uint8_t> shared(std::istreambuf_iterator<char>(f), {});
  if (!f.eof() && !f) return make_error(ErrorCode::Io, "cannot read " + out.path);
  return shared;
}

}  // namespace flint::aot
