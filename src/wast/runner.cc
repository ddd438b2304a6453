#include "wast/runner.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "module/module.h"
#include "text/parse.h"
#include "wast/component_script.h"
#include "wast/expect.h"
#include "wast/spectest.h"

namespace flint::wast {

namespace {

// The outcome of one command: nothing (pass), or why it failed. A message
// mismatch is a pass in the right phase with other words than the script's.
struct Outcome {
  bool passed = true;
  std::string why;
  bool message_mismatch = false;
};

Outcome pass() { return {}; }
Outcome fail(std::string why) { return {false, std::move(why), false}; }

// Runs the commands of one script against one store, in order.
class ScriptRun {
 public:
  explicit ScriptRun(const RunnerOptions& options) : options_(options), store_(options.config) {}

  Status init() { return define_spectest(store_, linker_, options_.print_output); }

  Outcome run(const Command& command) {
    if (is_component_command(command))
      return std::visit([this](const auto& c) { return execute_component(c); }, command);
    return std::visit([this](const auto& c) { return execute(c); }, command);
  }

 private:
  // Bytes of a script module: quote modules are parsed only now.
  Result<std::vector<uint8_t>> binary_of(const ScriptModule& m) {
    if (m.form == ScriptModule::Form::Quote) return text::parse_wat(m.quote);
    return m.binary;
  }

  Result<std::shared_ptr<const CompiledModule>> compile_module(const ScriptModule& m) {
    FLINT_ASSIGN(std::vector<uint8_t> bytes, binary_of(m));
    return compile(bytes, options_.config);
  }

  Outcome execute(const ModuleCommand& c) {
    auto compiled = compile_module(c.module);
    if (!compiled) return fail("module failed to compile: " + compiled.error().describe());
    modules_.push_back(*compiled);
    auto instance = linker_.instantiate(store_, **compiled);
    if (!instance) return fail("module failed to instantiate: " + instance.error().describe());
    current_ = *instance;
    if (c.module.id) named_[*c.module.id] = current_;
    return pass();
  }

  // (module definition $id ...): compiled now, instantiated by `module instance`.
  Outcome execute(const DefinitionCommand& c) {
    auto compiled = compile_module(c.module);
    if (!compiled) return fail("module failed to compile: " + compiled.error().describe());
    modules_.push_back(*compiled);
    latest_definition_ = *compiled;
    if (c.module.id) definitions_[*c.module.id] = *compiled;
    return pass();
  }

  Outcome execute(const InstanceCommand& c) {
    std::shared_ptr<const CompiledModule> module = latest_definition_;
    if (c.definition) {
      auto it = definitions_.find(*c.definition);
      module = it == definitions_.end() ? nullptr : it->second;
    }
    if (!module) return fail("module instance: no such definition");
    auto instance = linker_.instantiate(store_, *module);
    if (!instance) return fail("module failed to instantiate: " + instance.error().describe());
    current_ = *instance;
    if (c.instance) named_[*c.instance] = current_;
    return pass();
  }

  Outcome execute(const RegisterCommand& c) {
    Instance* instance = find_instance(c.module);
    if (!instance) return fail("register: no such module");
    linker_.define_instance(c.name, *instance);
    return pass();
  }

  Outcome execute(const ActionCommand& c) {
    auto results = perform(c.action);
    if (!results) return fail(results.error().describe());
    return pass();
  }

  Outcome execute(const AssertReturn& c) {
    auto results = perform(c.action);
    if (!results)
      return fail(fmt::format("\"{}\": {}", c.action.field, results.error().describe()));
    const std::vector<Value>& got = *results;
    if (got.size() != c.expected.size())
      return fail(fmt::format("\"{}\": {} results, expected {}", c.action.field, got.size(),
                              c.expected.size()));
    for (size_t i = 0; i < got.size(); ++i) {
      if (!matches(c.expected[i], got[i]))
        return fail(fmt::format("\"{}\": result {} is {}, expected {}", c.action.field, i,
                                describe(got[i]), describe(c.expected[i])));
    }
    return pass();
  }

  Outcome execute(const AssertTrap& c) {
    return expect_failure(perform(c.action), Phase::Trap, c.message);
  }
  Outcome execute(const AssertExhaustion& c) {
    return expect_failure(perform(c.action), Phase::Exhaustion, c.message);
  }

  Outcome execute(const AssertException& c) { return expect_exception(perform(c.action)); }

  // An exception reaching the host is the error "uncaught exception"; a
  // trap is not an exception.
  template <typename T>
  Outcome expect_exception(const Result<T>& r) {
    if (r) return fail("expected an uncaught exception, got a result");
    if (r.error().code != ErrorCode::UncaughtException)
      return fail("expected an uncaught exception, got: " + r.error().describe());
    return pass();
  }

