// spin.toml <-> Spin's locked app (spin_lock_version 1) and OCI layers.
#include "oci/spin_layout.h"

#include <fmt/format.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "flint/wat.h"
#include "oci/base64.h"
#include "oci/digest.h"
#include "oci/file_bytes.h"
#include "oci/reference.h"
#include "oci/wasm_artifact.h"
#include "spin/component_files.h"

namespace flint::oci {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

/// The spin annotation naming the locked app's digest in the image config.
constexpr char kLockedAppDigestLabel[] = "com.fermyon.spin.lockedAppDigest";

/// A component's wasm in binary form (Spin's layers hold binaries only).
Result<std::string> component_binary(const spin::Component& c) {
  auto bytes = read_file_bytes(c.source);
  if (!bytes) return bytes.error();
  if (bytes->starts_with(std::string_view("\0asm", 4))) return bytes;
  auto encoded = text::parse_wat(*bytes);
  if (!encoded)
    return make_error(encoded.error().code, fmt::format("component `{}`: {}: {}", c.id, c.source,
                                                        encoded.error().describe()));
  return std::string(encoded->begin(), encoded->end());
}

json trigger_json(const spin::HttpTrigger& t) {
  json config = {{"component", t.component}};
  if (t.route)
    config["route"] = *t.route;
  else
    config["route"] = {{"private", true}};
  if (t.wagi)
    config["executor"] = {
        {"type", "wagi"}, {"argv", t.wagi->argv}, {"entrypoint", t.wagi->entrypoint}};
  return {{"id", t.id}, {"trigger_type", "http"}, {"trigger_config", config}};
}

/// The component's files, each a layer (or inlined), as locked-app entries.
Result<json> files_json(const spin::Component& c, const spin::Manifest& m,
                        const std::string& staging_dir, Artifact& artifact) {
  json files = json::array();
  if (c.files.empty()) return files;
  std::string root = (fs::path(staging_dir) / c.id).string();
  if (auto ok = spin::stage_component_files(c, m.directory, root); !ok)
    return make_error(ok.error().code,
                      fmt::format("component `{}`: {}", c.id, ok.error().message()));
  std::vector<fs::path> paths;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
    if (it->is_regular_file()) paths.push_back(it->path());
  if (ec) return make_error(ErrorCode::Io, root + ": " + ec.message());
  std::sort(paths.begin(), paths.end());  // a stable manifest for the same app
  for (const fs::path& path : paths) {
    auto bytes = read_file_bytes(path.string());
    if (!bytes) return bytes.error();
    std::string guest = "/" + fs::relative(path, root).generic_string();
    if (bytes->size() <= kInlineMaxSize) {
      files.push_back({{"inline", base64_encode(*bytes)}, {"path", guest}});
      continue;
    }
    const Descriptor& d = artifact.add_layer(media::kSpinDataLayer, std::move(*bytes));
    files.push_back({{"digest", d.digest}, {"path", guest}});
  }
  return files;
}

}  // namespace

