// Spin's runtime-config.toml, read with toml++.
#include "spin/runtime_config.h"

#include <toml++/toml.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace flint::spin {

namespace {

Error config_error(const std::string& source, const std::string& what) {
  return make_error(ErrorCode::Usage, source + ": " + what);
}

/// `path` against `base_dir` unless it is absolute.
std::string resolve(const std::string& base_dir, const std::string& path) {
  std::filesystem::path p(path);
  if (p.is_absolute()) return path;
  return (std::filesystem::path(base_dir) / p).lexically_normal().string();
}

/// The string at `key` of `table`: absent is nullopt, another type an error.
Result<std::optional<std::string>> string_at(const toml::table& table, std::string_view key,
                                             const std::string& where) {
  const toml::node* node = table.get(key);
  if (!node) return std::optional<std::string>();
  if (auto s = node->value<std::string>()) return std::optional<std::string>(*s);
  return make_error(ErrorCode::Usage, where + "." + std::string(key) + " must be a string");
}

/// The named sections of `[kind.NAME]`, in file order.
template <typename F>
Status each_named(const toml::table& root, std::string_view kind, const std::string& source, F f) {
  const toml::node* node = root.get(kind);
  if (!node) return {};
  const toml::table* table = node->as_table();
  if (!table) return config_error(source, std::string(kind) + " must be a table of tables");
  for (const auto& [name, section] : *table) {
    std::string where = std::string(kind) + "." + std::string(name.str());
    const toml::table* t = section.as_table();
    if (!t) return config_error(source, where + " must be a table");
    FLINT_TRY(f(std::string(name.str()), *t, where));
  }
  return {};
}

}  // namespace

std::vector<std::unique_ptr<spinhost::VariableProvider>> RuntimeConfig::make_variable_providers(
    const std::string& default_dotenv) const {
  std::vector<std::unique_ptr<spinhost::VariableProvider>> out;
  out.push_back(spinhost::env_provider("SPIN_VARIABLE", default_dotenv));
  for (const auto& p : variables_providers) {
    if (p.type == "env")
      out.push_back(spinhost::env_provider(p.prefix, p.dotenv_path));
    else if (p.type == "static")
      out.push_back(spinhost::static_provider(p.values));
  }
  return out;
}

Result<RuntimeConfig> parse_runtime_config(std::string_view text, const std::string& base_dir,
                                           const std::string& source) {
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    std::ostringstream where;
    where << e.source().begin;
    return config_error(source, std::string(e.description()) + " (at " + where.str() + ")");
  }
  RuntimeConfig config;
  FLINT_TRY(each_named(
      root, "key_value_store", source,
      [&](const std::string& name, const toml::table& t, const std::string& where) -> Status {
        spinhost::KeyValueStoreConfig c;
        c.name = name;
        FLINT_ASSIGN(auto type, string_at(t, "type", where));
        if (!type) return config_error(source, where + " has no type");
        c.type = *type;
        FLINT_ASSIGN(auto path, string_at(t, "path", where));
        FLINT_ASSIGN(auto url, string_at(t, "url", where));
        if (c.type == "spin") {
          if (path) c.path = resolve(base_dir, *path);
        } else if (c.type == "redis") {
          if (!url) return config_error(source, where + ": a redis store needs a url");
          c.url = *url;
        } else {
          return config_error(source, where + ": unknown key-value store type \"" + c.type +
                                          "\" (Flint has \"spin\" and \"redis\")");
        }
        config.key_value_stores.push_back(std::move(c));
        return {};
      }));
  FLINT_TRY(each_named(
      root, "sqlite_database", source,
      [&](const std::string& name, const toml::table& t, const std::string& where) -> Status {
        spinhost::SqliteDatabaseConfig c;
        c.name = name;
        FLINT_ASSIGN(auto type, string_at(t, "type", where));
        if (!type) return config_error(source, where + " has no type");
        c.type = *type;
        if (c.type != "spin")
          return config_error(source, where + ": unknown SQLite database type \"" + c.type +
                                          "\" (Flint has \"spin\")");
        FLINT_ASSIGN(auto path, string_at(t, "path", where));
        if (path) c.path = resolve(base_dir, *path);
        config.sqlite_databases.push_back(std::move(c));
        return {};
      }));
  for (std::string_view kind : {"variables_provider", "config_provider"}) {
    const toml::node* node = root.get(kind);
    if (!node) continue;
    const toml::array* array = node->as_array();
    if (!array) return config_error(source, std::string(kind) + " must be an array of tables");
    for (size_t i = 0; i < array->size(); ++i) {
      std::string where = std::string(kind) + "[" + std::to_string(i) + "]";
      const toml::table* t = array->get(i)->as_table();
      if (!t) return config_error(source, where + " must be a table");
      VariablesProviderConfig p;
      FLINT_ASSIGN(auto type, string_at(*t, "type", where));
      if (!type) return config_error(source, where + " has no type");
      p.type = *type;
      if (p.type == "env") {
        FLINT_ASSIGN(auto prefix, string_at(*t, "prefix", where));
        if (prefix) p.prefix = *prefix;
        FLINT_ASSIGN(auto dotenv, string_at(*t, "dotenv_path", where));
        if (dotenv) p.dotenv_path = *dotenv;
      } else if (p.type == "static") {
        const toml::node* values = t->get("values");
        const toml::table* vt = values ? values->as_table() : nullptr;
        if (values && !vt) return config_error(source, where + ".values must be a table");
        if (vt)
          for (const auto& [k, v] : *vt) {
            auto s = v.value<std::string>();
            if (!s)
              return config_error(source,
                                  where + ".values." + std::string(k.str()) + " must be a string");
            p.values[std::string(k.str())] = *s;
          }
      } else {
        return config_error(source, where + ": variables provider type \"" + p.type +
                                        "\" is not supported (Flint has \"env\" and \"static\")");
      }
      config.variables_providers.push_back(std::move(p));
    }
  }
  return config;
}

Result<RuntimeConfig> load_runtime_config(const std::string& path) {
  std::ifstream in(path);
  if (!in) return make_error(ErrorCode::Io, "cannot read runtime config " + path);
  std::ostringstream text;
  text << in.rdbuf();
  std::string base = std::filesystem::absolute(path).parent_path().string();
  return parse_runtime_config(text.str(), base, path);
}

}  // namespace flint::spin
