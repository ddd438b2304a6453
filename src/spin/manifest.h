// Spin's application manifest, `spin.toml` version 2 (Spin's docs,
// "Application Manifest Reference"): what `flint up` reads. Parsed with
// toml++; every error names the file, the place (line:column for TOML
// syntax, the table path for a bad value) and what was expected, and a
// manifest Flint cannot honour is refused rather than half-run.
//
// Relative paths (component sources, file mounts, build workdirs) are
// resolved against the manifest's directory.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "flint/result.h"
#include "spinhost/variables.h"

namespace flint::spin {

/// `executor = { type = "wagi", ... }` of an HTTP trigger: a preview-1
/// command run as CGI.
struct WagiExecutor {
  std::string argv = "${SCRIPT_NAME} ${ARGS}";  ///< as Spin's default
  std::string entrypoint = "_start";
};

/// `static_response = { status, headers, body }` of an HTTP trigger (no
/// component runs).
struct StaticResponse {
  uint16_t status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::optional<std::string> body;
};

/// One `[[trigger.http]]`.
struct HttpTrigger {
  std::string id;                    ///< `id`, or one made from the component's
  std::optional<std::string> route;  ///< none: `route = { private = true }`
  std::string component;             ///< the component's id (empty for a static response)
  std::optional<WagiExecutor> wagi;  ///< `executor = { type = "wagi" }`
  std::optional<StaticResponse> static_response;
};

/// One entry of a component's `files`: a glob over the manifest directory
/// mounted at the guest's root, or a `{ source, destination }` directory or
/// file mount.
struct FileMount {
  std::string pattern;      ///< a glob relative to the manifest directory; empty for a mount
  std::string source;       ///< host path (absolute) of a `{ source, destination }` mount
  std::string destination;  ///< guest path of that mount
};

/// `build = { command, workdir, watch }`.
struct BuildConfig {
  std::string command;
  std::string workdir;  ///< absolute; the manifest directory when absent
  std::vector<std::string> watch;
};

/// One `[component.NAME]`.
struct Component {
  std::string id;
  std::string description;
  std::string source;  ///< absolute path of the .wasm
  std::vector<FileMount> files;
  std::vector<std::string> exclude_files;  ///< globs relative to the manifest directory
  std::vector<std::pair<std::string, std::string>> environment;
  std::vector<std::string> allowed_outbound_hosts;  ///< unexpanded (`{{ var }}` templates)
  std::vector<std::string> key_value_stores;
  std::vector<std::string> sqlite_databases;
  std::vector<std::string> ai_models;
  std::map<std::string, std::string> variables;  ///< name -> template
  std::optional<BuildConfig> build;
};

/// A whole spin.toml.
struct Manifest {
  std::string path;       ///< the file, absolute
  std::string directory;  ///< its directory, absolute
  std::string name;
  std::string version;
  std::string description;
  std::vector<std::string> authors;
  std::map<std::string, spinhost::AppVariable> variables;
  std::vector<HttpTrigger> http_triggers;
  std::vector<Component> components;  ///< in manifest order

  /// The component named `id`, or null.
  const Component* find_component(std::string_view id) const;
};

/// Reads and checks `path` (a spin.toml).
Result<Manifest> load_manifest(const std::string& path);

/// Parses manifest text; `path` is where it came from (for messages and for
/// resolving relative paths).
Result<Manifest> parse_manifest(std::string_view text, const std::string& path);

}  // namespace flint::spin
