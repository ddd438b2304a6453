// `flint-compile MODULE.wasm -o OUT.fwasm`: the ahead-of-time compiler as its
// own executable, the only one linking LLVM. `flint compile` and `flint
// wast/run --engine aot` run it, so `flint` never maps LLVM itself. The
// output is written to a temporary file and renamed, so readers never see a
// partial artifact.
#include <fmt/format.h>
#include <malloc.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <string_view>

#include "aot/llvm/codegen.h"
#include "base/whole_file.h"

#if FLINT_COMPILE_JEMALLOC
/// jemalloc's settings, read at its first allocation: freed pages go back
/// to the kernel a second after they were last used (dirty_decay_ms), and
/// at once rather than lazily (muzzy_decay_ms:0: MADV_FREE pages count as
/// resident until the kernel takes them, and the peak is what a user
/// sees). Five seconds was 2% slower on Go's encoding/json test binary,
/// and no faster with a larger thread cache; the default number of
/// arenas took the same time and memory as one per compiling thread.
extern "C" const char* malloc_conf = "dirty_decay_ms:1000,muzzy_decay_ms:0";

extern "C" int mallctl(const char* name, void* old_value, size_t* old_size, void* new_value,
                       size_t new_size);

/// glibc's heap statistics, which LLVM reads for -time-passes' memory
/// column (Process::GetMallocUsage), answered with jemalloc's: defined
/// here, glibc's malloc.o is not linked in beside jemalloc, whose malloc
/// and free it would define a second time.
extern "C" struct mallinfo2 mallinfo2() {
  struct mallinfo2 info = {};
  uint64_t epoch = 1;  // refreshes the statistics
  size_t size = sizeof(epoch);
  mallctl("epoch", &epoch, &size, &epoch, size);
  size_t allocated = 0;
  size = sizeof(allocated);
  if (mallctl("stats.allocated", &allocated, &size, nullptr, 0) == 0) info.uordblks = allocated;
  return info;
}
#endif

int main(int argc, char** argv) {
  // A compile nobody waits for any more (a tiered run that ended first)
  // ends with the thread that started it, rather than using the cores for
  // minutes. With --parent PID, a parent gone before this request is seen.
  prctl(PR_SET_PDEATHSIG, SIGKILL);
#if !FLINT_COMPILE_JEMALLOC
  // Each partition's LLVM module is freed when its object is out, but
  // glibc keeps freed memory once a large block has raised its trim
  // threshold (up to 64 MiB per arena, and each compiling thread has its
  // own arena). A fixed threshold returns it: the componentize-py module's
  // peak 526 MiB -> 471 MiB, no change in time.
  mallopt(M_TRIM_THRESHOLD, 1 << 20);
#endif
  std::string in, out;
  flint::aot::ArtifactOptions options;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "-o") == 0 && i + 1 < argc)
      out = argv[++i];
    else if (std::strcmp(argv[i], "--fuel") == 0)
      options.fuel = true;
    else if (std::strcmp(argv[i], "--interruptible") == 0)
      options.interruptible = true;
    else if (std::strcmp(argv[i], "--loop-entries") == 0 && i + 1 < argc) {
      std::string_view plan = argv[++i];
      for (char letter : plan) {
        auto form = static_cast<flint::aot::LoopEntry>(letter);
        if (form != flint::aot::LoopEntry::None && form != flint::aot::LoopEntry::Beside &&
            form != flint::aot::LoopEntry::Only) {
          fmt::print(stderr, "flint-compile: --loop-entries: '{}' is not one of -, b, o\n", letter);
          return 2;
        }
        options.loop_entries.push_back(form);
      }
    } else if (std::strcmp(argv[i], "--parent") == 0 && i + 1 < argc) {
      if (getppid() != std::atol(argv[++i])) return 1;
    } else
      in = argv[i];
  }
  if (in.empty() || out.empty()) {
    fmt::print(stderr,
               "usage: flint-compile MODULE.wasm -o OUT.fwasm [--fuel] [--interruptible] "
               "[--loop-entries PLAN] [--parent PID]\n");
    return 2;
  }
  auto wasm = flint::read_whole_file(in);
  if (!wasm) {
    fmt::print(stderr, "flint-compile: {}\n", wasm.error().describe());
    return 1;
  }
  auto artifact = flint::aot::compile_to_artifact(*wasm, options);
  if (!artifact) {
    fmt::print(stderr, "flint-compile: {}: {}\n", in, artifact.error().describe());
    return 1;
  }
  std::string tmp = fmt::format("{}.tmp{}", out, getpid());
  {
    std::ofstream o(tmp, std::ios::binary);
    o.write(reinterpret_cast<const char*>(artifact->data()), std::streamsize(artifact->size()));
    if (!o) {
      fmt::print(stderr, "flint-compile: cannot write {}\n", tmp);
      return 1;
    }
  }
  if (std::rename(tmp.c_str(), out.c_str()) != 0) {
    fmt::print(stderr, "flint-compile: cannot rename {} to {}\n", tmp, out);
    return 1;
  }
  // The artifact is in place: skip the teardown of LLVM's and lld's static
  // state and of this process's memory (3-4 ms that a tiered run, which
  // waits for this process to exit, would spend waiting).
  std::fflush(stderr);
  std::_Exit(0);
}
