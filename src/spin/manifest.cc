// spin.toml version 2, read with toml++ into a Manifest.
#include "spin/manifest.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace flint::spin {

namespace {

namespace fs = std::filesystem;

/// Errors name the manifest and the place in it.
class Reader {
 public:
  explicit Reader(const std::string& path) : path_(path) {}

  Error error(const std::string& where, const std::string& what) const {
    return make_error(ErrorCode::Usage, fmt::format("{}: {}: {}", path_, where, what));
  }

  /// Refuses keys outside `known`, as Spin does (a misspelt key is not
  /// silently ignored).
  Status known_keys(const toml::table& table, const std::string& where,
                    std::initializer_list<std::string_view> known) const {
    for (const auto& [key, value] : table) {
      bool ok = false;
      for (std::string_view k : known) ok = ok || key.str() == k;
      if (!ok)
        return error(where, fmt::format("unknown field `{}` (expected one of: {})", key.str(),
                                        fmt::join(known, ", ")));
    }
    return {};
  }

  Result<std::string> string(const toml::node* node, const std::string& where) const {
    if (!node || !node->is_string()) return error(where, "expected a string");
    return std::string(*node->value<std::string>());
  }

  Result<std::optional<std::string>> optional_string(const toml::table& t, std::string_view key,
                                                     const std::string& where) const {
    const toml::node* node = t.get(key);
    if (!node) return std::optional<std::string>();
    FLINT_ASSIGN(std::string s, string(node, where + "." + std::string(key)));
    return std::optional<std::string>(std::move(s));
  }

  Result<std::vector<std::string>> strings(const toml::table& t, std::string_view key,
                                           const std::string& where) const {
    std::vector<std::string> out;
    const toml::node* node = t.get(key);
    if (!node) return out;
    std::string place = where + "." + std::string(key);
    const toml::array* array = node->as_array();
    if (!array) return error(place, "expected an array of strings");
    for (size_t i = 0; i < array->size(); ++i) {
      FLINT_ASSIGN(std::string s, string(array->get(i), fmt::format("{}[{}]", place, i)));
      out.push_back(std::move(s));
    }
    return out;
  }

