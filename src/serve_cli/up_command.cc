// `flint up [OPTIONS]`: runs a Spin application from its spin.toml, with
// `spin up`'s flags: -f/--from (a manifest, a directory holding
// spin.toml, or a registry reference; default ./spin.toml), --listen (default 127.0.0.1:3000),
// --runtime-config-file, -e/--env, --key-value KEY=VALUE and --sqlite
// STATEMENT (seeding the default store and database), --state-dir (default
// the app's .spin/), --allow-transient-write; and Flint's --engine,
// --timeout and --max-memory per request. Prints `Serving http://ADDR:PORT`
// and the routes on stdout, as Spin does; SIGINT or SIGTERM lets requests
// in flight finish and exits 0.
#include <fmt/format.h>
#include <signal.h>

#include <cstdio>
#include <filesystem>

#include "cli/artifact_cache_flag.h"
#include "cli/run_flags.h"
#include "oci/blob_cache.h"
#include "oci/layout_app.h"
#include "oci/reference.h"
#include "oci/remote_app.h"
#include "serve/server.h"
#include "serve_cli/commands.h"
#include "serve_cli/listen_address.h"
#include "serve_cli/server_flags.h"
#include "spin/app.h"
#include "spin/manifest.h"
#include "spin/runtime_config.h"
#include "spinhost/key_value.h"
#include "spinhost/sqlite.h"

