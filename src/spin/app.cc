// A Spin application served: routing, Spin's request headers, lazily
// compiled components, staged files. See app.h.
#include "spin/app.h"

#include <fmt/format.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>

#include "aot/sha256.h"
#include "component/decoder.h"
#include "flint/wat.h"
#include "serve/component_handler.h"
#include "spin/component_files.h"
#include "spin/wagi.h"

namespace flint::spin {

namespace fs = std::filesystem;

/// A compiled component and the handler serving its requests.
struct App::Loaded {
  serve::RequestHandler handler;
  std::shared_ptr<const WagiHandler> wagi;  ///< instead, for a WAGI component (wagi.h)
};

/// One manifest component: its grants, and the compiled form once loaded.
struct App::ComponentSlot {
  const Component* component = nullptr;
  std::shared_ptr<spinhost::SpinHostContext> host;
  std::shared_ptr<const outbound::AllowedHosts> allowed_hosts;
  std::string files_root;  ///< staged files mounted at "/", empty without files
  std::mutex mutex;
  bool tried = false;
  Result<std::shared_ptr<Loaded>> loaded = make_error(ErrorCode::Usage, "not loaded");
};

namespace {

void add_header(wasihttp::Fields& headers, std::string_view name, std::string_view value) {
  headers.add_unchecked(name, {value.begin(), value.end()});
}

/// A complete response with a fixed body.
void respond(wasihttp::ResponseWriter& writer, uint16_t status,
             const std::vector<std::pair<std::string, std::string>>& extra, std::string_view body) {
  wasihttp::Fields headers;
  for (const auto& [name, value] : extra) add_header(headers, name, value);
  add_header(headers, "content-length", std::to_string(body.size()));
  writer.start(status, headers);
  if (!body.empty()) writer.write({reinterpret_cast<const uint8_t*>(body.data()), body.size()});
  writer.finish(nullptr);
}

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (uint8_t(c) < 0x20) {
      out += fmt::format("\\u{:04x}", int(c));
      continue;
    }
    out += c;
  }
  return out + "\"";
}

}  // namespace

Result<std::shared_ptr<App>> App::create(Manifest manifest, AppOptions options) {
  std::shared_ptr<App> app(new App());
  app->manifest_ = std::move(manifest);
  app->options_ = std::move(options);
  const Manifest& m = app->manifest_;

  // Private routes are not routed: the router sees the others only.
  std::vector<RouteEntry> routed;
  for (size_t i = 0; i < m.http_triggers.size(); ++i)
    if (const HttpTrigger& t = m.http_triggers[i]; t.route) {
      routed.push_back({*t.route, t.id});
      app->routed_triggers_.push_back(i);
    }
  FLINT_ASSIGN(app->router_, Router::build(routed, &app->duplicates_));

  for (const Component& c : m.components) {
    auto slot = std::make_unique<ComponentSlot>();
    slot->component = &c;
    std::error_code ec;
    if (!fs::is_regular_file(c.source, ec))
      return make_error(ErrorCode::Usage,
                        fmt::format("component `{}`: source `{}` does not exist (build it first: "
                                    "flint build)",
                                    c.id, c.source));
    // allowed_outbound_hosts are templates over the app's variables.
    std::vector<std::string> hosts;
    for (const std::string& pattern : c.allowed_outbound_hosts) {
      if (!app->options_.variables) {
        hosts.push_back(pattern);
        continue;
      }
      auto expanded = app->options_.variables->expand(pattern);
      if (!expanded)
        return make_error(ErrorCode::Usage,
                          fmt::format("component `{}`: allowed_outbound_hosts `{}`: {}", c.id,
                                      pattern, expanded.error().message()));
      hosts.push_back(std::move(*expanded));
    }
    auto allowed = outbound::AllowedHosts::parse(hosts);
    if (!allowed)
      return make_error(ErrorCode::Usage, fmt::format("component `{}`: allowed_outbound_hosts: {}",
                                                      c.id, allowed.error().message()));
    slot->allowed_hosts = std::make_shared<const outbound::AllowedHosts>(std::move(*allowed));
    auto host = std::make_shared<spinhost::SpinHostContext>();
    host->component_id = c.id;
    host->key_value = app->options_.key_value;
    host->key_value_grants = c.key_value_stores;
    host->sqlite = app->options_.sqlite;
    host->sqlite_grants = c.sqlite_databases;
    host->variables = app->options_.variables;
    host->component_variables = c.variables;
    host->allowed_hosts = slot->allowed_hosts;
    slot->host = std::move(host);
    if (!c.files.empty()) {
      if (app->staging_root_.empty()) {
        std::string tmpl = (fs::temp_directory_path() / "flint-up-XXXXXX").string();
        if (!mkdtemp(tmpl.data()))
          return make_error(ErrorCode::Io, "cannot make a directory for the components' files");
        app->staging_root_ = tmpl;
      }
      slot->files_root = app->staging_root_ + "/" + c.id;
      FLINT_TRY(stage_component_files(c, m.directory, slot->files_root));
    }
    app->slots_.push_back(std::move(slot));
  }
  return app;
}

