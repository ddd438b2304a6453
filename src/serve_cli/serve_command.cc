// `flint serve [OPTIONS] COMPONENT`: serves a wasi:http@0.2
// incoming-handler component over HTTP/1.1 with wasmtime serve's spelling:
// --addr HOST:PORT (default 0.0.0.0:8080), --env, --dir, -S cli, and
// Flint's --engine, --timeout and --max-memory (per request), and
// --allow-outbound-host (Spin's allowed_outbound_hosts patterns; unlike
// wasmtime serve, outbound HTTP is denied unless granted); Spin's host interfaces link, granting
// nothing else (Spin SDK components run; `flint up` grants). The first line on stderr is `Serving
// HTTP on http://ADDR:PORT/` with the port actually bound (so --addr HOST:0 works). The component
// is compiled once; every request of a 0.2 handler gets a fresh instance, a 0.3 service's
// instances serve many at once (--max-instance-reuse-count,
// --max-instance-concurrent-reuse-count, --idle-instance-timeout: src/serve/shared_instances.h).
// SIGINT or SIGTERM stops accepting, lets requests in flight finish, and exits 0.
#include <fmt/format.h>
#include <signal.h>

#include <cstdio>

#include "cli/artifact_cache_flag.h"
#include "cli/module_file.h"
#include "cli/run_flags.h"
#include "component/decoder.h"
#include "serve/component_handler.h"
#include "serve/server.h"
#include "serve_cli/commands.h"
#include "serve_cli/listen_address.h"
#include "serve_cli/server_flags.h"
#include "spinhost/spinhost.h"