  Outcome execute(const AssertUninstantiable& c) {
    auto compiled = compile_module(c.module);
    if (!compiled) return fail("module failed to compile: " + compiled.error().describe());
    modules_.push_back(*compiled);
    return expect_failure(linker_.instantiate(store_, **compiled), Phase::Trap, c.message);
  }

  Outcome execute(const AssertUnlinkable& c) {
    auto compiled = compile_module(c.module);
    if (!compiled) return fail("module failed to compile: " + compiled.error().describe());
    modules_.push_back(*compiled);
    return expect_failure(linker_.instantiate(store_, **compiled), Phase::Link, c.message);
  }

  Outcome execute(const AssertMalformed& c) {
    auto bytes = binary_of(c.module);
    if (!bytes) return expect_failure(bytes, Phase::Parse, c.message);
    return expect_failure(compile(*bytes, options_.config), Phase::Decode, c.message);
  }

  Outcome execute(const AssertInvalid& c) {
    auto bytes = binary_of(c.module);
    if (!bytes) return fail("module failed to parse: " + bytes.error().describe());
    return expect_failure(compile(*bytes, options_.config), Phase::Validate, c.message);
  }

  // ---- components (component_script.h) ----------------------------------

  Outcome execute_component(const ModuleCommand& c) {
    auto compiled = components_.compile(c.module);
    if (!compiled) return fail("component failed to compile: " + compiled.error().describe());
    auto instance = components_.instantiate(*compiled);
    if (!instance) return fail("component failed to instantiate: " + instance.error().describe());
    components_.add_instance(*instance, c.module.id);
    return pass();
  }

  Outcome execute_component(const DefinitionCommand& c) {
    auto compiled = components_.compile(c.module);
    if (!compiled) return fail("component failed to compile: " + compiled.error().describe());
    components_.define(*compiled, c.module.id);
    return pass();
  }

  Outcome execute_component(const InstanceCommand& c) {
    auto definition = components_.definition(c.definition);
    if (!definition) return fail("component instance: no such definition");
    auto instance = components_.instantiate(definition);
    if (!instance) return fail("component failed to instantiate: " + instance.error().describe());
    components_.add_instance(*instance, c.instance);
    return pass();
  }

  Outcome execute_component(const RegisterCommand&) {
    return fail("register: components are linked inside a parent component");
  }

  Outcome execute_component(const ActionCommand& c) {
    auto result = components_.perform(c.action);
    if (!result) return fail(result.error().describe());
    return pass();
  }

  Outcome execute_component(const AssertReturn& c) {
    auto result = components_.perform(c.action);
    if (!result) return fail(fmt::format("\"{}\": {}", c.action.field, result.error().describe()));
    if (auto why = ComponentScript::mismatch(*result, c.component_expected))
      return fail(fmt::format("\"{}\": {}", c.action.field, *why));
    return pass();
  }

  Outcome execute_component(const AssertTrap& c) {
    return expect_failure(components_.perform(c.action), Phase::Trap,
                          without_trap_prefix(c.message));
  }

  // Some component scripts write wasmtime's "wasm trap: " before the words.
  static std::string without_trap_prefix(const std::string& message) {
    constexpr std::string_view prefix = "wasm trap: ";
    return message.starts_with(prefix) ? message.substr(prefix.size()) : message;
  }

  Outcome execute_component(const AssertExhaustion& c) {
    return expect_failure(components_.perform(c.action), Phase::Exhaustion, c.message);
  }

  Outcome execute_component(const AssertException& c) {
    return expect_exception(components_.perform(c.action));
  }

  Outcome execute_component(const AssertUninstantiable& c) {
    auto compiled = components_.compile(c.module);
    if (!compiled) return fail("component failed to compile: " + compiled.error().describe());
    return expect_failure(components_.instantiate(*compiled), Phase::Trap,
                          without_trap_prefix(c.message));
  }

  Outcome execute_component(const AssertUnlinkable& c) {
    auto compiled = components_.compile(c.module);
    if (!compiled) return fail("component failed to compile: " + compiled.error().describe());
    return expect_failure(components_.instantiate(*compiled), Phase::Link, c.message);
  }

  Outcome execute_component(const AssertMalformed& c) {
    return expect_failure(components_.compile(c.module), Phase::Decode, c.message);
  }