App::~App() {
  if (!staging_root_.empty()) {
    std::error_code ec;
    fs::remove_all(staging_root_, ec);
  }
}

std::vector<std::pair<std::string, std::string>> App::routes() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [index, shown] : router_.listing()) {
    const HttpTrigger& t = manifest_.http_triggers[routed_triggers_[index]];
    out.emplace_back(t.component.empty() ? t.id : t.component, shown);
  }
  return out;
}

Result<std::shared_ptr<App::Loaded>> App::load(size_t index) {
  ComponentSlot& slot = *slots_[index];
  std::lock_guard lock(slot.mutex);
  if (slot.tried) return slot.loaded;
  slot.tried = true;
  const Component& c = *slot.component;
  auto failed = [&](const Error& e) {
    slot.loaded = make_error(e.code, fmt::format("component `{}`: {}", c.id, e.message()));
    return slot.loaded;
  };
  std::ifstream in(c.source, std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  if (!in && !in.eof()) return failed(make_error(ErrorCode::Io, c.source + ": cannot read"));
  // A source in the text format (`(component ...)`) is encoded here, as
  // `flint run` accepts .wat: a component written by hand needs no tool.
  if (bytes.size() < 4 || bytes[0] != 0 || bytes[1] != 'a' || bytes[2] != 's' || bytes[3] != 'm') {
    auto binary =
        flint::text::parse_wat({reinterpret_cast<const char*>(bytes.data()), bytes.size()});
    if (!binary) return failed(binary.error());
    bytes = std::move(*binary);
  }
  // A component its triggers run with `executor = { type = "wagi" }` is a
  // WASI command served as CGI (wagi.h), each trigger with its own argv;
  // it cannot serve wasi:http triggers as well.
  const WagiExecutor* wagi = nullptr;
  bool http = false;
  for (const HttpTrigger& t : manifest_.http_triggers)
    if (t.component == c.id) {
      if (t.wagi && !wagi) wagi = &*t.wagi;
      http = http || !t.wagi;
    }
  if (wagi && http)
    return failed(make_error(ErrorCode::Usage,
                             "both WAGI and wasi:http triggers name it; a component runs as one"));
  if (!wagi && !component::is_component(bytes))
    return failed(make_error(ErrorCode::Usage,
                             c.source + " is a core module; flint up runs components (wrap it "
                                        "with `wasm-tools component new`)"));

  serve::HandlerOptions h;
  h.name = c.id;
  h.cli = true;  // Spin links all of WASI 0.2
  h.config = options_.config;
  h.timeout = options_.timeout;
  h.timeout_spec = options_.timeout_spec;
  h.reuse = options_.reuse;
  if (h.timeout) h.config.interruptible = true;
  h.wasi.args.push_back(c.id);
  for (const auto& kv : c.environment) h.wasi.env.push_back(kv);
  for (const auto& kv : options_.env) h.wasi.env.push_back(kv);
  if (!slot.files_root.empty())
    h.wasi.dirs.push_back({slot.files_root, "/", !options_.allow_transient_write});
  h.allowed_hosts = slot.allowed_hosts;
  std::shared_ptr<const spinhost::SpinHostContext> host = slot.host;
  h.define_more = [host](component::ComponentLinker& linker) {
    spinhost::define_spin(linker, host);
  };
  if (options_.observer) {
    h.on_failure = [observer = options_.observer, id = c.id](const Error&) {
      observer->count_trap(id);
    };
    h.on_instance = [observer = options_.observer, id = c.id] { observer->count_instance(id); };
  }

  if (wagi) {
    WagiOptions w;
    w.name = h.name;
    w.executor = *wagi;
    w.config = h.config;
    w.timeout = h.timeout;
    w.timeout_spec = h.timeout_spec;
    w.wasi = std::move(h.wasi);
    w.wasi.args.clear();  // argv comes from the executor, per request
    w.allowed_hosts = h.allowed_hosts;
    w.define_more = h.define_more;
    auto handler = WagiHandler::create(std::move(bytes), std::move(w));
    if (!handler) return failed(handler.error());
    auto loaded = std::make_shared<Loaded>();
    loaded->wagi = std::move(*handler);
    slot.loaded = loaded;
    return slot.loaded;
  }
  auto compiled = compile_shared(std::move(bytes), h.config);
  if (!compiled) return failed(compiled.error());
  if (auto ok = serve::check_component(*compiled, h); !ok) return failed(ok.error());
  auto loaded = std::make_shared<Loaded>();
  loaded->handler = serve::component_handler(*compiled, std::move(h));
  slot.loaded = loaded;
  return slot.loaded;
}

Result<std::shared_ptr<const component::CompiledComponent>> App::compile_shared(
    std::vector<uint8_t> bytes, const Config& config) {
  aot::Digest digest = aot::sha256(bytes);
  {
    std::lock_guard lock(compiled_mutex_);
    if (auto it = compiled_by_digest_.find(digest); it != compiled_by_digest_.end())
      return it->second;
  }
  // Compiled outside the lock: another component's first request does not
  // wait for this one. Two first requests of the same bytes may both
  // compile; the first to finish is kept.
  FLINT_ASSIGN(auto compiled, component::CompiledComponent::compile(std::move(bytes), config));
  std::lock_guard lock(compiled_mutex_);
  return compiled_by_digest_.emplace(digest, std::move(compiled)).first->second;
}

Status App::load_all() {
  for (size_t i = 0; i < slots_.size(); ++i) FLINT_TRY(load(i));
  return {};
}

std::string App::observed_name(std::string_view path) const {
  std::optional<RouteMatch> match = router_.route(path.substr(0, path.find('?')));
  if (!match) return "-";
  const HttpTrigger& t = manifest_.http_triggers[routed_triggers_[match->trigger]];
  return t.component.empty() ? t.id : t.component;
}

void App::handle(wasihttp::IncomingRequestData request, wasihttp::ResponseWriter& writer) {
  if (!options_.observer) return route(std::move(request), writer);
  std::string name = observed_name(request.path_with_query);
  options_.observer->handle(name, std::move(request), writer,
                            [this](wasihttp::IncomingRequestData r, wasihttp::ResponseWriter& w) {
                              route(std::move(r), w);
                            });
}

void App::route(wasihttp::IncomingRequestData request, wasihttp::ResponseWriter& writer) {
  std::string_view target = request.path_with_query;
  std::string path(target.substr(0, target.find('?')));

  // Spin's own endpoints.
  constexpr std::string_view kWellKnown = "/.well-known/spin/";
  if (path.rfind(kWellKnown, 0) == 0) {
    std::string_view what = std::string_view(path).substr(kWellKnown.size());
    if (what == "health") return respond(writer, 200, {}, "OK");
    if (what == "info")
      return respond(writer, 200, {{"content-type", "application/json"}},
                     fmt::format("{{\"name\": {}, \"version\": {}}}", json_string(manifest_.name),
                                 json_string(manifest_.version)));
    return respond(writer, 404, {}, "");
  }

  std::optional<RouteMatch> match = router_.route(path);
  if (!match) return respond(writer, 404, {}, "");
  const HttpTrigger& trigger = manifest_.http_triggers[routed_triggers_[match->trigger]];
  if (trigger.static_response) {
    const StaticResponse& s = *trigger.static_response;
    return respond(writer, s.status, s.headers, s.body.value_or(""));
  }

  size_t component = 0;
  while (component < slots_.size() && slots_[component]->component->id != trigger.component)
    ++component;
  auto loaded = load(component);
  if (!loaded) {
    std::fprintf(stderr, "flint up: %s\n", loaded.error().message().c_str());
    return respond(writer, 500, {}, "");
  }
  if ((*loaded)->wagi)
    return (*loaded)->wagi->handle(std::move(request), *match, writer,
                                   trigger.wagi ? &trigger.wagi->argv : nullptr);

  // Spin's request headers; a client's own spin-* headers are dropped so
  // that none can be forged.
  wasihttp::Fields headers;
  for (const auto& [name, value] : request.headers.entries())
    if (name.rfind("spin-", 0) != 0) headers.add_unchecked(name, value);
  std::string host = request.authority.value_or("localhost");
  add_header(headers, "spin-path-info", match->path_info);
  add_header(headers, "spin-full-url",
             fmt::format("{}://{}{}", request.https ? "https" : "http", host, target));
  add_header(headers, "spin-matched-route", match->based_route);
  add_header(headers, "spin-base-path", "/");
  add_header(headers, "spin-raw-component-route", match->raw_route);
  add_header(headers, "spin-component-route", match->component_route);
  if (!request.client_address.empty())
    add_header(headers, "spin-client-addr", request.client_address);
  for (const auto& [name, value] : match->captures) {
    std::string header = "spin-path-match-" + name;
    for (char& ch : header)
      if (ch == '_') ch = '-';
    add_header(headers, header, value);
  }
  request.headers = std::move(headers);
  (*loaded)->handler(std::move(request), writer);
}

}  // namespace flint::spin
