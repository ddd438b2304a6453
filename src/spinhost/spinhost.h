// Spin's host interfaces for one component instance (issue 13): the
// fermyon:spin@2.0.0 and spin:*@3 interfaces, wasi:keyvalue and wasi:config,
// defined in a ComponentLinker next to WASI and wasi:http. Every interface is
// defined whatever the manifest grants -- componentize-py's Spin apps import
// the whole Spin world even for hello -- and a call the component is not
// granted answers Spin's access-denied error for that interface.
//
//   auto ctx = std::make_shared<spinhost::SpinHostContext>(...);
//   spinhost::define_spin(linker, ctx);
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "component_runtime/linker.h"
#include "outbound/allowed_hosts.h"
#include "spinhost/variables.h"

namespace flint::spinhost {

class KeyValueStores;   // spinhost/key_value.h: the app's named key-value stores
class SqliteDatabases;  // spinhost/sqlite.h: the app's named SQLite databases

/// What one component is granted and the app-wide services it reaches. Built
/// once per component at start-up; shared, read-only, by its requests.
struct SpinHostContext {
  std::string component_id;  ///< the manifest's component name, for messages

  /// The app's key-value stores, and the labels this component may open
  /// (`key_value_stores`).
  std::shared_ptr<KeyValueStores> key_value;
  std::vector<std::string> key_value_grants;

  /// The app's SQLite databases, and the labels this component may open
  /// (`sqlite_databases`).
  std::shared_ptr<SqliteDatabases> sqlite;
  std::vector<std::string> sqlite_grants;

  /// The app's variables, and this component's (`[component.NAME.variables]`:
  /// name -> template over the app's variables).
  std::shared_ptr<const VariableResolver> variables;
  std::map<std::string, std::string> component_variables;

  /// `allowed_outbound_hosts`, expanded.
  std::shared_ptr<const outbound::AllowedHosts> allowed_hosts;

  /// The LLM models this component may use (`ai_models`).
  std::vector<std::string> ai_models;
};

/// Defines every Spin host interface in `linker` for one instance of
/// `context`'s component.
void define_spin(component::ComponentLinker& linker,
                 std::shared_ptr<const SpinHostContext> context);

}  // namespace flint::spinhost
