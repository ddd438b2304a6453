#include "aot/aot_module.h"

#include <fmt/format.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string_view>

#include "aot/aot_instance.h"
#include "aot/artifact.h"
#include "aot/artifact_cache.h"
#include "aot/backtrace.h"
#include "aot/module_shape.h"
#include "binary/decoder.h"

extern char** environ;

namespace flint::aot {

Result<std::shared_ptr<AotModule>> AotModule::load(std::span<const uint8_t> bytes,
                                                   const Config& config) {
  FLINT_ASSIGN(ArtifactView artifact, decode_artifact_view(bytes));
  // Code without metering would run unbounded: refuse it rather than ignore the budget.
  if (config.fuel && !artifact.header.fuel)
    return make_error(ErrorCode::BadArtifact,
                      "compiled without fuel metering, and fuel was requested: recompile with "
                      "`flint compile --fuel`");
  if (config.interruptible && !artifact.header.interruptible)
    return make_error(
        ErrorCode::BadArtifact,
        "compiled without interruption checks, and a deadline was requested: recompile "
        "with `flint compile --interruptible`");
  FLINT_ASSIGN(std::vector<uint8_t> shape, without_function_bodies(artifact.wasm));
  FLINT_ASSIGN(Module module, decode_module(shape));
  std::shared_ptr<AotModule> m(new AotModule());
  // Not validated again: the checksum shows these are the bytes
  // flint-compile validated before generating code, and the artifact is
  // trusted as a whole anyway (its machine code runs as is: load_precompiled
  // is the caller's explicit choice). Skipping it is a third of the
  // start-up of `flint run MODULE.fwasm` (issue 4).
  m->validated_ = ValidatedModule::trusted(std::move(module));

  // Mapped by Flint itself, not dlopen (code_image.h says why).
  FLINT_ASSIGN(m->code_, CodeImage::load(artifact.shared_object));
  m->table_ = static_cast<const void* const*>(m->code_.symbol(kTableSymbol));
  if (!m->table_ && !m->module().functions.empty())
    return make_error(ErrorCode::BadArtifact, "its code has no function table");
  // Where each function's code starts, so trap backtraces can name frames.
  CodeMap map;
  map.module = &m->module();
  for (uint32_t d = 0; d < m->module().functions.size(); ++d) {
    const void* const* row = m->table_ + kTableStride * d;
    // A loop entry's frames are its function's, whose own code may be only
    // a wrapper that calls it (abi.h, kFunctionStart).
    bool wraps_loop_entry = row[3] != nullptr;
    map.starts.emplace_back(
        reinterpret_cast<uintptr_t>(row[0]),
        wraps_loop_entry ? CodeMap::kEntryWrapper : m->module().imported_functions + d);
    map.starts.emplace_back(reinterpret_cast<uintptr_t>(row[1]), CodeMap::kEntryWrapper);
    if (row[2])
      map.starts.emplace_back(reinterpret_cast<uintptr_t>(row[2]),
                              m->module().imported_functions + d);
  }
  map.begin = m->code_.code_begin();
  map.end = m->code_.code_end();
  if (!artifact.code_locations.empty()) {
    m->locations_ = std::make_unique<LazyCodeLocations>(
        std::vector<uint8_t>(artifact.code_locations.begin(), artifact.code_locations.end()));
    map.load_address = m->code_.load_address();
    map.locations = m->locations_.get();
  }
  register_code(m.get(), std::move(map));
  return m;
}

AotModule::~AotModule() { unregister_code(this); }

LoopEntryCode AotModule::loop_entry(uint32_t defined) const {
  if (defined >= module().functions.size()) return nullptr;
  return reinterpret_cast<LoopEntryCode>(const_cast<void*>(table_[kTableStride * defined + 2]));
}

Status AotModule::prepare_instance(InstanceImpl& instance, ExecutionState& exec) const {
  const Module& m = module();
  auto state = std::make_shared<AotInstance>();
  state->module = std::static_pointer_cast<const AotModule>(shared_from_this());
  state->exec = &exec;
  for (MemoryInst* mem : instance.memories) {
    // Compiled code relies on the guard region instead of bounds checks.
    if (!mem->guarded())
      return make_error(
          ErrorCode::OutOfMemory,
          "compiled code needs the full 8 GiB reservation of its memory (ulimit -v?)");
    state->mem_bases.push_back(mem->base);
  }
  if (!state->mem_bases.empty()) {
    state->ctx.mem_base = state->mem_bases[0];
    state->ctx.mem_bases = state->mem_bases.data();  // never resized again
  }
  state->ctx.globals = instance.globals.data();
  state->ctx.funcs = instance.funcs.data();
  state->ctx.type_ids = validated_->type_ids().data();
  state->ctx.helpers = &kHelpers;
  state->ctx.instance = &instance;
  state->ctx.fuel = &exec.fuel;
  state->ctx.interrupted = reinterpret_cast<const uint32_t*>(&exec.interrupted);
  state->own.resize(m.function_count());  // never resized again: natives point into it
  for (uint32_t i = 0; i < m.function_count(); ++i) {
    FuncInst* f = instance.funcs[i];
    NativeFunc& native = state->own[i];
    native.func = f;
    if (i >= m.imported_functions) {
      uint32_t d = i - m.imported_functions;
      const void* const* row = table_ + kTableStride * d;
      native.code = row[0];
      native.entry =
          reinterpret_cast<void (*)(void*, uint64_t*, const void*)>(const_cast<void*>(row[1]));
      native.loop_entry = reinterpret_cast<LoopEntryCode>(const_cast<void*>(row[2]));
      native.ctx = &state->ctx;
      f->entry = call_compiled;
      f->code = EngineCode{&aot::engine(), &native};
    } else if (f->entry == call_compiled) {
      // An import compiled too: called straight in its own instance's context.
      state->natives.push_back(static_cast<const NativeFunc*>(f->code.code));
      continue;
    }
    state->natives.push_back(&native);
  }
  state->ctx.natives = state->natives.data();
  instance.engine_state = std::move(state);
  return {};
}

namespace {

class AotEngine final : public Engine {
 public:
  EngineKind kind() const override { return EngineKind::Aot; }
  Result<std::shared_ptr<const EngineModule>> compile(std::span<const uint8_t> wasm,
                                                      std::shared_ptr<const ValidatedModule>,
                                                      const Config& config) const override {
    ArtifactOptions options;
    options.fuel = config.fuel.has_value();
    options.interruptible = config.interruptible;
    // Through the cache, if one is installed.
    FLINT_ASSIGN(std::vector<uint8_t> artifact, obtain_artifact(wasm, options));
    FLINT_ASSIGN(std::shared_ptr<AotModule> compiled, AotModule::load(artifact, config));
    return std::shared_ptr<const EngineModule>(std::move(compiled));
  }
};

}  // namespace

const Engine& engine() {
  static const AotEngine instance;
  return instance;
}

// ---- compiling through the helper process --------------------------------

namespace {
std::atomic<InProcessCompiler> in_process{nullptr};
}  // namespace

// Defined in an installed Flint's embedder by its CMake package
// (cmake/FlintConfig.cmake.in): <prefix>/bin/flint-compile.
extern "C" [[gnu::weak]] const char* const flint_installed_compile_path;

std::string compiler_path() {
  if (const char* p = std::getenv("FLINT_COMPILE")) return p;
  char self[4096];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n > 0) {
    std::string dir(self, size_t(n));
    dir = dir.substr(0, dir.rfind('/'));
    std::string beside = dir + "/flint-compile";
    if (access(beside.c_str(), X_OK) == 0) return beside;
  }
  if (&flint_installed_compile_path) return flint_installed_compile_path;
#ifdef FLINT_COMPILE_PATH
  return FLINT_COMPILE_PATH;
#else
  return "flint-compile";
#endif
}

