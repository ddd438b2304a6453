// Building WASI 0.2 components for the tests at test time: a C program
// compiled by clang with Debian's wasi-libc (as guests/c is), then wrapped
// by `wasm-tools component new` with Wasmtime's preview-1 command adapter,
// which is what makes a preview-1 program a WASI 0.2 component. Running one
// in-process over define_wasip2, with its stdout and stderr captured.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>

#include "component_runtime/compiled_component.h"
#include "component_runtime/instantiate.h"
#include "wasip2/wasip2.h"

namespace flint::wasip2_test {

namespace fs = std::filesystem;

inline std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// The preview-1 command adapter: $FLINT_WASI_ADAPTER, or where
/// scripts/fetch-wasi-adapters.sh puts it ($FLINT_DEPS_DIR or
/// ~/.cache/flint-deps, then adapters/). Empty when absent.
inline fs::path adapter() {
  std::vector<fs::path> candidates;
  if (const char* p = std::getenv("FLINT_WASI_ADAPTER")) candidates.emplace_back(p);
  const char* deps = std::getenv("FLINT_DEPS_DIR");
  const char* home = std::getenv("HOME");
  fs::path base = deps ? fs::path(deps) : home ? fs::path(home) / ".cache/flint-deps" : fs::path();
  if (!base.empty()) candidates.push_back(base / "adapters/wasi_snapshot_preview1.command.wasm");
  for (const fs::path& c : candidates)
    if (fs::exists(c)) return c;
  return {};
}

/// Why components cannot be built here, or empty when they can.
inline std::string missing_toolchain() {
  if (std::system("clang-19 --version > /dev/null 2>&1") != 0) return "clang-19 not found";
  if (!fs::exists("/usr/include/wasm32-wasi/stdio.h"))
    return "wasi-libc not installed (apt install wasi-libc libclang-rt-19-dev-wasm32)";
  if (std::system("wasm-tools --version > /dev/null 2>&1") != 0) return "wasm-tools not found";
  if (adapter().empty())
    return "no preview-1 command adapter (run scripts/fetch-wasi-adapters.sh or set "
           "FLINT_WASI_ADAPTER)";
  return {};
}

/// A scratch directory for this test process, removed when it exits.
inline fs::path scratch() {
  struct Dir {
    fs::path path = fs::temp_directory_path() / ("flint-wasip2-" + std::to_string(getpid()));
    Dir() { fs::create_directories(path); }
    ~Dir() {
      std::error_code ignored;
      fs::remove_all(path, ignored);
    }
  };
  static Dir dir;
  return dir.path;
}

/// The core module of `c_source` (compiled once per name), or an empty path
/// with `error` set.
inline fs::path core_module(const std::string& name, const std::string& c_source,
                            std::string& error) {
  fs::path src = scratch() / (name + ".c"), out = scratch() / (name + ".wasm");
  if (fs::exists(out)) return out;
  std::ofstream(src) << c_source;
  std::string cmd = "clang-19 --target=wasm32-wasi --sysroot=/usr -O2 -o " + out.string() + " " +
                    src.string() + " 2>" + (scratch() / (name + ".log")).string();
  if (std::system(cmd.c_str()) != 0) {
    error = "clang failed: " + read_file(scratch() / (name + ".log"));
    return {};
  }
  return out;
}

/// The component of `c_source`, built once per name.
inline fs::path component(const std::string& name, const std::string& c_source,
                          std::string& error) {
  fs::path out = scratch() / (name + ".component.wasm");
  if (fs::exists(out)) return out;
  fs::path core = core_module(name, c_source, error);
  if (core.empty()) return {};
  std::string cmd = "wasm-tools component new " + core.string() +
                    " --adapt wasi_snapshot_preview1=" + adapter().string() + " -o " +
                    out.string() + " 2>" + (scratch() / (name + ".log")).string();
  if (std::system(cmd.c_str()) != 0) {
    error = "wasm-tools failed: " + read_file(scratch() / (name + ".log"));
    return {};
  }
  return out;
}

struct RunOutcome {
  std::optional<int> exit_code;  ///< nullopt: trapped or failed to link (see `error`)
  std::string out, err;
  std::optional<Error> error;
};

/// Runs the component at `path` in-process with WASI 0.2 over `options`.
/// Stdout and stderr go to files: the host takes its duplicates of fds 1
/// and 2 when the context is made, so they are redirected only then.
inline RunOutcome run(const fs::path& path, wasi::WasiOptions options) {
  RunOutcome r;
  std::string bytes = read_file(path);
  auto compiled = component::CompiledComponent::compile({bytes.begin(), bytes.end()});
  if (!compiled) {
    r.error = compiled.error();
    return r;
  }
  fs::path out = scratch() / "stdout", err = scratch() / "stderr";
  int out_fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  int err_fd = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  fflush(stdout);
  fflush(stderr);
  int saved_out = dup(1), saved_err = dup(2);
  dup2(out_fd, 1);
  dup2(err_fd, 2);
  auto ctx = wasi::WasiContext::create(std::move(options));
  dup2(saved_out, 1);
  dup2(saved_err, 2);
  for (int fd : {out_fd, err_fd, saved_out, saved_err}) close(fd);
  if (!ctx) {
    r.error = ctx.error();
    return r;
  }
  Store store;
  component::ComponentLinker linker;
  auto host = wasip2::define_wasip2(linker, *ctx);
  auto instance = component::instantiate(store, *compiled, linker);
  if (!instance) {
    r.error = instance.error();
  } else if (auto run = wasip2::find_run(**instance); !run) {
    r.error = run.error();
  } else {
    auto result = (*run)->call(store, {});
    r.exit_code = wasip2::exit_status(*host, result);
    if (!r.exit_code) r.error = result.error();
  }
  r.out = read_file(out);
  r.err = read_file(err);
  return r;
}

}  // namespace flint::wasip2_test

/// Skips the test when components cannot be built here.
#define WASIP2_REQUIRE_TOOLCHAIN()                                                 \
  do {                                                                             \
    if (std::string why = ::flint::wasip2_test::missing_toolchain(); !why.empty()) \
      GTEST_SKIP() << "WASI 0.2 components cannot be built: " << why;              \
  } while (0)
