// `flint run [OPTIONS] MODULE [ARGS...]`: instantiates a module and runs it,
// or with --invoke calls one export with typed arguments and prints its
// results, one per line (the conventions of `wasmtime run`).
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/invoke_args.h"
#include "cli/module_file.h"
#include "flint/runtime.h"
#include "module/module.h"

namespace flint::cli {

namespace {

struct RunOptions {
  std::string module;
  std::string invoke;
  std::vector<std::string> args;
  std::optional<uint64_t> fuel;
  std::optional<uint64_t> max_memory_pages;
};

int report_error(const std::string& path, const Error& error) {
  fmt::print(stderr, "flint: error: {}: {}\n", path, error.describe());
  return kExitError;
}

int report_trap(const std::string& path, const Error& error, const Store& store) {
  fmt::print(stderr, "flint: {} in {}: {}\n", phase_name(error.phase()), path, error.message());
  const auto& frames = store.last_backtrace();
  if (!frames.empty()) fmt::print(stderr, "wasm backtrace:\n");
  for (size_t i = 0; i < frames.size(); ++i) {
    const BacktraceFrame& f = frames[i];
    std::string where = f.offset ? fmt::format("{:#8x}", *f.offset) : std::string(8, ' ');
    std::string name = f.name.empty() ? fmt::format("<function {}>", f.function) : f.name;
    fmt::print(stderr, "  {:>3}: {} - {}\n", i, where, name);
  }
  return kExitTrap;
}

int run_module(const RunOptions& o) {
  auto bytes = load_module_file(o.module);
  if (!bytes) return report_error(o.module, bytes.error());
  Config config;
  config.fuel = o.fuel;
  config.max_memory_pages = o.max_memory_pages;
  auto compiled = compile(*bytes, config);
  if (!compiled) return report_error(o.module, compiled.error());

  Store store(config);
  Linker linker;
  auto instance = linker.instantiate(store, **compiled);
  if (!instance) {
    if (instance.error().phase() == Phase::Trap || instance.error().phase() == Phase::Exhaustion)
      return report_trap(o.module, instance.error(), store);
    return report_error(o.module, instance.error());
  }

  std::string entry = o.invoke.empty() ? "_start" : o.invoke;
  std::optional<Extern> func = (*instance)->find_export(entry);
  if (!func || func->kind != ExternKind::Func) {
    if (o.invoke.empty()) return kExitOk;  // a module with no entry point ran its start function
    return report_error(o.module, make_error(ErrorCode::Usage,
                                             fmt::format("no exported function \"{}\"", entry)));
  }
  FuncType type = store.func_type(*func);
  if (o.args.size() != type.params.size())
    return report_error(o.module, make_error(ErrorCode::Usage,
                                             fmt::format("\"{}\" takes {} arguments {}, {} given", entry,
                                                         type.params.size(), to_string(type),
                                                         o.args.size())));
  std::vector<Value> args;
  for (size_t i = 0; i < o.args.size(); ++i) {
    auto v = parse_argument(o.args[i], type.params[i]);
    if (!v) return report_error(o.module, v.error());
    args.push_back(*v);
  }
  auto results = store.call(*func, args);
  if (!results) return report_trap(o.module, results.error(), store);
  for (const Value& v : *results) fmt::print("{}\n", format_result(v));
  return kExitOk;
}

}  // namespace

void add_run_command(CLI::App& app, CommandRunner& run) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* cmd = app.add_subcommand("run", "Run a WebAssembly module (.wasm or .wat)");
  cmd->add_option("--invoke", options->invoke,
                  "Call this exported function with ARGS and print its results");
  cmd->add_option("--fuel", options->fuel,
                  "Trap after about this many executed instructions");
  cmd->add_option("--max-memory-pages", options->max_memory_pages,
                  "Upper bound on each linear memory, in 64 KiB pages");
  cmd->add_option("module", options->module, "The module to run")->required();
  cmd->add_option("args", options->args, "Arguments for --invoke");
  // Everything after the module belongs to the guest, as with wasmtime.
  cmd->prefix_command();
  cmd->callback([&run, options, cmd] {
    for (const std::string& extra : cmd->remaining()) options->args.push_back(extra);
    run = [options] { return run_module(*options); };
  });
}

}  // namespace flint::cli
