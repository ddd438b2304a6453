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

#include <array>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "component_runtime/compiled_component.h"
#include "flint/runtime.h"
#include "serve/component_handler.h"
#include "serve/observer.h"
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
  /// How a WASI 0.3 component's instances serve many requests.
  serve::InstanceReuse reuse;
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
  /// Access log and metrics, per component (null: none).
  std::shared_ptr<serve::Observer> observer;
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

  /// Serves one request (the server's RequestHandler), observed under its
  /// component's id (or its trigger's, for a static response; `-` when no
  /// route matched).
  void handle(wasihttp::IncomingRequestData request, wasihttp::ResponseWriter& writer);

  /// Compiles every component now (`--preload`, and tests): the first
  /// error, naming its component.
  Status load_all();

  const Manifest& manifest() const { return manifest_; }
  /// The route listing Spin prints at start-up: (trigger id, route shown).
  std::vector<std::pair<std::string, std::string>> routes() const;
  /// How many distinct compiled components the app holds (components with
  /// the same source bytes share one).
  size_t compiled_count() const {
    std::lock_guard lock(compiled_mutex_);
    return compiled_by_digest_.size();
  }
  /// Routes written twice: the earlier one is unreachable.
  const std::vector<DuplicateRoute>& duplicate_routes() const { return duplicates_; }

 private:
  struct Loaded;
  App() = default;
  /// The compiled component and its handler, compiling it on first use.
  Result<std::shared_ptr<Loaded>> load(size_t component);
  /// handle() without the observer.
  void route(wasihttp::IncomingRequestData request, wasihttp::ResponseWriter& writer);
  /// The id a request for `path` is observed under.
  std::string observed_name(std::string_view path) const;

  Manifest manifest_;
  AppOptions options_;
  Router router_;
  std::vector<size_t> routed_triggers_;  ///< router index -> trigger index
  std::vector<DuplicateRoute> duplicates_;
  struct ComponentSlot;
  std::vector<std::unique_ptr<ComponentSlot>> slots_;  ///< per manifest component
  std::string staging_root_;                           ///< staged files, removed with the app

  /// Components whose sources are the same bytes (several components of one
  /// .wasm, as Spin apps do with a static file server) share one compiled
  /// form: a component costs its compiled size once, however many
  /// components use it. Each still gets its own grants and instances.
  Result<std::shared_ptr<const component::CompiledComponent>> compile_shared(
      std::vector<uint8_t> bytes, const Config& config);
  mutable std::mutex compiled_mutex_;
  std::map<std::array<uint8_t, 32>, std::shared_ptr<const component::CompiledComponent>>
      compiled_by_digest_;  ///< by the SHA-256 of the bytes
};

}  // namespace flint::spin