bool compiler_available() {
  if (has_in_process_compiler()) return true;
  std::string tool = compiler_path();
  if (tool.find('/') != std::string::npos) return access(tool.c_str(), X_OK) == 0;
  const char* path = std::getenv("PATH");
  std::string_view dirs = path ? path : "";
  while (!dirs.empty()) {
    size_t colon = dirs.find(':');
    std::string dir(dirs.substr(0, colon));
    dirs = colon == std::string_view::npos ? std::string_view() : dirs.substr(colon + 1);
    if (!dir.empty() && access((dir + "/" + tool).c_str(), X_OK) == 0) return true;
  }
  return false;
}

bool has_in_process_compiler() { return in_process.load() != nullptr; }

void set_in_process_compiler(InProcessCompiler compiler) { in_process = compiler; }

Result<std::vector<uint8_t>> compile_artifact(std::span<const uint8_t> wasm,
                                              const ArtifactOptions& options) {
  if (InProcessCompiler c = in_process.load()) return c(wasm, options);
  // The module goes to the compiler as an anonymous file (its descriptor 3)
  // and the artifact comes back in a temporary file: if this process ends
  // first (a tiered run that finished), nothing is left behind but, for the
  // moment the compiler writes it, the artifact.
  int input = memfd_create("flint-compile-input", MFD_CLOEXEC);
  if (input < 0) return make_error(ErrorCode::Io, "cannot create the compiler's input");
  for (size_t done = 0; done < wasm.size();) {
    ssize_t n = write(input, wasm.data() + done, wasm.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      close(input);
      return make_error(ErrorCode::Io, "cannot write the compiler's input");
    }
    done += size_t(n);
  }
  const char* dir = std::getenv("TMPDIR");
  std::string base = std::string(dir && *dir ? dir : "/tmp") + "/flint-compile-XXXXXX";
  int fd = mkstemp(base.data());
  if (fd < 0) {
    close(input);
    return make_error(ErrorCode::Io, "cannot create a temporary file");
  }
  close(fd);
  unlink(base.c_str());  // only its unique name is used
  std::string out = base + ".fwasm";
  std::string tool = compiler_path();
  std::vector<std::string> argv_s = {tool, "/dev/fd/3", "-o",
                                     out,  "--parent",  std::to_string(getpid())};
  if (options.fuel) argv_s.push_back("--fuel");
  if (options.interruptible) argv_s.push_back("--interruptible");
  // One letter per function, in one argument (Linux takes 128 KiB at most):
  // a module of more functions than fit gets no loop entries.
  constexpr size_t kLongestArgument = 100'000;
  if (!options.loop_entries.empty() && options.loop_entries.size() <= kLongestArgument) {
    argv_s.push_back("--loop-entries");
    argv_s.emplace_back(reinterpret_cast<const char*>(options.loop_entries.data()),
                        options.loop_entries.size());
  }
  std::vector<char*> argv;
  for (std::string& s : argv_s) argv.push_back(s.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, input, 3);
  pid_t pid;
  int status = 0;
  bool spawned = posix_spawnp(&pid, tool.c_str(), &actions, nullptr, argv.data(), environ) == 0;
  posix_spawn_file_actions_destroy(&actions);
  close(input);
  if (spawned)
    while (waitpid(pid, &status, 0) < 0) {
    }
  std::ifstream f(out, std::ios::binary);
  std::vector<uint8_t> artifact((std::istreambuf_iterator<char>(f)), {});
  unlink(out.c_str());
  if (!spawned)
    return make_error(ErrorCode::Usage,
                      "the AOT compiler " + tool + " is not installed (use --engine interp)");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return make_error(ErrorCode::Usage, "the AOT compiler failed on this module");
  return artifact;
}

}  // namespace flint::aot
