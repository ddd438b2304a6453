// `flint run [OPTIONS] MODULE [ARGS...]`: instantiates a module and runs it
// the way `wasmtime run` does. A command (exporting `_start`) runs with
// WASI preview 1, its arguments after the module, and exits with its
// proc_exit code; with --invoke, a reactor's `_initialize` runs first and
// then one export is called with typed arguments and its results printed,
// one per line. A component runs its wasi:cli/run export with WASI 0.2,
// granted by the same flags. Nothing is granted unless a flag grants it.
#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "cli/commands.h"
#include "cli/component_invoke.h"
#include "cli/engine_flag.h"
#include "cli/invoke_args.h"
#include "cli/module_file.h"
#include "cli/run_flags.h"
#include "cli/signal_stop.h"
#include "component/decoder.h"
#include "component/wave.h"
#include "flint/runtime.h"
#include "module/module.h"
#include "wasi/wasi.h"
#include "wasip2/wasip2.h"
#include "wasip3/wasip3.h"

namespace flint::cli {

namespace {

struct RunOptions {
  std::string module;
  std::string invoke;
  std::vector<std::string> args;
  std::optional<uint64_t> fuel;
  EngineFlags engine;              ///< --engine, --tier-up-after, --no-cache
  bool allow_precompiled = false;  ///< run an artifact whatever its file name
  std::optional<uint64_t> max_memory_pages;
  std::string max_memory;
  std::string timeout;
  std::vector<std::string> dirs;
  std::vector<std::string> dirs_read_only;
  std::vector<std::string> envs;
  std::vector<std::string> tcp_listen;
  std::vector<std::string> wasi_switches;  ///< -S values, as wasmtime's
  std::optional<std::string> argv0;
  bool stop_on_signal = false;  ///< --stop-on-signal: SIGINT/SIGTERM/SIGHUP interrupt the guest
};

/// set_component_linker_hook's hook (flint-serve's), if any.
ComponentLinkerHook& linker_hook() {
  static ComponentLinkerHook hook;
  return hook;
}

/// The words after `run` and argv[0], as run_main got them: what `flint`
/// hands to `flint-serve run` for a component importing wasi:http.
struct RunWords {
  std::vector<std::string> words;
  const char* argv0 = "flint";
};
RunWords& run_words() {
  static RunWords w;
  return w;
}

/// Whether the component imports any wasi:http interface.
bool imports_wasi_http(const component::Component& c) {
  for (const component::ComponentImport& i : c.imports)
    if (i.name.name.starts_with("wasi:http/")) return true;
  return false;
}

int report_error(const std::string& path, const Error& error) {
  fmt::print(stderr, "flint: error: {}: {}\n", path, error.describe());
  return kExitError;
}

int report_trap(const RunOptions& o, Error error, const Store& store) {
  std::optional<int> stop_signal = SignalStop::received();
  bool stopped = error.code == ErrorCode::Interrupt && stop_signal;
  if (stopped)
    error.detail = "stopped by " + signal_name(*stop_signal);
  else if (error.code == ErrorCode::Interrupt && !o.timeout.empty())
    error.detail = "the guest ran longer than --timeout " + o.timeout;
  fmt::print(stderr, "flint: {} in {}: {}\n", phase_name(error.phase()), o.module, error.message());
  fmt::print(stderr, "{}", format_backtrace(store.last_backtrace()));
  // As if the signal had killed the process: what containerd reports.
  return stopped ? exit_code_of_signal(*stop_signal) : kExitTrap;
}

std::string describe_import(const Module& m, const Import& imp) {
  switch (imp.kind) {
    case ExternKind::Func:
      return imp.func_type < m.types.size() ? "func " + to_string(m.types[imp.func_type]) : "func";
    case ExternKind::Memory: return fmt::format("memory of {} pages", imp.memory.limits.min);
    case ExternKind::Table: return fmt::format("table of {}", to_string(imp.table.element));
    case ExternKind::Global: return fmt::format("global {}", to_string(imp.global.type));
    case ExternKind::Tag:
      return imp.tag_type < m.types.size() ? "tag " + to_string(m.types[imp.tag_type]) : "tag";
  }
  return "?";
}

// Every import must be a WASI function Flint provides, with WASI's
// signature. Checked before instantiation so the one-line message can name
// the module, the field and the type the module expects.
std::optional<Error> check_imports(const Module& m) {
  for (const Import& imp : m.imports) {
    std::string what =
        fmt::format("\"{}\" \"{}\" ({})", imp.module, imp.name, describe_import(m, imp));
    if (imp.module != wasi::kModuleName) {
      std::string hint =
          imp.module == "wasi_unstable"
              ? "; Flint provides wasi_snapshot_preview1, not the older wasi_unstable"
              : "";
      return make_error(ErrorCode::UnknownImport, what + hint);
    }
    std::optional<FuncType> provided = wasi::function_type(imp.name);
    if (!provided)
      return make_error(ErrorCode::UnknownImport,
                        what + "; WASI preview 1 provides no such import");
    if (imp.kind != ExternKind::Func || imp.func_type >= m.types.size() ||
        m.types[imp.func_type] != *provided)
      return make_error(ErrorCode::IncompatibleImportType,
                        fmt::format("{}; WASI's is func {}", what, to_string(*provided)));
  }
  return std::nullopt;
}

// --timeout: the store's deadline interrupts the guest's wasm code (the
// trap "interrupt", with its backtrace). A guest blocked in a host call (a
// read, a sleep) or running code compiled without interruption checks
// never reaches a check: this watchdog ends the process a moment later,
// with the trap exit code, after saying why. Fuel (--fuel) is the
// deterministic alternative.
class Watchdog {
 public:
  /// How long after the deadline a guest that did not stop is ended.
  static constexpr std::chrono::milliseconds kGrace{250};