  Result<bool> boolean(const toml::table& t, std::string_view key, const std::string& where,
                       bool fallback) const {
    const toml::node* node = t.get(key);
    if (!node) return fallback;
    if (!node->is_boolean()) return error(where + "." + std::string(key), "expected true or false");
    return *node->value<bool>();
  }

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

/// Spin's component ids and store labels: kebab-case words of lowercase
/// letters and digits, each starting with a letter... Spin allows digits to
/// start later words ("api-v2"), not the first.
bool is_kebab_id(std::string_view id) {
  if (id.empty() || !(id[0] >= 'a' && id[0] <= 'z') || id.back() == '-') return false;
  for (size_t i = 0; i < id.size(); ++i) {
    char c = id[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok || (c == '-' && id[i + 1] == '-')) return false;
  }
  return true;
}

/// Spin's variable names: snake_case, starting with a letter.
bool is_snake_id(std::string_view id) {
  if (id.empty() || !(id[0] >= 'a' && id[0] <= 'z') || id.back() == '_') return false;
  for (size_t i = 0; i < id.size(); ++i) {
    char c = id[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok || (c == '_' && id[i + 1] == '_')) return false;
  }
  return true;
}

std::string absolute(const std::string& dir, const std::string& path) {
  fs::path p(path);
  return (p.is_absolute() ? p : fs::path(dir) / p).lexically_normal().string();
}

Result<std::map<std::string, spinhost::AppVariable>> read_variables(const Reader& r,
                                                                    const toml::table& root) {
  std::map<std::string, spinhost::AppVariable> out;
  const toml::node* node = root.get("variables");
  if (!node) return out;
  const toml::table* table = node->as_table();
  if (!table) return r.error("variables", "expected a table");
  for (const auto& [key, value] : *table) {
    std::string name(key.str());
    std::string where = "variables." + name;
    if (!is_snake_id(name))
      return r.error(where,
                     "a variable name must be snake_case (lowercase letters, digits and "
                     "single underscores, starting with a letter)");
    const toml::table* v = value.as_table();
    if (!v)
      return r.error(where,
                     "expected a table such as { default = \"...\" } or { required = true }");
    FLINT_TRY(r.known_keys(*v, where, {"default", "required", "secret", "description"}));
    spinhost::AppVariable var;
    FLINT_ASSIGN(var.default_value, r.optional_string(*v, "default", where));
    FLINT_ASSIGN(var.required, r.boolean(*v, "required", where, false));
    FLINT_ASSIGN(var.secret, r.boolean(*v, "secret", where, false));
    if (var.required && var.default_value)
      return r.error(where, "a variable cannot be both `required` and have a `default`");
    if (!var.required && !var.default_value)
      return r.error(where, "a variable must be `required = true` or have a `default`");
    out.emplace(name, std::move(var));
  }
  return out;
}

Result<std::vector<FileMount>> read_files(const Reader& r, const toml::table& c,
                                          const std::string& where, const std::string& dir) {
  std::vector<FileMount> out;
  const toml::node* node = c.get("files");
  if (!node) return out;
  const toml::array* array = node->as_array();
  if (!array) return r.error(where + ".files", "expected an array");
  for (size_t i = 0; i < array->size(); ++i) {
    std::string place = fmt::format("{}.files[{}]", where, i);
    const toml::node* item = array->get(i);
    FileMount mount;
    if (item->is_string()) {
      mount.pattern = *item->value<std::string>();
      if (fs::path(mount.pattern).is_absolute())
        return r.error(place, "a file pattern must be relative to the manifest's directory");
    } else if (const toml::table* t = item->as_table()) {
      FLINT_TRY(r.known_keys(*t, place, {"source", "destination"}));
      FLINT_ASSIGN(std::string source, r.string(t->get("source"), place + ".source"));
      FLINT_ASSIGN(mount.destination, r.string(t->get("destination"), place + ".destination"));
      if (mount.destination.empty() || mount.destination[0] != '/')
        return r.error(place + ".destination", "must be an absolute guest path (\"/...\")");
      mount.source = absolute(dir, source);
    } else {
      return r.error(place,
                     "expected a glob string or { source = \"...\", destination = \"/...\" }");
    }
    out.push_back(std::move(mount));
  }
  return out;
}

Result<Component> read_component(const Reader& r, const std::string& id, const toml::table& c,
                                 const std::string& dir) {
  std::string where = "component." + id;
  if (!is_kebab_id(id))
    return r.error(where,
                   "a component id must be kebab-case (lowercase letters, digits and "
                   "single hyphens, starting with a letter)");
  FLINT_TRY(r.known_keys(
      c, where,
      {"description", "source", "files", "exclude_files", "environment", "allowed_outbound_hosts",
       "allowed_http_hosts", "key_value_stores", "sqlite_databases", "ai_models", "variables",
       "build", "tool", "dependencies", "dependencies_inherit_configuration", "targets"}));
  Component out;
  out.id = id;
  FLINT_ASSIGN(auto description, r.optional_string(c, "description", where));
  out.description = description.value_or("");
  const toml::node* source = c.get("source");
  if (!source) return r.error(where, "missing field `source`");
  if (source->is_table())
    return r.error(where + ".source",
                   "remote sources ({ url, digest }) are not supported yet: download the .wasm "
                   "and give its path");
  FLINT_ASSIGN(std::string src, r.string(source, where + ".source"));
  out.source = absolute(dir, src);
  FLINT_ASSIGN(out.files, read_files(r, c, where, dir));
  FLINT_ASSIGN(out.exclude_files, r.strings(c, "exclude_files", where));
  if (const toml::node* env = c.get("environment")) {
    const toml::table* t = env->as_table();
    if (!t) return r.error(where + ".environment", "expected a table of strings");
    for (const auto& [key, value] : *t) {
      FLINT_ASSIGN(std::string v, r.string(&value, where + ".environment." + std::string(key)));
      out.environment.emplace_back(std::string(key.str()), std::move(v));
    }
  }
  if (c.get("allowed_http_hosts"))
    return r.error(where + ".allowed_http_hosts",
                   "replaced by `allowed_outbound_hosts` in manifest version 2 (write "
                   "\"https://example.com\" rather than \"example.com\")");
  if (c.get("dependencies"))
    return r.error(where + ".dependencies", "component dependencies are not supported yet");
  FLINT_ASSIGN(out.allowed_outbound_hosts, r.strings(c, "allowed_outbound_hosts", where));
  FLINT_ASSIGN(out.key_value_stores, r.strings(c, "key_value_stores", where));
  FLINT_ASSIGN(out.sqlite_databases, r.strings(c, "sqlite_databases", where));
  FLINT_ASSIGN(out.ai_models, r.strings(c, "ai_models", where));
  for (const std::string& label : out.key_value_stores)
    if (!is_kebab_id(label) && label != "default")
      return r.error(where + ".key_value_stores", "`" + label + "` is not a valid store label");
  if (const toml::node* vars = c.get("variables")) {
    const toml::table* t = vars->as_table();
    if (!t) return r.error(where + ".variables", "expected a table of strings");
    for (const auto& [key, value] : *t) {
      std::string name(key.str());
      if (!is_snake_id(name))
        return r.error(where + ".variables." + name, "a variable name must be snake_case");
      FLINT_ASSIGN(std::string v, r.string(&value, where + ".variables." + name));
      out.variables.emplace(name, std::move(v));
    }
  }
  if (const toml::node* build = c.get("build")) {
    const toml::table* t = build->as_table();
    if (!t) return r.error(where + ".build", "expected a table");
    FLINT_TRY(r.known_keys(*t, where + ".build", {"command", "workdir", "watch", "environment"}));
    BuildConfig b;
    FLINT_ASSIGN(b.command, r.string(t->get("command"), where + ".build.command"));
    FLINT_ASSIGN(auto workdir, r.optional_string(*t, "workdir", where + ".build"));
    b.workdir = absolute(dir, workdir.value_or("."));
    FLINT_ASSIGN(b.watch, r.strings(*t, "watch", where + ".build"));
    out.build = std::move(b);
  }
  return out;
}

Result<StaticResponse> read_static_response(const Reader& r, const toml::table& t,
                                            const std::string& where) {
  FLINT_TRY(r.known_keys(t, where, {"status", "headers", "body"}));
  StaticResponse out;
  if (const toml::node* status = t.get("status")) {
    auto code = status->value<int64_t>();
    if (!code || *code < 100 || *code > 999) return r.error(where + ".status", "expected 100-999");
    out.status = uint16_t(*code);
  }
  if (const toml::node* headers = t.get("headers")) {
    const toml::table* h = headers->as_table();
    if (!h) return r.error(where + ".headers", "expected a table of strings");
    for (const auto& [key, value] : *h) {
      FLINT_ASSIGN(std::string v, r.string(&value, where + ".headers." + std::string(key)));
      out.headers.emplace_back(std::string(key.str()), std::move(v));
    }
  }
  FLINT_ASSIGN(out.body, r.optional_string(t, "body", where));
  return out;
}

Result<HttpTrigger> read_http_trigger(const Reader& r, const toml::table& t, size_t index,
                                      const std::string& dir, Manifest& manifest) {
  std::string where = fmt::format("trigger.http[{}]", index);
  FLINT_TRY(r.known_keys(t, where, {"id", "route", "component", "executor", "static_response"}));
  HttpTrigger out;
  FLINT_ASSIGN(auto id, r.optional_string(t, "id", where));
  const toml::node* route = t.get("route");
  if (!route) return r.error(where, "missing field `route`");
  if (route->is_string()) {
    out.route = *route->value<std::string>();
  } else if (const toml::table* rt = route->as_table()) {
    FLINT_TRY(r.known_keys(*rt, where + ".route", {"private"}));
    FLINT_ASSIGN(bool is_private, r.boolean(*rt, "private", where + ".route", false));
    if (!is_private)
      return r.error(where + ".route", "route must be a string pattern or '{ private = true }'");
  } else {
    return r.error(where + ".route", "expected a string or { private = true }");
  }
  const toml::node* component = t.get("component");
  const toml::node* static_response = t.get("static_response");
  if (component && static_response)
    return r.error(where, "a trigger has either `component` or `static_response`, not both");
  if (static_response) {
    const toml::table* s = static_response->as_table();
    if (!s) return r.error(where + ".static_response", "expected a table");
    FLINT_ASSIGN(out.static_response, read_static_response(r, *s, where + ".static_response"));
  } else if (!component) {
    return r.error(where, "missing field `component`");
  } else if (component->is_string()) {
    out.component = *component->value<std::string>();
  } else if (const toml::table* inline_component = component->as_table()) {
    // An inline component: named after the trigger, as Spin names it.
    std::string name = id ? *id + "-component" : fmt::format("inline-component{}", index);
    FLINT_ASSIGN(Component c, read_component(r, name, *inline_component, dir));
    if (manifest.find_component(name)) return r.error(where, "component `" + name + "` twice");
    out.component = name;
    manifest.components.push_back(std::move(c));
  } else {
    return r.error(where + ".component", "expected a component id or an inline component table");
  }
  if (const toml::node* executor = t.get("executor")) {
    const toml::table* e = executor->as_table();
    if (!e) return r.error(where + ".executor", "expected a table such as { type = \"wagi\" }");
    FLINT_ASSIGN(std::string type, r.string(e->get("type"), where + ".executor.type"));
    if (type == "wagi") {
      FLINT_TRY(r.known_keys(*e, where + ".executor", {"type", "argv", "entrypoint"}));
      WagiExecutor w;
      FLINT_ASSIGN(auto argv, r.optional_string(*e, "argv", where + ".executor"));
      FLINT_ASSIGN(auto entrypoint, r.optional_string(*e, "entrypoint", where + ".executor"));
      if (argv) w.argv = *argv;
      if (entrypoint) w.entrypoint = *entrypoint;
      if (w.entrypoint != "_start")
        return r.error(where + ".executor.entrypoint",
                       "Wagi components cannot use the deprecated `entrypoint` field");
      out.wagi = std::move(w);
    } else if (type != "http" && type != "spin") {
      return r.error(where + ".executor.type", "`" + type + "`: expected \"wagi\" or \"http\"");
    }
  }
  out.id =
      id.value_or(out.component.empty() ? fmt::format("static-response{}", index) : out.component);
  return out;
}

}  // namespace

const Component* Manifest::find_component(std::string_view id) const {
  for (const Component& c : components)
    if (c.id == id) return &c;
  return nullptr;
}

Result<Manifest> parse_manifest(std::string_view text, const std::string& path) {
  Reader r(path);
  toml::table root;
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    const auto& at = e.source().begin;
    return make_error(ErrorCode::Usage, fmt::format("{}:{}:{}: {}", path, at.line, at.column,
                                                    std::string(e.description())));
  }
  Manifest m;
  m.path = fs::absolute(path).lexically_normal().string();
  m.directory = fs::path(m.path).parent_path().string();