namespace flint::serve_cli {

namespace {

namespace fs = std::filesystem;

struct UpOptions {
  std::string from = "spin.toml";
  std::string listen = "127.0.0.1:3000";
  std::string runtime_config_file;
  std::vector<std::string> envs;
  std::vector<std::string> key_values;
  std::vector<std::string> sqlite_statements;
  std::string state_dir;
  bool allow_transient_write = false;
  GuestFlags guest;    ///< --engine, --timeout, --max-memory, --no-cache
  ServerFlags server;  ///< the HTTP server's limits
};

int fail(const Error& error) {
  fmt::print(stderr, "flint up: error: {}\n", error.message());
  return cli::kExitError;
}

int up(const UpOptions& o) {
  signal(SIGPIPE, SIG_IGN);
  auto addr = parse_listen_address(o.listen, "--listen");
  if (!addr) return fail(addr.error());

  std::string manifest_path = o.from;
  std::error_code ec;
  // An OCI image layout holding a Spin app (what containerd-shim-flint-v1
  // writes from containerd's content store) is served as pulled.
  bool layout = oci::is_image_layout(o.from);
  if (!layout && fs::is_directory(manifest_path, ec))
    manifest_path = (fs::path(o.from) / "spin.toml").string();
  // A path that does not exist but names a registry (`HOST[:PORT]/APP:TAG`)
  // is pulled, as `spin up --from` does; its state lives beside the pull.
  bool remote = !fs::exists(manifest_path, ec) && oci::names_registry(o.from);
  auto manifest = layout   ? oci::load_layout_spin_app(o.from)
                  : remote ? oci::pull_spin_app(o.from, oci::default_cache_dir())
                           : spin::load_manifest(manifest_path);
  if (!manifest) return fail(manifest.error());

  spin::AppOptions options;
  for (const std::string& spec : o.envs) {
    auto var = cli::parse_env_flag(spec);
    if (!var) return fail(var.error());
    if (*var) options.env.push_back(**var);
  }
  if (auto ok = apply_guest_flags(o.guest, options.config, options.timeout, options.reuse); !ok)
    return fail(ok.error());
  options.timeout_spec = o.guest.timeout;
  options.allow_transient_write = o.allow_transient_write;

  // runtime-config.toml: stores and databases beside the defaults, and the
  // variables providers after the SPIN_VARIABLE_* environment (and .env).
  spin::RuntimeConfig runtime_config;
  if (!o.runtime_config_file.empty()) {
    auto loaded = spin::load_runtime_config(o.runtime_config_file);
    if (!loaded) return fail(loaded.error());
    runtime_config = std::move(*loaded);
  }
  auto variables = std::make_shared<spinhost::VariableResolver>(
      manifest->variables, runtime_config.make_variable_providers());
  std::map<std::string, std::map<std::string, std::string>> component_variables;
  for (const spin::Component& c : manifest->components) component_variables[c.id] = c.variables;
  if (auto ok = variables->validate(component_variables); !ok) return fail(ok.error());
  options.variables = variables;

  // The default key-value store and database live in the app's .spin/, as
  // Spin keeps them; they survive restarts.
  std::string state_dir =
      o.state_dir.empty() ? (fs::path(manifest->directory) / ".spin").string() : o.state_dir;
  options.key_value = std::make_shared<spinhost::KeyValueStores>(
      (fs::path(state_dir) / "sqlite_key_value.db").string(), runtime_config.key_value_stores);
  options.sqlite = std::make_shared<spinhost::SqliteDatabases>(
      (fs::path(state_dir) / "sqlite_db.db").string(), runtime_config.sqlite_databases);
  if (auto ok = options.key_value->validate(); !ok) return fail(ok.error());
  if (auto ok = options.sqlite->validate(); !ok) return fail(ok.error());
  for (const std::string& kv : o.key_values)
    if (auto ok = options.key_value->seed(kv); !ok) return fail(ok.error());
  for (const std::string& statement : o.sqlite_statements)
    if (auto ok = options.sqlite->seed(statement); !ok) return fail(ok.error());

  auto observability = start_observability(o.server);
  if (!observability) return fail(observability.error());
  options.observer = (*observability)->observer;

  auto app = spin::App::create(std::move(*manifest), std::move(options));
  if (!app) return fail(app.error());
  for (const spin::DuplicateRoute& d : (*app)->duplicate_routes())
    fmt::print(stderr,
               "flint up: warning: route {} of `{}` is a duplicate of `{}`'s and is never "
               "used\n",
               d.route, d.replaced, d.effective);

  serve::ServerOptions server_options;
  server_options.host = addr->first;
  server_options.port = addr->second;
  if (auto ok = apply_server_flags(o.server, server_options); !ok) return fail(ok.error());
  std::shared_ptr<spin::App> served = *app;
  auto server = serve::Server::listen(
      server_options,
      [served](wasihttp::IncomingRequestData request, wasihttp::ResponseWriter& writer) {
        served->handle(std::move(request), writer);
      });
  if (!server) return fail(server.error());
  std::string host = (*server)->host();
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  std::string base = fmt::format("http://{}:{}", host, (*server)->port());
  fmt::print("Serving {}\nAvailable Routes:\n", base);
  for (const auto& [id, route] : (*app)->routes()) fmt::print("  {}: {}{}\n", id, base, route);
  std::fflush(stdout);
  print_metrics_address(**observability);
  (*server)->run(true);
  return cli::kExitOk;
}

}  // namespace

void add_up_command(CLI::App& app, CommandRunner& run) {
  auto options = std::make_shared<UpOptions>();
  CLI::App* cmd = app.add_subcommand("up",
                                     "Run a Spin application (spin.toml) over HTTP (as "
                                     "`spin up`)");
  cmd->add_option("-f,--from", options->from,
                  "The application: a spin.toml, a directory holding one, a registry reference "
                  "REGISTRY/APP:TAG (pulled into ~/.cache/flint/oci), or an OCI image layout "
                  "directory holding a Spin app (default: spin.toml)")
      ->type_name("MANIFEST|DIR|REF");
  cmd->add_option("--listen", options->listen,
                  "The address to listen on (default 127.0.0.1:3000; port 0: any free port)")
      ->type_name("ADDR:PORT");
  cmd->add_option("--runtime-config-file", options->runtime_config_file,
                  "Spin's runtime-config.toml: key-value stores, SQLite databases, variables "
                  "providers")
      ->type_name("FILE");
  cmd->add_option("-e,--env", options->envs,
                  "Set an environment variable for every component: NAME=VALUE")
      ->type_name("NAME=VALUE")
      ->allow_extra_args(false);
  cmd->add_option("--key-value", options->key_values,
                  "Set a key in the default key-value store before serving: KEY=VALUE")
      ->type_name("KEY=VALUE")
      ->allow_extra_args(false);
  cmd->add_option("--sqlite", options->sqlite_statements,
                  "Run a SQL statement (or @FILE of statements) on the default database before "
                  "serving")
      ->type_name("STATEMENT")
      ->allow_extra_args(false);
  cmd->add_option("--state-dir", options->state_dir,
                  "Where the default key-value store and database live (default: the app's "
                  ".spin/)")
      ->type_name("DIR");
  cmd->add_flag("--allow-transient-write", options->allow_transient_write,
                "Let components write to their mounted files (a copy; the app's files are never "
                "changed)");
  add_guest_flags(cmd, options->guest);
  add_server_flags(cmd, options->server);
  cmd->callback([&run, options] { run = [options] { return up(*options); }; });
}

}  // namespace flint::serve_cli