  Watchdog(std::chrono::nanoseconds limit, std::string module, std::string spec)
      : thread_([this, limit, module = std::move(module), spec = std::move(spec)] {
          std::unique_lock lock(mutex_);
          if (cv_.wait_for(lock, limit + kGrace, [this] { return done_; })) return;
          fmt::print(stderr,
                     "flint: trap in {}: interrupt: the guest ran longer than --timeout {}\n",
                     module, spec);
          std::fflush(stderr);
          _exit(kExitTrap);
        }) {}
  ~Watchdog() {
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    cv_.notify_one();
    thread_.join();
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;
};

Result<WasiSwitches> wasi_switches(const RunOptions& o) {
  WasiSwitches switches;
  for (const std::string& spec : o.wasi_switches) FLINT_TRY(apply_wasi_switch(spec, switches));
  return switches;
}

Result<wasi::WasiOptions> wasi_options(const RunOptions& o) {
  wasi::WasiOptions w;
  w.args.push_back(o.argv0 ? *o.argv0 : guest_argv0(o.module));
  for (const std::string& a : o.args) w.args.push_back(a);
  for (const std::string& spec : o.envs) {
    FLINT_ASSIGN(auto var, parse_env_flag(spec));
    if (var) w.env.push_back(*var);
  }
  for (const std::string& d : o.dirs) w.dirs.push_back(parse_dir_flag(d, false));
  for (const std::string& d : o.dirs_read_only) w.dirs.push_back(parse_dir_flag(d, true));
  FLINT_ASSIGN(WasiSwitches switches, wasi_switches(o));
  w.tcp_listen = o.tcp_listen;
  for (const std::string& t : switches.tcp_listen) w.tcp_listen.push_back(t);
  return w;
}

// What a finished call means for the process: proc_exit's code, a trap, or
// (for --invoke) the results to print.
int finish_call(const RunOptions& o, const Result<std::vector<Value>>& results, const Store& store,
                const wasi::WasiContext* ctx) {
  if (ctx && ctx->exit_code) return int(*ctx->exit_code);
  if (!results) return report_trap(o, results.error(), store);
  if (!o.invoke.empty())
    for (const Value& v : *results) fmt::print("{}\n", format_result(v));
  return kExitOk;
}

// Ends the process with `code` now, without running destructors or exit
// handlers; what stdio still buffers (--invoke's results) is written first.
[[noreturn]] void end_process(int code) {
  std::fflush(nullptr);
  std::_Exit(code);
}

// Runs a command's _start, or the --invoke export (after a reactor's
// _initialize); returns the process's exit code.
int call_exports(const RunOptions& o, const Instance& instance, Store& store,
                 const wasi::WasiContext* ctx) {
  if (o.invoke.empty()) {
    std::optional<Extern> start = instance.find_export("_start");
    if (!start || start->kind != ExternKind::Func) return kExitOk;  // it ran its start function
    return finish_call(o, store.call(*start, {}), store, ctx);
  }

  std::optional<Extern> func = instance.find_export(o.invoke);
  if (!func || func->kind != ExternKind::Func)
    return report_error(o.module, make_error(ErrorCode::Usage,
                                             fmt::format("no exported function \"{}\"", o.invoke)));
  FuncType type = store.func_type(*func);
  if (o.args.size() != type.params.size())
    return report_error(
        o.module, make_error(ErrorCode::Usage,
                             fmt::format("\"{}\" takes {} arguments {}, {} given", o.invoke,
                                         type.params.size(), to_string(type), o.args.size())));
  std::vector<Value> args;
  for (size_t i = 0; i < o.args.size(); ++i) {
    auto v = parse_argument(o.args[i], type.params[i]);
    if (!v) return report_error(o.module, v.error());
    args.push_back(*v);
  }
  // A reactor initialises itself before any other export is called (WASI
  // application ABI).
  std::optional<Extern> init = instance.find_export("_initialize");
  if (init && init->kind == ExternKind::Func && o.invoke != "_initialize") {
    auto done = store.call(*init, {});
    if (!done || (ctx && ctx->exit_code)) return finish_call(o, done, store, ctx);
  }
  return finish_call(o, store.call(*func, args), store, ctx);
}

// --invoke on a component: one export called with WAVE arguments, its
// result printed in WAVE on stdout (wasmtime's form: `()` when it has none).
int invoke_component(const RunOptions& o, const component::ComponentInstanceItem& instance,
                     const ComponentInvocation& invocation, Store& store, wasip2::Host& host) {
  auto func = find_invoked_function(instance, invocation.function);
  if (!func) return report_error(o.module, func.error());
  auto args = invocation_arguments(invocation, (*func)->type());
  if (!args) return report_error(o.module, args.error());
  auto result = (*func)->call(store, *args);
  if (!result) {
    if (host.exit_code) end_process(int(*host.exit_code));
    return report_trap(o, result.error(), store);
  }
  const std::string shown =
      *result ? component::to_wave(**result, *(*func)->type().result) : std::string("()");
  std::fputs((shown + "\n").c_str(), stdout);
  end_process(0);
}

// A component (issue 12): compiled whole, instantiated over WASI 0.2 from
// the same grants as preview 1, and its wasi:cli/run@0.2.x `run` called.
// The exit code is wasi:cli/exit's, or 0 for `ok` and 1 for `err`.
int run_component(const RunOptions& o, std::span<const uint8_t> bytes, const Config& config,
                  std::optional<std::chrono::nanoseconds> timeout) {
  std::optional<ComponentInvocation> invocation;
  if (!o.invoke.empty()) {
    auto parsed = parse_component_invocation(o.invoke);
    if (!parsed) return report_error(o.module, parsed.error());
    invocation = std::move(*parsed);
  }
  // Preview 1's preopened listening sockets have no WASI 0.2 counterpart (a
  // component binds its own with -S inherit-network): refused rather than
  // bound for nothing, as Wasmtime documents tcplisten for preview 1 only.
  auto switches = wasi_switches(o);
  if (!switches) return report_error(o.module, switches.error());
  if (!o.tcp_listen.empty() || !switches->tcp_listen.empty())
    return report_error(o.module,
                        make_error(ErrorCode::Usage,
                                   "--tcplisten is for core modules (WASI preview 1); a component "
                                   "binds its own sockets with -S inherit-network"));
  auto compiled = component::CompiledComponent::compile({bytes.begin(), bytes.end()}, config);
  if (!compiled) return report_error(o.module, compiled.error());
  auto options = wasi_options(o);
  if (!options) return report_error(o.module, options.error());
  auto created = wasi::WasiContext::create(std::move(*options));
  if (!created) return report_error(o.module, created.error());
  Store store(config);
  component::ComponentLinker linker;
  std::shared_ptr<wasip2::Host> host = wasip2::define_wasip2(linker, *created, switches->sockets);
  wasip3::define_wasip3(linker, host);
  if (linker_hook()) {
    linker_hook()(linker, host);
  } else if (imports_wasi_http((*compiled)->component())) {
    // wasi:http lives in flint-serve with the server and libcurl, which
    // this static executable does not load.
    return exec_flint_serve("run", run_words().words, run_words().argv0);
  }

  std::optional<Watchdog> watchdog;
  if (timeout) {
    store.set_deadline(std::chrono::steady_clock::now() + *timeout);
    watchdog.emplace(*timeout, o.module, o.timeout);
  }
  std::optional<SignalStop> signal_stop;
  if (o.stop_on_signal) signal_stop.emplace(store, o.module);
  auto instance = component::instantiate(store, *compiled, linker);
  if (!instance) {
    if (host->exit_code) return int(*host->exit_code);  // exit while core modules started
    if (instance.error().phase() == Phase::Trap || instance.error().phase() == Phase::Exhaustion)
      return report_trap(o, instance.error(), store);
    return report_error(o.module, instance.error());
  }
  if (invocation) return invoke_component(o, **instance, *invocation, store, *host);
  auto run = wasip3::find_run(**instance);
  if (!run) return report_error(o.module, run.error());
  auto result = (*run)->call(store, {});
  std::optional<int> status = wasip2::exit_status(*host, result);
  if (!status) return report_trap(o, result.error(), store);
  // As for modules: the process ends with everything still alive.
  end_process(*status);
}

int run_module(const RunOptions& o) {
  // A guest writing to a closed pipe gets EPIPE, as under Wasmtime; the
  // host is not killed by SIGPIPE.
  signal(SIGPIPE, SIG_IGN);
  auto bytes = load_module_file(o.module);
  if (!bytes) return report_error(o.module, bytes.error());
  Config config;
  config.fuel = o.fuel;
  apply_engine_flags(o.engine, config);
  config.max_memory_pages = o.max_memory_pages;
  if (!o.max_memory.empty()) {
    auto pages = parse_memory_pages(o.max_memory);
    if (!pages) return report_error(o.module, pages.error());
    config.max_memory_pages =
        config.max_memory_pages ? std::min(*config.max_memory_pages, *pages) : *pages;
  }
  std::optional<std::chrono::nanoseconds> timeout;
  if (!o.timeout.empty()) {
    auto t = parse_duration(o.timeout);
    if (!t) return report_error(o.module, t.error());
    timeout = *t;
  }
  config.interruptible = timeout.has_value() || o.stop_on_signal;
  if (component::is_component(*bytes)) return run_component(o, *bytes, config, timeout);
  auto compiled = compile_module_file(o.module, *bytes, config, o.allow_precompiled);
  if (!compiled) return report_error(o.module, compiled.error());
  const Module& module = (*compiled)->module();
  if (auto error = check_imports(module)) return report_error(o.module, *error);

  Store store(config);
  Linker linker;
  // The grants are checked (directories opened, sockets bound) whether or
  // not the module imports WASI, so a bad flag is always an error.
  auto options = wasi_options(o);
  if (!options) return report_error(o.module, options.error());
  auto created = wasi::WasiContext::create(std::move(*options));
  if (!created) return report_error(o.module, created.error());
  std::shared_ptr<wasi::WasiContext> ctx = *created;
  if (wasi::imports_wasi(module)) wasi::define_wasi_imports(linker, store, ctx, module);

  std::optional<Watchdog> watchdog;
  if (timeout) {
    store.set_deadline(std::chrono::steady_clock::now() + *timeout);
    watchdog.emplace(*timeout, o.module, o.timeout);
  }
  std::optional<SignalStop> signal_stop;
  if (o.stop_on_signal) signal_stop.emplace(store, o.module);

  auto instance = linker.instantiate(store, **compiled);
  if (!instance) {
    if (ctx && ctx->exit_code) return int(*ctx->exit_code);  // proc_exit in the start function
    if (instance.error().phase() == Phase::Trap || instance.error().phase() == Phase::Exhaustion)
      return report_trap(o, instance.error(), store);
    return report_error(o.module, instance.error());
  }

  // The guest has run: the process ends here, with the instance, store,
  // module and code still alive. The kernel takes back memory, mappings and
  // descriptors at once; destroying them one by one first (freeing, the
  // guest memory's madvise, the code's munmap) was a twentieth of the
  // start-up of `flint run hello.fwasm` (issue 4).
  end_process(call_exports(o, **instance, store, ctx.get()));
}

}  // namespace

CLI::App* add_run_command(CLI::App& app, CommandRunner& run) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* cmd = app.add_subcommand(
      "run", "Run a WebAssembly module (.wasm or .wat) or a WASI 0.2 or 0.3 component");
  cmd->add_option("--invoke", options->invoke,
                  "Call this exported function with ARGS and print its results (after _initialize, "
                  "if exported); for a component, 'name(args)' with WAVE arguments");
  cmd->add_option("--dir", options->dirs,
                  "Grant the guest a host directory: HOST[::GUEST] (GUEST defaults to HOST)")
      ->type_name("HOST[::GUEST]")
      ->allow_extra_args(false);  // one value per flag: the module follows
  cmd->add_option(
         "--dir-ro", options->dirs_read_only,
         "Grant a host directory read-only: the guest can read it but change nothing beneath it")
      ->type_name("HOST[::GUEST]")
      ->allow_extra_args(false);  // one value per flag: the module follows
  cmd->add_option("--env", options->envs,
                  "Set a guest environment variable: NAME=VALUE, or NAME to pass the host's value")
      ->type_name("NAME[=VALUE]")
      ->allow_extra_args(false);  // one value per flag: the module follows
  cmd->add_option(
         "--tcplisten", options->tcp_listen,
         "Listen on HOST:PORT and give the guest the socket (for sock_accept), after the --dir fds")
      ->type_name("HOST:PORT")
      ->allow_extra_args(false);  // one value per flag: the module follows
  cmd->add_option("-S", options->wasi_switches,
                  "A WASI option, as wasmtime's: inherit-network[=y|n] (WASI 0.2 sockets may use "
                  "any address), allow-ip-name-lookup[=y|n], tcp[=y|n], udp[=y|n] (both on), "
                  "tcplisten=HOST:PORT (as --tcplisten)")
      ->type_name("NAME[=VALUE]")
      ->allow_extra_args(false);  // one value per flag: the module follows
  cmd->add_option("--argv0", options->argv0,
                  "The guest's argv[0] (default: the module's file name)");
  cmd->add_option("--max-memory", options->max_memory,
                  "Upper bound on each linear memory, e.g. 64M (bytes, K, M or G)")
      ->type_name("SIZE");
  cmd->add_option("--max-memory-pages", options->max_memory_pages,
                  "Upper bound on each linear memory, in 64 KiB pages");
  cmd->add_option("--timeout", options->timeout,
                  "Stop the guest after this long, e.g. 10s or 500ms (exit code 134)")
      ->type_name("DURATION");
  cmd->add_option("--fuel", options->fuel, "Trap after about this many executed instructions");
  cmd->add_flag("--stop-on-signal", options->stop_on_signal,
                "On SIGINT, SIGTERM or SIGHUP, stop the guest through the engine's interruption: "
                "it traps with its wasm backtrace and flint exits 128 + the signal's number (a "
                "guest inside a host call is ended 1 s later)");
  add_engine_flags(cmd, options->engine, " (.fwasm artifacts always run compiled)");
  cmd->add_flag("--allow-precompiled", options->allow_precompiled,
                "Run a precompiled artifact (native code) even if its file is not named .fwasm");
  cmd->add_option("module", options->module, "The module or component to run (.wasm or .wat)")
      ->required();
  cmd->add_option("args", options->args,
                  "Arguments for the guest, or for the --invoke function: every word after the "
                  "module, flags included, belongs to the guest");
  cmd->callback([&run, options] { run = [options] { return run_module(*options); }; });
  return cmd;
}

void set_component_linker_hook(ComponentLinkerHook hook) { linker_hook() = std::move(hook); }

int run_main(int argc, char** argv) {
  run_words().words.assign(argv + 2, argv + argc);
  run_words().argv0 = argv[0];
  if (std::optional<int> code = run_without_option_parser(argc, argv)) return *code;
  CLI::App app{"Flint: a WebAssembly runtime", "flint"};
  app.require_subcommand(1);
  CommandRunner run;
  CLI::App* run_command = add_run_command(app, run);
  // The guest's words follow a "--", so CLI11 takes them as positionals verbatim.
  int own = words_for_flint(*run_command, argc, argv);
  std::vector<std::string> words(argv, argv + own);
  if (own < argc && std::find(words.begin(), words.end(), "--") == words.end()) {
    words.push_back("--");
    words.insert(words.end(), argv + own, argv + argc);
  }
  try {
    std::vector<std::string> reversed(words.rbegin(),
                                      words.rend() - 1);  // CLI11 takes them back to front
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    // CLI11 prints help as an "error" with exit code 0.
    int code = app.exit(e);
    return code == 0 ? 0 : kExitError;
  }
  return run ? run() : kExitError;
}

std::optional<int> run_without_option_parser(int argc, char** argv) {
  // Exactly the lines words_for_flint() ends at the module (argv[2]), so
  // CLI11 would see no option either.
  if (argc < 3 || std::string_view(argv[1]) != "run" || argv[2][0] == '-') return std::nullopt;
  RunOptions o;
  o.module = argv[2];
  o.args.assign(argv + 3, argv + argc);
  return run_module(o);
}

int words_for_flint(const CLI::App& run_command, int argc, char** argv) {
  if (argc < 3 || std::string_view(argv[1]) != "run") return argc;
  for (int i = 2; i < argc; ++i) {
    std::string_view word = argv[i];
    if (word == "--") return std::min(argc, i + 2);
    if (word.size() < 2 || word[0] != '-') return i + 1;  // the module
    std::string_view name = word.substr(0, word.find('='));
    const CLI::Option* option = run_command.get_option_no_throw(std::string(name));
    // An option that takes a value written as a separate word consumes it;
    // a flag takes none (its type size is CLI11's, not 0: ask what it expects).
    if (option && option->get_items_expected_max() > 0 && name.size() == word.size()) ++i;
  }
  return argc;
}

}  // namespace flint::cli
