// A parsed WAST script (the spec interpreter's script format, as used by the
// official test suite): module definitions, actions and assertions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "flint/value.h"
#include "wast/component_literal.h"

namespace flint::wast {

/// A module as a script writes it. Text modules are encoded to binary when the
/// script is parsed (a malformed one fails the whole script, as in the
/// reference interpreter); `quote` modules are kept as text and parsed only
/// when their command runs, since assert_malformed expects that to fail.
struct ScriptModule {
  enum class Form : uint8_t { Text, Binary, Quote };
  Form form = Form::Text;
  std::optional<std::string> id;  ///< "$name" without the '$'
  std::vector<uint8_t> binary;    ///< Text and Binary forms
  std::string quote;              ///< Quote form: the concatenated strings
  uint32_t line = 0;
  /// `(component ...)` rather than `(module ...)`: `binary` holds a component
  /// (component-model Binary.md), and a quote holds component fields.
  bool component = false;
};

/// `(invoke $mod? "name" args...)` or `(get $mod? "name")`. An argument
/// `(ref.extern N)` is the reference whose pointer value is N + 1: a token
/// the engine never dereferences, so distinct N stay distinct and non-null.
struct Action {
  enum class Kind : uint8_t { Invoke, Get };
  Kind kind = Kind::Invoke;
  std::optional<std::string> module;
  std::string field;
  std::vector<Value> args;
  uint32_t line = 0;
  /// The action names an export of a component instance: its arguments are
  /// in `component_args` (and `args` is empty).
  bool component = false;
  std::vector<ComponentLiteral> component_args;
};

/// One expected result of assert_return.
struct Expected {
  enum class Kind : uint8_t {
    Exact,          ///< `value` bit for bit (for refs: the same reference)
    CanonicalNan,   ///< nan:canonical of `value.type` (f32/f64, or per lane)
    ArithmeticNan,  ///< nan:arithmetic
    AnyRef,         ///< (ref.func) / (ref.extern) without an index: any non-null
    LanePatterns,   ///< v128 float lanes, each exact or a NaN class: see `lanes`
    Either,         ///< any one of `alternatives`
  };
  Kind kind = Kind::Exact;
  Value value;
  /// For LanePatterns: the lane shape (F32 gives 4 lanes, F64 2) and for each
  /// lane Exact, CanonicalNan or ArithmeticNan; exact lane bits are in `value`.
  ValType lane_type = ValType::F32;
  std::vector<Kind> lanes;
  std::vector<Expected> alternatives;
};

struct ModuleCommand {
  ScriptModule module;
};
struct RegisterCommand {
  std::string name;
  std::optional<std::string> module;
  uint32_t line = 0;
};
struct ActionCommand {
  Action action;
};
/// For a component action (`action.component`) the expected values are in
/// `component_expected`.
struct AssertReturn {
  Action action;
  std::vector<Expected> expected;
  std::vector<ComponentLiteral> component_expected;
};
/// `(component definition $id ...)` / `(module definition $id ...)`: the
/// module or component is compiled and named, but not instantiated.
struct DefinitionCommand {
  ScriptModule module;
};
/// `(component instance $inst $def)` / `(module instance $inst $def)`:
/// instantiates a definition (the latest when `definition` is absent).
struct InstanceCommand {
  std::optional<std::string> instance;
  std::optional<std::string> definition;
  bool component = false;
  uint32_t line = 0;
};
/// assert_trap on an action.
struct AssertTrap {
  Action action;
  std::string message;
};
/// assert_trap on a module or component: instantiation (start function,
/// segments, a component's start or core instantiations) traps.
struct AssertUninstantiable {
  ScriptModule module;
  std::string message;
};
struct AssertExhaustion {
  Action action;
  std::string message;
};
/// assert_exception (exception handling, wasm 3.0): the action ends with
/// an exception no try_table caught.
struct AssertException {
  Action action;
};
struct AssertMalformed {
  ScriptModule module;
  std::string message;
};
struct AssertInvalid {
  ScriptModule module;
  std::string message;
};
struct AssertUnlinkable {
  ScriptModule module;
  std::string message;
};

using Command =
    std::variant<ModuleCommand, RegisterCommand, ActionCommand, AssertReturn, AssertTrap,
                 AssertUninstantiable, AssertExhaustion, AssertMalformed, AssertInvalid,
                 AssertUnlinkable, DefinitionCommand, InstanceCommand, AssertException>;

/// True for a command about a component (the component runtime is not wired
/// into the script runner yet).
inline bool is_component_command(const Command& command) {
  return std::visit(
      [](const auto& c) {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, InstanceCommand>) {
          return c.component;
        } else if constexpr (requires { c.module.component; }) {
          return c.module.component;
        } else if constexpr (requires { c.action.component; }) {
          return c.action.component;
        } else {
          return false;
        }
      },
      command);
}

struct Script {
  std::vector<Command> commands;
  /// Line of each command, parallel to `commands`, for failure reports.
  std::vector<uint32_t> lines;
};

}  // namespace flint::wast
