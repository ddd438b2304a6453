// Spin's runtime configuration file (`spin up --runtime-config-file`,
// `runtime-config.toml`): where an app's key-value stores and SQLite
// databases live and where its variables come from.
//
//   [key_value_store.NAME]  type = "spin", path = "..."   (SQLite file)
//                           type = "redis", url = "redis://host:port"
//   [sqlite_database.NAME]  type = "spin", path = "..."
//   [[variables_provider]]  type = "env", prefix = "...", dotenv_path = "..."
//                           type = "static", values = { name = "value" }
//
// Relative store and database paths are relative to the folder of the
// runtime config file; a dotenv_path is used as written (relative to the
// working directory), as Spin's env provider opens it. Other sections (outbound services, LLM,
// triggers) are left to their owners: parse_runtime_config ignores tables it does not know.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flint/result.h"
#include "spinhost/key_value.h"
#include "spinhost/sqlite.h"
#include "spinhost/variables.h"

namespace flint::spin {

/// One `[[variables_provider]]` (Spin 1's `[[config_provider]]` is read too).
struct VariablesProviderConfig {
  std::string type;  ///< "env" or "static"
  /// env: the prefix of the environment variables (Spin's default
  /// SPIN_VARIABLE) and a dotenv file (as written: Spin opens it relative to
  /// the working directory).
  std::string prefix = "SPIN_VARIABLE";
  std::optional<std::string> dotenv_path;
  /// static: the values by variable name.
  std::map<std::string, std::string> values;
};

/// What a runtime config file says about stores, databases and variables.
struct RuntimeConfig {
  std::vector<spinhost::KeyValueStoreConfig> key_value_stores;
  std::vector<spinhost::SqliteDatabaseConfig> sqlite_databases;
  std::vector<VariablesProviderConfig> variables_providers;

  /// The variable providers in Spin's order: the `SPIN_VARIABLE_*`
  /// environment with the dotenv file `default_dotenv` (Spin's `.env` of the
  /// working directory; a missing file is no error) first, always there,
  /// then the configured ones.
  std::vector<std::unique_ptr<spinhost::VariableProvider>> make_variable_providers(
      const std::string& default_dotenv = ".env") const;
};

/// Reads and parses the runtime config file at `path`.
Result<RuntimeConfig> load_runtime_config(const std::string& path);

/// Parses runtime config text; relative paths are resolved against `base_dir`.
/// `source` names the text in messages.
Result<RuntimeConfig> parse_runtime_config(std::string_view text, const std::string& base_dir,
                                           const std::string& source = "runtime config");

}  // namespace flint::spin