Result<Artifact> make_spin_artifact(const spin::Manifest& m, const std::string& staging_dir) {
  Artifact artifact;
  // Version 0, as Spin writes a locked app without must_understand or
  // host_requirements: Spin releases before those fields accept only 0,
  // later ones read 0 as 1.
  json locked = {{"spin_lock_version", 0}};
  // As Spin's loader writes it: the trigger types' global options under
  // `triggers`, repeated under `trigger` with a `type` for older hosts.
  json metadata = {
      {"name", m.name}, {"triggers", {{"http", json::object()}}}, {"trigger", {{"type", "http"}}}};
  if (!m.version.empty()) metadata["version"] = m.version;
  if (!m.description.empty()) metadata["description"] = m.description;
  if (!m.authors.empty()) metadata["authors"] = m.authors;
  locked["metadata"] = metadata;
  json variables = json::object();
  for (const auto& [name, v] : m.variables) {
    json entry = json::object();
    if (v.secret) entry["secret"] = true;
    if (v.default_value) entry["default"] = *v.default_value;
    variables[name] = entry;
  }
  if (!variables.empty()) locked["variables"] = variables;
  locked["triggers"] = json::array();
  for (const spin::HttpTrigger& t : m.http_triggers) {
    if (t.static_response)
      return make_error(ErrorCode::Usage,
                        fmt::format("trigger `{}`: static_response has no place in Spin's locked "
                                    "app; push the app with a component instead",
                                    t.id));
    locked["triggers"].push_back(trigger_json(t));
  }
  locked["components"] = json::array();
  for (const spin::Component& c : m.components) {
    auto wasm = component_binary(c);
    if (!wasm) return wasm.error();
    const Descriptor& layer = artifact.add_layer(media::kSpinWasmLayer, std::move(*wasm));
    json component = {{"id", c.id},
                      {"source", {{"content_type", "application/wasm"}, {"digest", layer.digest}}}};
    json meta = json::object();
    if (!c.allowed_outbound_hosts.empty())
      meta["allowed_outbound_hosts"] = c.allowed_outbound_hosts;
    if (!c.key_value_stores.empty()) meta["key_value_stores"] = c.key_value_stores;
    if (!c.sqlite_databases.empty()) meta["databases"] = c.sqlite_databases;
    if (!c.ai_models.empty()) meta["ai_models"] = c.ai_models;
    if (!c.description.empty()) meta["description"] = c.description;
    if (!meta.empty()) component["metadata"] = meta;
    if (!c.environment.empty()) {
      json env = json::object();
      for (const auto& [name, value] : c.environment) env[name] = value;
      component["env"] = env;
    }
    auto files = files_json(c, m, staging_dir, artifact);
    if (!files) return files.error();
    if (!files->empty()) component["files"] = *files;
    if (!c.variables.empty()) component["config"] = c.variables;
    locked["components"].push_back(component);
  }
  std::string text = locked.dump();
  const Descriptor& app = artifact.add_layer(media::kSpinLockedApp, text);
  json config = {{"architecture", "wasm"},
                 {"os", "wasip1"},
                 {"config", {{"labels", {{kLockedAppDigestLabel, app.digest}}}}},
                 {"rootfs", {{"type", "layers"}, {"diff_ids", json::array()}}}};
  std::string config_text = config.dump();
  artifact.config = Blob{describe(media::kImageConfig, config_text), config_text};
  artifact.annotations["org.opencontainers.image.title"] = m.name;
  if (!m.version.empty()) artifact.annotations["org.opencontainers.image.version"] = m.version;
  artifact.annotations["org.opencontainers.image.created"] = created_now();
  return artifact;
}

bool is_spin_artifact(const ImageManifest& manifest) {
  for (const Descriptor& layer : manifest.layers)
    if (layer.media_type == media::kSpinLockedApp) return true;
  return false;
}

Result<Descriptor> locked_app_layer(const ImageManifest& manifest, std::string_view where) {
  const Descriptor* found = nullptr;
  for (const Descriptor& layer : manifest.layers)
    if (layer.media_type == media::kSpinLockedApp) {
      if (found)
        return make_error(ErrorCode::Registry, fmt::format("{}: two locked app layers", where));
      found = &layer;
    }
  if (!found)
    return make_error(ErrorCode::Registry,
                      fmt::format("{}: no {} layer: not a Spin app", where, media::kSpinLockedApp));
  return *found;
}

namespace {

/// Reads the locked app's JSON, naming the field at fault.
class LockedReader {
 public:
  Error bad(std::string_view where, std::string_view why) const {
    return make_error(ErrorCode::Registry, fmt::format("locked app: {}: {}", where, why));
  }
  Result<std::string> string(const json& j, const char* key, std::string_view where,
                             bool required = true) const {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) {
      if (required) return bad(where, fmt::format("`{}` is missing", key));
      return std::string();
    }
    if (!it->is_string()) return bad(where, fmt::format("`{}` is not a string", key));
    return it->get<std::string>();
  }
  Result<std::vector<std::string>> strings(const json& j, const char* key,
                                           std::string_view where) const {
    std::vector<std::string> out;
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return out;
    if (!it->is_array()) return bad(where, fmt::format("`{}` is not a list", key));
    for (const json& s : *it) {
      if (!s.is_string()) return bad(where, fmt::format("`{}` holds a non-string", key));
      out.push_back(s.get<std::string>());
    }
    return out;
  }
  Result<std::map<std::string, std::string>> string_map(const json& j, const char* key,
                                                        std::string_view where) const {
    std::map<std::string, std::string> out;
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return out;
    if (!it->is_object()) return bad(where, fmt::format("`{}` is not an object", key));
    for (const auto& [name, value] : it->items()) {
      if (!value.is_string()) return bad(where, fmt::format("`{}.{}` is not a string", key, name));
      out[name] = value.get<std::string>();
    }
    return out;
  }
};

