// A running Spin application (`flint up`): the manifest's HTTP triggers
// routed to their components, each request served by a fresh instance with
// the component's grants (environment, files, allowed outbound hosts,
// key-value stores, SQLite databases, variables) and Spin's `spin-*`
// request headers.
//
// Scale to zero: a component is compiled the first time its route is hit,
// not at start-up (start-up only checks that its source exists); one that
// fails to compile or link answers 500 on every hit, with the reason on
// stderr once.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "flint/runtime.h"
#include "serve/server.h"
#include "spin/manifest.h"
#include "spin/router.h"
#include "spinhost/spinhost.h"

namespace flint::spin {

/// What `flint up`'s flags and runtime config give the app.
struct AppOptions {
  Config config;  ///< the engine and limits of each request's Store
  /// How long one request's guest may run; none: no limit.
  std::optional<std::chrono::nanoseconds> timeout;
  std::string timeout_spec;  ///< as written, for messages
  /// `--env NAME=VALUE`: added to every component's environment (after the
  /// manifest's, so it wins).
  std::vector<std::pair<std::string, std::string>> env;
  /// `--allow-transient-write`: a component may write to its mounted files
  /// (its own copy; the app's files are never written).
  bool allow_transient_write = false;
  /// The app's services (runtime config): key-value stores, SQLite
  /// databases, variables.
  std::shared_ptr<spinhost::KeyValueStores> key_value;
  std::shared_ptr<spinhost::SqliteDatabases> sqlite;
  std::shared_ptr<const spinhost::VariableResolver> variables;
};

/// One loaded application.
class App {
 public:
  /// Checks the manifest against what Flint can run (sources exist,
  /// routes parse, allowed hosts parse once their templates are expanded),
  /// stages each component's files, and builds the router. Nothing is
  /// compiled yet.
  static Result<std::shared_ptr<App>> create(Manifest manifest, AppOptions options);
  ~App();

  /// Serves one request (the server's RequestHandler).
  void handle(wasihttp::IncomingRequestData request, wasihttp::ResponseWriter& writer);

  /// Compiles every component now (`--preload`, and tests): the first
  /// error, naming its component.
  Status load_all();

  const Manifest& manifest() const { return manifest_; }
  /// The route listing Spin prints at start-up: (trigger id, route shown).
  std::vector<std::pair<std::string, std::string>> routes() const;
  /// Routes written twice: the earlier one is unreachable.
  const std::vector<DuplicateRoute>& duplicate_routes() const { return duplicates_; }

 private:
  struct Loaded;
  App() = default;
  /// The compiled component and its handler, compiling it on first use.
  Result<std::shared_ptr<Loaded>> load(size_t component);

  Manifest manifest_;
  AppOptions options_;
  Router router_;
  std::vector<size_t> routed_triggers_;  ///< router index -> trigger index
  std::vector<DuplicateRoute> duplicates_;
  struct ComponentSlot;
  std::vector<std::unique_ptr<ComponentSlot>> slots_;  ///< per manifest component
  std::string staging_root_;                           ///< staged files, removed with the app
};

}  // namespace flint::spin
