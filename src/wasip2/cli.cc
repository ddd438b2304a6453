// wasi:cli@0.2 (wit/environment.wit, exit.wit, stdio.wit, terminal.wit):
// what a command is given (arguments, environment, stdio) and how it ends.
#include <fmt/format.h>
#include <unistd.h>

#include "wasip2/host.h"

namespace flint::wasip2 {

using namespace component;

namespace {

using HostPtr = std::shared_ptr<Host>;
using Args = std::span<const ComponentValue>;
using Return = HostReturn;

void define_environment(ComponentLinker& linker, const HostPtr& host) {
  HostInterface iface("wasi:cli/environment", kVersion);
  iface.function("get-environment",
                 wit::func({}, wit::list(wit::tuple({wit::string(), wit::string()}))),
                 [host](Store&, Args) -> Return { return environment_value(*host); });
  iface.function("get-arguments", wit::func({}, wit::list(wit::string())),
                 [host](Store&, Args) -> Return { return arguments_value(*host); });
  // The guest has no working directory of its own: paths are relative to
  // the preopens (as in Wasmtime, which reports none unless told).
  iface.function("initial-cwd", wit::func({}, wit::option(wit::string())),
                 [](Store&, Args) -> Return { return val::none(); });
  define(linker, iface);
}

/// Records the status and unwinds the guest, as preview 1's proc_exit.
Return exit_with(Host& host, uint32_t code) {
  host.exit_code = code;
  return make_error(ErrorCode::ProcExit, fmt::format("exit code {}", code));
}

}  // namespace

ComponentValue environment_value(const Host& host) {
  // Only what --env granted (preview 1 keeps "NAME=VALUE").
  std::vector<ComponentValue> vars;
  for (const std::string& kv : host.ctx->env()) {
    size_t eq = kv.find('=');
    std::string name = kv.substr(0, eq);
    std::string value = eq == std::string::npos ? "" : kv.substr(eq + 1);
    vars.push_back(val::tuple({val::string(name), val::string(value)}));
  }
  return val::list(std::move(vars));
}

ComponentValue arguments_value(const Host& host) {
  std::vector<ComponentValue> args;
  for (const std::string& a : host.ctx->args()) args.push_back(val::string(a));
  return val::list(std::move(args));
}

void define_exit(ComponentLinker& linker, const std::shared_ptr<Host>& host,
                 const std::string& version) {
  HostInterface iface("wasi:cli/exit", version);
  iface.function("exit", wit::func({{"status", wit::result(nullptr, nullptr)}}),
                 [host](Store&, Args a) -> Return {
                   return exit_with(*host, a[0].as_case().index == 0 ? 0 : 1);
                 });
  // @unstable(feature = cli-exit-with-code) in WIT; cheap, so offered.
  iface.function("exit-with-code", wit::func({{"status-code", wit::u8()}}),
                 [host](Store&, Args a) -> Return {
                   // As preview 1's proc_exit (and Wasmtime): codes of 126 and above
                   // are the shell's ("cannot execute", signals), so they trap.
                   uint32_t code = uint32_t(a[0].as_unsigned());
                   if (code >= 126)
                     return make_error(
                         ErrorCode::HostTrap,
                         fmt::format("exit with invalid exit status {} outside of [0..126)", code));
                   return exit_with(*host, code);
                 });
  define(linker, iface);
}

void define_cli_stdio(ComponentLinker& linker, const std::shared_ptr<Host>& host) {
  ResourceTypePtr in = host->input_streams.type(), out = host->output_streams.type();
  HostInterface stdin_iface("wasi:cli/stdin", kVersion);
  stdin_iface.resource("input-stream", in);
  stdin_iface.function("get-stdin", wit::func({}, wit::own(in)), [host](Store&, Args) -> Return {
    return host->input_streams.insert_own({host->stdio[0]});
  });
  define(linker, stdin_iface);
  const char* names[] = {"stdout", "stderr"};
  for (int i = 0; i < 2; ++i) {
    HostInterface iface(std::string("wasi:cli/") + names[i], kVersion);
    iface.resource("output-stream", out);
    iface.function(std::string("get-") + names[i], wit::func({}, wit::own(out)),
                   [host, fd = host->stdio[i + 1]](Store&, Args) -> Return {
                     return host->output_streams.insert_own({fd});
                   });
    define(linker, iface);
  }
}

void define_terminals(ComponentLinker& linker, const std::shared_ptr<Host>& host,
                      const std::string& version) {
  ResourceTypePtr input = host->terminal_inputs.type(), output = host->terminal_outputs.type();
  HostInterface terminal_input("wasi:cli/terminal-input", version);
  terminal_input.resource("terminal-input", input);
  define(linker, terminal_input);
  HostInterface terminal_output("wasi:cli/terminal-output", version);
  terminal_output.resource("terminal-output", output);
  define(linker, terminal_output);

  // Some terminal only when the host's stdio is one (so a guest can decide
  // on colours); the resource itself carries nothing.
  HostInterface terminal_stdin("wasi:cli/terminal-stdin", version);
  terminal_stdin.resource("terminal-input", input);
  terminal_stdin.function("get-terminal-stdin", wit::func({}, wit::option(wit::own(input))),
                          [host](Store&, Args) -> Return {
                            if (!isatty(host->stdio[0]->get())) return val::none();
                            FLINT_ASSIGN(ComponentValue t, host->terminal_inputs.insert_own({}));
                            return val::some(std::move(t));
                          });
  define(linker, terminal_stdin);
  const char* names[] = {"stdout", "stderr"};
  for (int i = 0; i < 2; ++i) {
    HostInterface iface(std::string("wasi:cli/terminal-") + names[i], version);
    iface.resource("terminal-output", output);
    iface.function(std::string("get-terminal-") + names[i],
                   wit::func({}, wit::option(wit::own(output))),
                   [host, fd = host->stdio[i + 1]](Store&, Args) -> Return {
                     if (!isatty(fd->get())) return val::none();
                     FLINT_ASSIGN(ComponentValue t, host->terminal_outputs.insert_own({}));
                     return val::some(std::move(t));
                   });
    define(linker, iface);
  }
}

void define_cli(ComponentLinker& linker, const std::shared_ptr<Host>& host) {
  define_environment(linker, host);
  define_exit(linker, host, kVersion);
  define_cli_stdio(linker, host);
  define_terminals(linker, host, kVersion);
}

}  // namespace flint::wasip2