  const toml::node* version = root.get("spin_manifest_version");
  if (!version)
    return r.error("spin_manifest_version",
                   "missing; Flint reads manifest version 2 (`spin_manifest_version = 2`)");
  if (version->value<int64_t>() != 2)
    return r.error("spin_manifest_version",
                   "Flint reads manifest version 2 only (run `spin doctor` to upgrade a "
                   "version 1 manifest)");
  FLINT_TRY(
      r.known_keys(root, "manifest",
                   {"spin_manifest_version", "application", "variables", "trigger", "component"}));

  const toml::table* app = root.get("application") ? root.get("application")->as_table() : nullptr;
  if (!app) return r.error("application", "missing table [application]");
  FLINT_TRY(r.known_keys(*app, "application",
                         {"name", "version", "description", "authors", "trigger", "targets"}));
  FLINT_ASSIGN(m.name, r.string(app->get("name"), "application.name"));
  FLINT_ASSIGN(auto app_version, r.optional_string(*app, "version", "application"));
  FLINT_ASSIGN(auto description, r.optional_string(*app, "description", "application"));
  m.version = app_version.value_or("");
  m.description = description.value_or("");
  FLINT_ASSIGN(m.authors, r.strings(*app, "authors", "application"));
  FLINT_ASSIGN(m.variables, read_variables(r, root));

