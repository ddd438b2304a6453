// Spin's variables (issue 13): application variables declared in the
// manifest's `[variables]` (a default, `required`, `secret`), given values by
// providers (the `SPIN_VARIABLE_*` environment, a runtime-config `env`
// provider with its prefix and dotenv file), and component variables, whose
// values are templates over the application variables
// (`greeting = "hello {{ name }}"`). Guests read their component's variables
// through fermyon:spin/variables@2.0.0, spin:variables@3.0.0 and
// wasi:config/store; the manifest's `allowed_outbound_hosts` templates are
// expanded with the application variables.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flint/result.h"

namespace flint::component {
class ComponentLinker;
}  // namespace flint::component

namespace flint::spinhost {

/// One `[variables]` entry of the manifest.
struct AppVariable {
  std::optional<std::string> default_value;  ///< `default = "..."`
  bool required = false;                     ///< `required = true`: a provider must give it
  bool secret = false;                       ///< `secret = true`: never logged
};

/// Where application variables get their values, asked in order (the
/// manifest's default comes last).
class VariableProvider {
 public:
  virtual ~VariableProvider() = default;
  /// The value of application variable `name`, if this provider has one.
  virtual Result<std::optional<std::string>> get(std::string_view name) const = 0;
};

/// Resolves an application's variables: application variables through the
/// providers, then component variables as templates over them. Immutable
/// once built; shared by every request of the app, thread-safe.
class VariableResolver {
 public:
  /// `variables`: the manifest's `[variables]`; `providers`: asked in order
  /// before the defaults.
  VariableResolver(std::map<std::string, AppVariable> variables,
                   std::vector<std::unique_ptr<VariableProvider>> providers);
  ~VariableResolver();

  /// Checks that every required variable has a value and that each
  /// component's templates name only declared variables (at start-up, so
  /// that a broken manifest is refused before serving).
  Status validate(
      const std::map<std::string, std::map<std::string, std::string>>& component_variables) const;

  /// The value of application variable `name`.
  Result<std::string> app_variable(std::string_view name) const;

  /// `text` with every `{{ name }}` replaced by application variable
  /// `name`'s value (`{{` must be closed; names are as in the manifest).
  Result<std::string> expand(std::string_view text) const;

 private:
  std::map<std::string, AppVariable> variables_;
  std::vector<std::unique_ptr<VariableProvider>> providers_;
};

/// Whether `name` is a valid variable name as Spin checks them (lowercase
/// ASCII letters, digits and single underscores, starting with a letter and
/// ending with a letter or digit); `why` gets the reason when it is not.
bool valid_variable_name(std::string_view name, std::string* why = nullptr);

/// The `SPIN_VARIABLE_NAME` environment provider (Spin's default; a runtime
/// config `env` provider may set another prefix and a dotenv file of
/// `KEY=VALUE` lines, read once here; the environment wins over the file).
std::unique_ptr<VariableProvider> env_provider(std::string prefix = "SPIN_VARIABLE",
                                               std::optional<std::string> dotenv_path = {});

/// A provider of fixed values (runtime config's `type = "static"`).
std::unique_ptr<VariableProvider> static_provider(std::map<std::string, std::string> values);

struct SpinHostContext;

/// Defines fermyon:spin/variables@2.0.0, spin:variables/variables@3.0.0 and
/// wasi:config/store@0.2.0-draft-2024-09-27 in `linker` for `context`'s component.
void define_variables(component::ComponentLinker& linker,
                      const std::shared_ptr<const SpinHostContext>& context);

}  // namespace flint::spinhost