/// The bytes a locked-app content reference names (`digest` in the cache,
/// or `inline` base64).
Result<std::string> content_of(const LockedReader& r, const json& ref, const BlobCache& cache,
                               std::string_view where) {
  if (!ref.is_object()) return r.bad(where, "not an object");
  if (auto inl = ref.find("inline"); inl != ref.end() && !inl->is_null()) {
    auto bytes = inl->is_string() ? base64_decode(inl->get<std::string>()) : std::nullopt;
    if (!bytes) return r.bad(where, "`inline` is not base64");
    return *bytes;
  }
  auto digest = r.string(ref, "digest", where);
  if (!digest) return digest.error();
  if (!is_sha256_digest(*digest)) return r.bad(where, "`digest` is not sha256: and 64 hex digits");
  auto bytes = cache.read(*digest);
  if (!bytes)
    return r.bad(where, fmt::format("content {} is not among the pulled layers", *digest));
  return *bytes;
}

/// A guest path inside the files root: relative, no `..`.
Result<fs::path> guest_path(const LockedReader& r, const std::string& path,
                            std::string_view where) {
  fs::path p = fs::path(path).relative_path().lexically_normal();
  if (p.empty() || *p.begin() == ".." || p.is_absolute())
    return r.bad(where, fmt::format("file path `{}` leaves the component's root", path));
  return p;
}

Result<spin::HttpTrigger> read_trigger(const LockedReader& r, const json& t,
                                       std::string_view where) {
  if (!t.is_object()) return r.bad(where, "not an object");
  spin::HttpTrigger out;
  auto id = r.string(t, "id", where, false);
  if (!id) return id.error();
  out.id = *id;
  auto type = r.string(t, "trigger_type", where);
  if (!type) return type.error();
  if (*type != "http")
    return r.bad(where,
                 fmt::format("trigger type `{}`: flint up serves HTTP triggers only", *type));
  auto config = t.find("trigger_config");
  if (config == t.end() || !config->is_object()) return r.bad(where, "`trigger_config` is missing");
  auto component = r.string(*config, "component", where);
  if (!component) return component.error();
  out.component = *component;
  auto route = config->find("route");
  if (route != config->end() && route->is_string()) {
    out.route = route->get<std::string>();
  } else if (route == config->end() || !route->is_object() ||
             route->value("private", false) != true) {
    return r.bad(where, "`route` is neither a string nor { private = true }");
  }
  if (auto executor = config->find("executor"); executor != config->end() && !executor->is_null()) {
    auto kind = r.string(*executor, "type", where);
    if (!kind) return kind.error();
    if (*kind == "wagi") {
      spin::WagiExecutor w;
      if (executor->contains("argv") && (*executor)["argv"].is_string())
        w.argv = (*executor)["argv"];
      if (executor->contains("entrypoint") && (*executor)["entrypoint"].is_string())
        w.entrypoint = (*executor)["entrypoint"];
      out.wagi = w;
    } else if (*kind != "http") {
      return r.bad(where, fmt::format("executor `{}`: expected wagi or http", *kind));
    }
  }
  return out;
}

Result<spin::Component> read_component(const LockedReader& r, const json& c, size_t index,
                                       const BlobCache& cache, const std::string& app_dir) {
  std::string where = fmt::format("components[{}]", index);
  if (!c.is_object()) return r.bad(where, "not an object");
  spin::Component out;
  auto id = r.string(c, "id", where);
  if (!id) return id.error();
  out.id = *id;
  where = fmt::format("component `{}`", out.id);
  if (out.id.empty() || out.id.find_first_of("/.\\") != std::string::npos)
    return r.bad(where, "the id is not a plain name");
  if (auto deps = c.find("dependencies"); deps != c.end() && !deps->is_null() && !deps->empty())
    return r.bad(where, "component dependencies are not supported by flint up yet");
  auto source = c.find("source");
  if (source == c.end()) return r.bad(where, "`source` is missing");
  auto digest = r.string(*source, "digest", where + ".source");
  if (!digest) return digest.error();
  if (!is_sha256_digest(*digest) || !cache.read(*digest))
    return r.bad(where, fmt::format("source {} is not among the pulled layers", *digest));
  out.source = cache.path_of(*digest);
  const json meta = c.value("metadata", json::object());
  if (!meta.is_object()) return r.bad(where, "`metadata` is not an object");
  FLINT_ASSIGN(out.allowed_outbound_hosts, r.strings(meta, "allowed_outbound_hosts", where));
  FLINT_ASSIGN(out.key_value_stores, r.strings(meta, "key_value_stores", where));
  FLINT_ASSIGN(out.sqlite_databases, r.strings(meta, "databases", where));
  FLINT_ASSIGN(out.ai_models, r.strings(meta, "ai_models", where));
  FLINT_ASSIGN(auto env, r.string_map(c, "env", where));
  out.environment.assign(env.begin(), env.end());
  FLINT_ASSIGN(out.variables, r.string_map(c, "config", where));
  auto files = c.find("files");
  if (files == c.end() || files->is_null()) return out;
  if (!files->is_array()) return r.bad(where, "`files` is not a list");
  fs::path root = fs::path(app_dir) / "files" / out.id;
  std::error_code ec;
  fs::remove_all(root, ec);
  for (size_t i = 0; i < files->size(); ++i) {
    std::string file_where = fmt::format("{}.files[{}]", where, i);
    const json& f = (*files)[i];
    auto path = r.string(f, "path", file_where);
    if (!path) return path.error();
    auto relative = guest_path(r, *path, file_where);
    if (!relative) return relative.error();
    auto bytes = content_of(r, f, cache, file_where);
    if (!bytes) return bytes.error();
    fs::path target = root / *relative;
    FLINT_TRY(write_file_bytes(target.string(), *bytes));
  }
  out.files.push_back(spin::FileMount{"", root.string(), "/"});
  return out;
}

}  // namespace

