// `flint compile MODULE -o MODULE.fwasm`: compiles a module (binary or text)
// ahead of time into an artifact that `flint run` loads without LLVM. The
// compilation itself runs in the `flint-compile` helper (src/aot/tool), so
// this binary never links LLVM.
#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "aot/aot_module.h"
#include "cli/commands.h"
#include "cli/module_file.h"

namespace flint::cli {

namespace {

struct CompileOptions {
  std::string module;
  std::string output;
  bool fuel = false;
  bool interruptible = false;
};

int run_compile(const CompileOptions& o) {
  auto bytes = load_module_file(o.module);
  if (!bytes) {
    fmt::print(stderr, "flint compile: {}: {}\n", o.module, bytes.error().describe());
    return kExitError;
  }
  // Decode and validate here first, so a bad module reports the spec's words.
  Config config;
  if (auto checked = compile(*bytes, config); !checked) {
    fmt::print(stderr, "flint compile: {}: {}\n", o.module, checked.error().describe());
    return kExitError;
  }
  aot::ArtifactOptions artifact_options;
  artifact_options.fuel = o.fuel;
  artifact_options.interruptible = o.interruptible;
  auto artifact = aot::compile_artifact(*bytes, artifact_options);
  if (!artifact) {
    fmt::print(stderr, "flint compile: {}: {}\n", o.module, artifact.error().describe());
    return kExitError;
  }
  std::string output = o.output.empty() ? o.module + ".fwasm" : o.output;
  std::string tmp = fmt::format("{}.tmp{}", output, getpid());
  {
    std::ofstream out(tmp, std::ios::binary);
    out.write(reinterpret_cast<const char*>(artifact->data()), std::streamsize(artifact->size()));
    if (!out) {
      fmt::print(stderr, "flint compile: cannot write {}\n", tmp);
      return kExitError;
    }
  }
  if (std::rename(tmp.c_str(), output.c_str()) != 0) {
    std::remove(tmp.c_str());
    fmt::print(stderr, "flint compile: cannot write {}\n", output);
    return kExitError;
  }
  return kExitOk;
}

}  // namespace

void add_compile_command(CLI::App& app, CommandRunner& run) {
  auto options = std::make_shared<CompileOptions>();
  CLI::App* cmd =
      app.add_subcommand("compile", "Compile a module ahead of time to native code (.fwasm)");
  cmd->add_option("module", options->module, "Module (.wasm or .wat)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("-o,--output", options->output, "Artifact to write (default: MODULE.fwasm)");
  cmd->add_flag("--fuel", options->fuel,
                "Meter fuel in the compiled code, so `flint run --fuel N` can run it");
  cmd->add_flag(
      "--interruptible", options->interruptible,
      "Check for interruption at function entries and loop heads, so `flint run --timeout` "
      "can stop the compiled code");
  cmd->callback([&run, options] { run = [options] { return run_compile(*options); }; });
}

}  // namespace flint::cli