  if (const toml::node* components = root.get("component")) {
    const toml::table* t = components->as_table();
    if (!t) return r.error("component", "expected [component.NAME] tables");
    for (const auto& [key, value] : *t) {
      const toml::table* c = value.as_table();
      if (!c) return r.error("component." + std::string(key), "expected a table");
      FLINT_ASSIGN(Component comp, read_component(r, std::string(key), *c, m.directory));
      m.components.push_back(std::move(comp));
    }
  }

  if (const toml::node* triggers = root.get("trigger")) {
    const toml::table* t = triggers->as_table();
    if (!t) return r.error("trigger", "expected [[trigger.TYPE]] tables");
    for (const auto& [type, list] : *t) {
      if (type.str() != "http")
        return r.error("trigger." + std::string(type), "flint up runs HTTP triggers only; `" +
                                                           std::string(type) +
                                                           "` triggers are not supported");
      const toml::array* array = list.as_array();
      if (!array) return r.error("trigger.http", "expected [[trigger.http]] tables");
      for (size_t i = 0; i < array->size(); ++i) {
        const toml::table* tt = array->get(i)->as_table();
        if (!tt) return r.error(fmt::format("trigger.http[{}]", i), "expected a table");
        FLINT_ASSIGN(HttpTrigger trigger, read_http_trigger(r, *tt, i, m.directory, m));
        if (!trigger.component.empty() && !m.find_component(trigger.component))
          return r.error(fmt::format("trigger.http[{}].component", i),
                         "no component `" + trigger.component + "` in the manifest");
        m.http_triggers.push_back(std::move(trigger));
      }
    }
  }
  if (m.http_triggers.empty())
    return r.error("trigger", "the application has no [[trigger.http]]: nothing to serve");

  // Component variables are templates over the application's variables.
  for (const Component& c : m.components)
    for (const auto& [name, value] : c.variables)
      for (size_t at = value.find("{{"); at != std::string::npos; at = value.find("{{", at + 2)) {
        size_t end = value.find("}}", at);
        if (end == std::string::npos)
          return r.error("component." + c.id + ".variables." + name, "unclosed `{{`");
        std::string ref = value.substr(at + 2, end - at - 2);
        ref.erase(0, ref.find_first_not_of(' '));
        ref.erase(ref.find_last_not_of(' ') + 1);
        if (!m.variables.count(ref))
          return r.error("component." + c.id + ".variables." + name,
                         "refers to `" + ref + "`, which [variables] does not declare");
      }
  return m;
}

Result<Manifest> load_manifest(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorCode::Io, path + ": cannot read the manifest");
  std::stringstream text;
  text << in.rdbuf();
  return parse_manifest(text.str(), path);
}

}  // namespace flint::spin