namespace flint::serve_cli {

using namespace cli;

namespace {

struct ServeOptions {
  std::string component;
  std::string addr = "0.0.0.0:8080";
  std::vector<std::string> envs;
  std::vector<std::string> dirs;
  std::vector<std::string> wasi;           ///< -S options: only `cli` so far
  GuestFlags guest;                        ///< --engine, --timeout, --max-memory, --no-cache
  std::vector<std::string> allowed_hosts;  ///< --allow-outbound-host, Spin's patterns
  ServerFlags server;                      ///< the HTTP server's limits
};

int fail(const std::string& what, const Error& error) {
  fmt::print(stderr, "flint: error: {}: {}\n", what, error.describe());
  return kExitError;
}

int serve(const ServeOptions& o) {
  // A guest writing to a closed pipe gets EPIPE; the server is not killed.
  signal(SIGPIPE, SIG_IGN);
  auto addr = parse_listen_address(o.addr, "--addr");
  if (!addr) return fail(o.component, addr.error());
  serve::HandlerOptions handler;
  for (const std::string& s : o.wasi) {
    if (s == "cli" || s == "cli=y")
      handler.cli = true;
    else if (s != "cli=n")
      return fail(o.component, make_error(ErrorCode::Usage,
                                          "-S " + s + ": flint serve knows only -S cli so far"));
  }
  handler.name = o.component;
  if (!o.allowed_hosts.empty()) {
    auto hosts = outbound::AllowedHosts::parse(o.allowed_hosts);
    if (!hosts) return fail("--allow-outbound-host", hosts.error());
    handler.allowed_hosts = std::make_shared<const outbound::AllowedHosts>(std::move(*hosts));
  }
  // Spin's host interfaces link too, granting nothing but the outbound
  // hosts: a component built with a Spin SDK (which imports the whole
  // Spin world, even for hello) runs; its key-value stores, databases and
  // variables answer Spin's access-denied or not-found errors, as Spin
  // does for what the manifest does not grant (`flint up` grants them).
  auto spin = std::make_shared<spinhost::SpinHostContext>();
  spin->component_id = o.component;
  spin->allowed_hosts = handler.allowed_hosts;
  handler.define_more = [spin](component::ComponentLinker& linker) {
    spinhost::define_spin(linker, spin);
  };
  handler.wasi.args.push_back(guest_argv0(o.component));
  for (const std::string& spec : o.envs) {
    auto var = parse_env_flag(spec);
    if (!var) return fail(o.component, var.error());
    if (*var) handler.wasi.env.push_back(**var);
  }
  for (const std::string& d : o.dirs) handler.wasi.dirs.push_back(parse_dir_flag(d, false));

  auto bytes = load_module_file(o.component);
  if (!bytes) return fail(o.component, bytes.error());
  if (!component::is_component(*bytes))
    return fail(o.component, make_error(ErrorCode::Usage,
                                        "not a component (flint serve runs wasi:http components)"));
  if (auto ok = apply_guest_flags(o.guest, handler.config, handler.timeout, handler.reuse); !ok)
    return fail(o.component, ok.error());
  handler.timeout_spec = o.guest.timeout;
  if (auto ok = serve::check_imports(bytes->span(), handler); !ok)
    return fail(o.component, ok.error());
  auto compiled = component::CompiledComponent::compile(
      {bytes->span().begin(), bytes->span().end()}, handler.config);
  if (!compiled) return fail(o.component, compiled.error());
  // Refused now, not per request: imports that do not link, no handler.
  if (auto ok = serve::check_component(*compiled, handler); !ok)
    return fail(o.component, ok.error());

  serve::ServerOptions server_options;
  server_options.host = addr->first;
  server_options.port = addr->second;
  if (auto ok = apply_server_flags(o.server, server_options); !ok)
    return fail(o.component, ok.error());
  auto observability = start_observability(o.server);
  if (!observability) return fail(o.component, observability.error());
  std::shared_ptr<serve::Observer> observer = (*observability)->observer;
  if (observer) {
    handler.on_failure = [observer, name = o.component](const Error&) {
      observer->count_trap(name);
    };
    handler.on_instance = [observer, name = o.component] { observer->count_instance(name); };
  }
  serve::RequestHandler served = serve::component_handler(*compiled, std::move(handler));
  if (observer) served = serve::observe(observer, o.component, std::move(served));
  auto server = serve::Server::listen(server_options, std::move(served));
  if (!server) return fail(o.component, server.error());
  std::string host = (*server)->host();
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  fmt::print(stderr, "Serving HTTP on http://{}:{}/\n", host, (*server)->port());
  std::fflush(stderr);
  print_metrics_address(**observability);
  (*server)->run(true);
  return kExitOk;
}

}  // namespace

void add_serve_command(CLI::App& app, CommandRunner& run) {
  auto options = std::make_shared<ServeOptions>();
  CLI::App* cmd = app.add_subcommand(
      "serve", "Serve a wasi:http/incoming-handler component over HTTP (as `wasmtime serve`)");
  cmd->add_option("--addr", options->addr, "The address to listen on (default 0.0.0.0:8080)")
      ->type_name("HOST:PORT");
  cmd->add_option("--env", options->envs,
                  "Set a guest environment variable: NAME=VALUE, or NAME to pass the host's value")
      ->type_name("NAME[=VALUE]")
      ->allow_extra_args(false);
  cmd->add_option("--dir", options->dirs,
                  "Grant the guest a host directory: HOST[::GUEST] (GUEST defaults to HOST)")
      ->type_name("HOST[::GUEST]")
      ->allow_extra_args(false);
  cmd->add_option("-S", options->wasi,
                  "WASI option: `cli` also links all of wasi:cli (and wasi:filesystem) for the "
                  "handler, as wasmtime serve -S cli")
      ->type_name("OPTION")
      ->allow_extra_args(false);
  add_guest_flags(cmd, options->guest);
  add_server_flags(cmd, options->server);
  cmd->add_option("--allow-outbound-host", options->allowed_hosts,
                  "Let the guest reach a destination, as Spin's allowed_outbound_hosts: "
                  "SCHEME://HOST[:PORT] (e.g. https://example.com, *://127.0.0.0/24:7777); "
                  "outbound HTTP, and wasi:sockets with -S cli. Repeatable; nothing by default")
      ->type_name("PATTERN")
      ->allow_extra_args(false);
  cmd->add_option("component", options->component, "The component to serve (.wasm)")->required();
  cmd->callback([&run, options] { run = [options] { return serve(*options); }; });
}

}  // namespace flint::serve_cli