  Outcome execute_component(const AssertInvalid& c) {
    if (c.module.form == ScriptModule::Form::Quote) {
      // A text component that does not even parse is not the invalid one.
      auto bytes = text::parse_wat("(component " + c.module.quote + ")");
      if (!bytes) return fail("component failed to parse: " + bytes.error().describe());
    }
    // wasmparser validates while it decodes, so the component scripts call
    // some binary errors invalid ("invalid leading byte"): either phase
    // passes when the words are the script's.
    auto compiled = components_.compile(c.module);
    if (!compiled && compiled.error().phase() == Phase::Decode)
      return expect_failure(compiled, Phase::Decode, c.message);
    return expect_failure(compiled, Phase::Validate, c.message);
  }

  // Text and binary malformations are one class for the script.
  static bool same_phase(Phase got, Phase want) {
    auto malformed = [](Phase p) { return p == Phase::Parse || p == Phase::Decode; };
    return got == want || (malformed(got) && malformed(want));
  }

  template <class T>
  Outcome expect_failure(const Result<T>& result, Phase phase, const std::string& message) {
    if (result.ok())
      return fail(fmt::format("expected {} \"{}\", but it succeeded", phase_name(phase), message));
    const Error& error = result.error();
    if (!same_phase(error.phase(), phase))
      return fail(fmt::format("expected {} \"{}\", got {} error: {}", phase_name(phase), message,
                              phase_name(error.phase()), error.describe()));
    // The reference interpreter accepts a message that starts with the expected text.
    std::string got = error.message();
    if (got.compare(0, message.size(), message) != 0) {
      Outcome o;
      o.message_mismatch = true;
      o.why = fmt::format("expected \"{}\", got \"{}\"", message, got);
      if (options_.strict_messages) o.passed = false;
      return o;
    }
    return pass();
  }

  Instance* find_instance(const std::optional<std::string>& id) {
    if (!id) return current_;
    auto it = named_.find(*id);
    return it == named_.end() ? nullptr : it->second;
  }

  Result<std::vector<Value>> perform(const Action& a) {
    Instance* instance = find_instance(a.module);
    if (!instance)
      return make_error(ErrorCode::Usage,
                        fmt::format("no module {}", a.module.value_or("(current)")));
    std::optional<Extern> item = instance->find_export(a.field);
    if (!item) return make_error(ErrorCode::Usage, fmt::format("no export \"{}\"", a.field));
    if (a.kind == Action::Kind::Get) {
      if (item->kind != ExternKind::Global)
        return make_error(ErrorCode::Usage, fmt::format("export \"{}\" is not a global", a.field));
      return std::vector<Value>{store_.global_value(*item)};
    }
    if (item->kind != ExternKind::Func)
      return make_error(ErrorCode::Usage, fmt::format("export \"{}\" is not a function", a.field));
    return store_.call(*item, a.args);
  }

  const RunnerOptions& options_;
  Store store_;
  Linker linker_;
  // Compiled modules stay alive as long as the store's instances refer to them.
  std::vector<std::shared_ptr<const CompiledModule>> modules_;
  Instance* current_ = nullptr;
  // Components of the script, in the same store.
  ComponentScript components_{store_, options_.config};
  std::map<std::string, Instance*> named_;
  // `module definition`s, by name, and the latest one.
  std::map<std::string, std::shared_ptr<const CompiledModule>> definitions_;
  std::shared_ptr<const CompiledModule> latest_definition_;
};

}  // namespace

FileReport run_script(const Script& script, const std::string& name, const RunnerOptions& options) {
  FileReport report;
  report.path = name;
  ScriptRun run(options);
  if (Status s = run.init(); !s) {
    report.failed = 1;
    report.failures.push_back({0, "spectest module: " + s.error().describe()});
    return report;
  }
  for (size_t i = 0; i < script.commands.size(); ++i) {
    uint32_t line = i < script.lines.size() ? script.lines[i] : 0;
    Outcome o = run.run(script.commands[i]);
    if (o.message_mismatch) {
      ++report.message_mismatches;
      report.mismatches.push_back({line, o.why});
    }
    if (o.passed) {
      ++report.passed;
    } else {
      ++report.failed;
      report.failures.push_back({line, o.why});
    }
  }
  return report;
}

FileReport run_wast_file(const std::string& path, const RunnerOptions& options) {
  FileReport report;
  report.path = path;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    report.failed = 1;
    report.failures.push_back({0, "cannot read the file"});
    return report;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string source = buffer.str();
  auto script = text::parse_wast(source);
  if (!script) {
    report.failed = 1;
    report.failures.push_back({script.error().line.value_or(0), script.error().describe()});
    return report;
  }
  return run_script(*script, path, options);
}

}  // namespace flint::wast
