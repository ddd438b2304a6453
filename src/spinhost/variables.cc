// Spin's variables: names, templates, providers (spin-expressions' rules).
#include "spinhost/variables.h"

#include <cstdlib>
#include <fstream>

namespace flint::spinhost {

namespace {

Error usage(std::string detail) { return make_error(ErrorCode::Usage, std::move(detail)); }

/// Why `name` is no valid variable name (spin-expressions' Key::validate:
/// lowercase ASCII letters, digits and single underscores, starting with a
/// letter, ending with a letter or digit), or empty when it is one.
std::string name_problem(std::string_view name) {
  if (name.empty()) return "must not be empty";
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
      return std::string("invalid character '") + c +
             "'. Variable names may contain only lower-case letters, numbers, and underscores.";
  if (!(name.front() >= 'a' && name.front() <= 'z'))
    return "must start with a lowercase ASCII letter";
  if (name.back() == '_') return "must end with a lowercase ASCII letter or digit";
  if (name.find("__") != std::string_view::npos)
    return "must not contain multiple consecutive underscores";
  return {};
}

/// `{{ name }}` parts of a template: literal text and variable names.
struct Part {
  bool variable = false;
  std::string text;
};

Result<std::vector<Part>> parse_template(std::string_view text) {
  std::vector<Part> parts;
  while (!text.empty()) {
    auto open = text.find("{{");
    if (open == std::string_view::npos) {
      parts.push_back({false, std::string(text)});
      break;
    }
    if (open) parts.push_back({false, std::string(text.substr(0, open))});
    auto close = text.find("}}", open + 2);
    if (close == std::string_view::npos)
      return usage("invalid variable template: unclosed '{{' in \"" + std::string(text) + "\"");
    std::string_view name = text.substr(open + 2, close - open - 2);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    if (auto why = name_problem(name); !why.empty())
      return usage("invalid variable name: \"" + std::string(name) + "\": " + why);
    parts.push_back({true, std::string(name)});
    text.remove_prefix(close + 2);
  }
  return parts;
}

/// SPIN_VARIABLE_NAME from the environment, then from a dotenv file.
class EnvProvider final : public VariableProvider {
 public:
  EnvProvider(std::string prefix, std::map<std::string, std::string> dotenv)
      : prefix_(std::move(prefix)), dotenv_(std::move(dotenv)) {}

  Result<std::optional<std::string>> get(std::string_view name) const override {
    std::string key = prefix_.empty() ? "" : prefix_ + "_";
    for (char c : name) key += char(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    if (const char* v = std::getenv(key.c_str())) return std::optional<std::string>(v);
    if (auto it = dotenv_.find(key); it != dotenv_.end())
      return std::optional<std::string>(it->second);
    return std::optional<std::string>();
  }

 private:
  std::string prefix_;
  std::map<std::string, std::string> dotenv_;
};

/// Fixed values by name.
class StaticProvider final : public VariableProvider {
 public:
  explicit StaticProvider(std::map<std::string, std::string> values) : values_(std::move(values)) {}
  Result<std::optional<std::string>> get(std::string_view name) const override {
    auto it = values_.find(std::string(name));
    if (it == values_.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second);
  }

 private:
  std::map<std::string, std::string> values_;
};

/// `KEY=VALUE` lines; `#` starts a comment line; blank lines, an `export `
/// prefix and quotes around the value are allowed, as dotenv files have them.
std::map<std::string, std::string> read_dotenv(const std::string& path) {
  std::map<std::string, std::string> out;
  std::ifstream in(path);
  std::string line;
  auto trim = [](std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
      s.remove_suffix(1);
    return s;
  };
  while (std::getline(in, line)) {
    std::string_view l = trim(line);
    if (l.empty() || l.front() == '#') continue;
    if (l.starts_with("export ")) l = trim(l.substr(7));
    auto eq = l.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view value = trim(l.substr(eq + 1));
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front())
      value = value.substr(1, value.size() - 2);
    out[std::string(trim(l.substr(0, eq)))] = std::string(value);
  }
  return out;
}

}  // namespace

VariableResolver::VariableResolver(std::map<std::string, AppVariable> variables,
                                   std::vector<std::unique_ptr<VariableProvider>> providers)
    : variables_(std::move(variables)), providers_(std::move(providers)) {}

VariableResolver::~VariableResolver() = default;

Status VariableResolver::validate(
    const std::map<std::string, std::map<std::string, std::string>>& component_variables) const {
  for (const auto& [name, variable] : variables_) {
    if (auto why = name_problem(name); !why.empty())
      return usage("invalid variable name: \"" + name + "\": " + why);
    if (variable.required && variable.default_value)
      return usage("variable " + name + ": `required` and `default` exclude each other");
  }
  for (const auto& [name, variable] : variables_) {
    auto value = app_variable(name);
    if (!value) return std::move(value).error();
  }
  for (const auto& [component, vars] : component_variables) {
    for (const auto& [name, text] : vars) {
      if (auto why = name_problem(name); !why.empty())
        return usage("component " + component + ": invalid variable name: \"" + name +
                     "\": " + why);
      FLINT_ASSIGN(auto parts, parse_template(text));
      for (const Part& p : parts)
        if (p.variable && !variables_.count(p.text))
          return usage("component " + component + ": variable " + name +
                       ": invalid variable template: unknown variable \"" + p.text + "\"");
    }
  }
  return {};
}

Result<std::string> VariableResolver::app_variable(std::string_view name) const {
  auto it = variables_.find(std::string(name));
  if (it == variables_.end()) return usage("undefined variable: \"" + std::string(name) + "\"");
  for (const auto& provider : providers_) {
    auto value = provider->get(name);
    if (!value) return std::move(value).error();
    if (*value) return std::move(**value);
  }
  if (it->second.default_value) return *it->second.default_value;
  return usage("no provider resolved required variable \"" + std::string(name) + "\"");
}

Result<std::string> VariableResolver::expand(std::string_view text) const {
  FLINT_ASSIGN(auto parts, parse_template(text));
  std::string out;
  for (const Part& p : parts) {
    if (!p.variable) {
      out += p.text;
      continue;
    }
    FLINT_ASSIGN(std::string value, app_variable(p.text));
    out += value;
  }
  return out;
}

bool valid_variable_name(std::string_view name, std::string* why) {
  std::string problem = name_problem(name);
  if (why) *why = problem;
  return problem.empty();
}

std::unique_ptr<VariableProvider> env_provider(std::string prefix,
                                               std::optional<std::string> dotenv_path) {
  std::map<std::string, std::string> dotenv;
  if (dotenv_path) dotenv = read_dotenv(*dotenv_path);
  return std::make_unique<EnvProvider>(std::move(prefix), std::move(dotenv));
}

std::unique_ptr<VariableProvider> static_provider(std::map<std::string, std::string> values) {
  return std::make_unique<StaticProvider>(std::move(values));
}

}  // namespace flint::spinhost