namespace {

Result<spin::Manifest> materialize(std::string_view locked_app, const BlobCache& cache,
                                   const std::string& app_dir) {
  LockedReader r;
  json doc = json::parse(locked_app, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return r.bad("(root)", "not a JSON object");
  auto version = doc.find("spin_lock_version");
  if (version == doc.end() || !version->is_number_integer() || *version < 0 || *version > 1)
    return r.bad("spin_lock_version", "expected 0 or 1");
  if (auto must = doc.find("must_understand");
      must != doc.end() && must->is_array() && !must->empty())
    return r.bad("must_understand", fmt::format("features {} are not supported", must->dump()));
  std::error_code ec;
  fs::create_directories(app_dir, ec);
  if (ec) return make_error(ErrorCode::Io, app_dir + ": " + ec.message());
  spin::Manifest m;
  m.directory = fs::absolute(app_dir).string();
  m.path = (fs::path(m.directory) / "spin.json").string();
  FLINT_TRY(write_file_bytes(m.path, locked_app));
  const json meta = doc.value("metadata", json::object());
  if (!meta.is_object()) return r.bad("metadata", "not an object");
  FLINT_ASSIGN(m.name, r.string(meta, "name", "metadata", false));
  FLINT_ASSIGN(m.version, r.string(meta, "version", "metadata", false));
  FLINT_ASSIGN(m.description, r.string(meta, "description", "metadata", false));
  FLINT_ASSIGN(m.authors, r.strings(meta, "authors", "metadata"));
  if (auto vars = doc.find("variables"); vars != doc.end() && vars->is_object()) {
    for (const auto& [name, v] : vars->items()) {
      if (!v.is_object()) return r.bad("variables." + name, "not an object");
      spinhost::AppVariable var;
      if (v.contains("default") && v["default"].is_string()) var.default_value = v["default"];
      var.required = !var.default_value;
      var.secret = v.value("secret", false);
      m.variables[name] = var;
    }
  }
  auto components = doc.find("components");
  if (components == doc.end() || !components->is_array()) return r.bad("components", "not a list");
  for (size_t i = 0; i < components->size(); ++i) {
    auto c = read_component(r, (*components)[i], i, cache, m.directory);
    if (!c) return c.error();
    m.components.push_back(std::move(*c));
  }
  auto triggers = doc.find("triggers");
  if (triggers == doc.end() || !triggers->is_array()) return r.bad("triggers", "not a list");
  for (size_t i = 0; i < triggers->size(); ++i) {
    auto t = read_trigger(r, (*triggers)[i], fmt::format("triggers[{}]", i));
    if (!t) return t.error();
    if (!m.find_component(t->component))
      return r.bad(fmt::format("triggers[{}]", i),
                   fmt::format("component `{}` is not in the app", t->component));
    m.http_triggers.push_back(std::move(*t));
  }
  return m;
}

}  // namespace

Result<spin::Manifest> materialize_spin_app(std::string_view locked_app, const BlobCache& cache,
                                            const std::string& app_dir) {
  // The reader checks each field's type before reading it; a value of an
  // unexpected type deeper down (nlohmann's typed accessors throw) is still
  // an error about the locked app, never a crash.
  try {
    return materialize(locked_app, cache, app_dir);
  } catch (const nlohmann::json::exception& e) {
    return make_error(ErrorCode::Registry, fmt::format("locked app: {}", e.what()));
  }
}

}  // namespace flint::oci
