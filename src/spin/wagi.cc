// Spin's WAGI executor: CGI over WASI. See wagi.h.
#include "spin/wagi.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "component/decoder.h"
#include "component_runtime/compiled_component.h"
#include "component_runtime/instantiate.h"
#include "flint/module_info.h"
#include "wasi/wasi.h"
#include "wasihttp/fields.h"
#include "wasihttp/wasihttp.h"
#include "wasip2/wasip2.h"

namespace flint::spin {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = char(std::tolower(uint8_t(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// %XX decoded (a malformed escape stays as written); with `plus`, '+' is a
/// space too (application/x-www-form-urlencoded, for query parameters).
std::string percent_decode(std::string_view s, bool plus) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      int hi = hex_digit(s[i + 1]), lo = hex_digit(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += char(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += plus && s[i] == '+' ? ' ' : s[i];
  }
  return out;
}

/// Whether `s` is valid UTF-8 (Spin's String::from_utf8 on the headers).
bool valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    uint8_t c = uint8_t(s[i]);
    size_t n = 0;  // continuation bytes
    if (c >= 0x80) {
      if ((c >> 5) == 0x6)
        n = 1;
      else if ((c >> 4) == 0xe)
        n = 2;
      else if ((c >> 3) == 0x1e)
        n = 3;
      else
        return false;
    }
    if (i + n >= s.size()) return false;
    for (size_t k = 1; k <= n; ++k)
      if ((uint8_t(s[i + k]) & 0xc0) != 0x80) return false;
    i += n + 1;
  }
  return true;
}

/// "HOST[:PORT]" (a Host header, "[V6]:PORT" too) split; the port empty
/// when absent.
std::pair<std::string, std::string> split_host_port(std::string_view authority) {
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close != authority.npos) {
      std::string_view rest = authority.substr(close + 1);
      return {std::string(authority.substr(0, close + 1)),
              rest.size() > 1 && rest.front() == ':' ? std::string(rest.substr(1)) : ""};
    }
  }
  size_t colon = authority.find(':');
  if (colon == authority.npos) return {std::string(authority), ""};
  return {std::string(authority.substr(0, colon)), std::string(authority.substr(colon + 1))};
}

/// The IP of "IP:PORT" or "[V6]:PORT", without brackets.
std::string client_ip(std::string_view address) {
  if (!address.empty() && address.front() == '[') {
    size_t close = address.find(']');
    return std::string(address.substr(1, close == address.npos ? address.npos : close - 1));
  }
  size_t colon = address.rfind(':');
  return std::string(colon == address.npos ? address : address.substr(0, colon));
}

/// A header value as Spin's HeaderValue::to_str gives it: visible ASCII
/// and tabs, else "CORRUPT VALUE".
std::string header_text(const std::vector<uint8_t>& value) {
  for (uint8_t c : value)
    if (c != '\t' && (c < 0x20 || c > 0x7e)) return "CORRUPT VALUE";
  return std::string(value.begin(), value.end());
}

void set(Environment& env, std::string_view name, std::string value) {
  for (auto& [n, v] : env)
    if (n == name) {
      v = std::move(value);
      return;
    }
  env.emplace_back(name, std::move(value));
}

/// A memfd holding `bytes`, sealed read-only, offset 0: the script's stdin.
Result<wasi::UniqueFd> stdin_file(const std::vector<uint8_t>& bytes) {
  wasi::UniqueFd fd(memfd_create("wagi-stdin", MFD_CLOEXEC | MFD_ALLOW_SEALING));
  if (!fd.valid()) return make_error(ErrorCode::Io, std::string("memfd: ") + std::strerror(errno));
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = write(fd.get(), bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return make_error(ErrorCode::Io, std::string("stdin: ") + std::strerror(errno));
    done += size_t(n);
  }
  lseek(fd.get(), 0, SEEK_SET);
  fcntl(fd.get(), F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL);
  return fd;
}

/// A memfd of `limit` bytes that cannot grow: the script's stdout. What it
/// wrote is [0, offset): stdio cannot seek or pwrite (ESPIPE), so the shared
/// offset counts the bytes written; pages never written take no memory.
Result<wasi::UniqueFd> stdout_file(uint64_t limit) {
  wasi::UniqueFd fd(memfd_create("wagi-stdout", MFD_CLOEXEC | MFD_ALLOW_SEALING));
  if (!fd.valid() || ftruncate(fd.get(), off_t(limit)) != 0 ||
      fcntl(fd.get(), F_ADD_SEALS, F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL) != 0)
    return make_error(ErrorCode::Io, std::string("stdout memfd: ") + std::strerror(errno));
  return fd;
}

void respond(wasihttp::ResponseWriter& writer, uint16_t status, const Environment& headers,
             std::string_view body) {
  wasihttp::Fields fields;
  for (const auto& [name, value] : headers)
    fields.add_unchecked(name, {value.begin(), value.end()});
  std::string length = std::to_string(body.size());
  fields.add_unchecked("content-length", {length.begin(), length.end()});
  writer.start(status, fields);
  if (!body.empty()) writer.write({reinterpret_cast<const uint8_t*>(body.data()), body.size()});
  writer.finish(nullptr);
}

/// A nonzero exit code as an error.
Error exited(uint32_t code) {
  return make_error(ErrorCode::ProcExit, fmt::format("the script exited with code {}", code));
}

/// The BodySource read to its end, or an error when it exceeds `limit`
/// (`too_large` set) or fails.
Result<std::vector<uint8_t>> read_body(wasihttp::BodySource* source, uint64_t limit,
                                       bool& too_large) {
  std::vector<uint8_t> body;
  if (!source) return body;
  for (;;) {
    auto r = source->read(64 * 1024);
    if (r.error) return make_error(ErrorCode::Io, "reading the request body: " + *r.error);
    body.insert(body.end(), r.bytes.begin(), r.bytes.end());
    if (body.size() > limit) {
      too_large = true;
      return make_error(ErrorCode::Usage, "the request body is larger than the WAGI limit");
    }
    if (r.end) return body;
  }
}

}  // namespace

// ---- CGI -------------------------------------------------------------------

Result<CgiResponse> parse_cgi_response(std::string_view output) {
  // As Spin's compose_response: CRs are dropped while scanning the header
  // block, which ends at the first empty line ("\n\n" once CRs are gone).
  std::string head;
  size_t body_start = output.npos;
  char last = 0;
  for (size_t i = 0; i < output.size(); ++i) {
    char c = output[i];
    if (c == '\r') continue;
    if (c == '\n' && last == '\n') {
      body_start = i + 1;
      break;
    }
    last = c;
    head += c;
  }
  if (body_start == output.npos)
    return make_error(ErrorCode::Usage,
                      "Exactly one of 'location' or 'content-type' must be specified");
  if (!valid_utf8(head)) return make_error(ErrorCode::Usage, "the CGI headers are not UTF-8");

  CgiResponse response;
  response.body = std::string(output.substr(body_start));
  bool sufficient = false, explicit_status = false;
  std::optional<uint16_t> location_status;
  std::string_view rest = trim(head);
  while (!rest.empty()) {
    size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = nl == rest.npos ? std::string_view() : rest.substr(nl + 1);
    size_t colon = line.find(':');
    if (colon == line.npos) {
      if (!trim(line).empty())
        std::fprintf(stderr, "flint up: WAGI: ignoring a corrupt CGI header line\n");
      continue;
    }
    std::string name = lower(trim(line.substr(0, colon)));
    std::string_view value = trim(line.substr(colon + 1));
    if (name == "status") {
      sufficient = explicit_status = true;
      std::string_view code = value.substr(0, value.find(' '));
      unsigned parsed = 0;
      bool ok = code.size() == 3;
      for (char c : code) {
        ok = ok && std::isdigit(uint8_t(c));
        parsed = parsed * 10 + unsigned(c - '0');
      }
      response.status = ok && parsed >= 100 && parsed <= 599 ? uint16_t(parsed) : 502;
      continue;
    }
    if (!wasihttp::valid_field_value({value.begin(), value.end()}))
      return make_error(ErrorCode::Usage, fmt::format("CGI header `{}`: invalid value", name));
    if (name == "content-type") sufficient = true;
    if (name == "location") {
      sufficient = true;
      location_status = 302;
    }
    if (!wasihttp::valid_field_name(name)) {
      std::fprintf(stderr, "flint up: WAGI: ignoring the invalid CGI header name `%s`\n",
                   name.c_str());
      continue;
    }
    // The server frames the response itself.
    if (name == "content-length" || wasihttp::forbidden_field(name)) continue;
    set(response.headers, name, std::string(value));
  }
  if (location_status && !explicit_status) response.status = *location_status;
  if (!sufficient)
    return make_error(ErrorCode::Usage,
                      "Exactly one of 'location' or 'content-type' must be specified");
  return response;
}

Environment cgi_environment(const wasihttp::IncomingRequestData& request, const RouteMatch& match,
                            uint64_t content_length) {
  std::string_view target = request.path_with_query;
  size_t question = target.find('?');
  std::string_view query = question == target.npos ? "" : target.substr(question + 1);
  std::string authority = request.authority.value_or("");
  auto [server_name, server_port] = split_host_port(authority);
  if (server_name.empty()) server_name = "localhost";
  if (server_port.empty()) server_port = request.https ? "443" : "80";
  std::string content_type;
  for (const auto& [name, value] : request.headers.entries())
    if (name == "content-type") content_type = header_text(value);
  std::string ip = client_ip(request.client_address);
  std::string path_translated = percent_decode(match.path_info, false);

  Environment env = {
      {"AUTH_TYPE", ""},
      {"CONTENT_LENGTH", std::to_string(content_length)},
      // Spin looks the header up under a name no header has and so always
      // sends ""; Flint sends the request's, as RFC 3875 4.1.3 asks.
      {"CONTENT_TYPE", content_type},
      {"GATEWAY_INTERFACE", "CGI/1.1"},
      {"QUERY_STRING", std::string(query)},
      {"REMOTE_ADDR", ip},
      {"REMOTE_HOST", ip},
      {"REMOTE_USER", ""},
      {"REQUEST_METHOD", request.method},
      {"SCRIPT_NAME", match.component_route},
      // PATH_INFO as Spin overrides it (the wildcard's match as sent);
      // PATH_TRANSLATED decoded.
      {"PATH_INFO", match.path_info},
      {"X_RAW_PATH_INFO", match.path_info},
      {"PATH_TRANSLATED", path_translated},
      {"SERVER_NAME", server_name},
      {"SERVER_PORT", server_port},
      {"SERVER_PROTOCOL", "HTTP/1.1"},
      {"SERVER_SOFTWARE", "WAGI/1"},
      // Spin's default headers, under their WAGI names.
      {"X_FULL_URL", fmt::format("{}://{}{}", request.https ? "https" : "http",
                                 authority.empty() ? "localhost" : authority, target)},
      {"X_MATCHED_ROUTE", match.based_route},
      {"X_BASE_PATH", "/"},
      {"X_RAW_COMPONENT_ROUTE", match.raw_route},
      {"X_COMPONENT_ROUTE", match.component_route},
      {"X_CLIENT_ADDR", request.client_address},
  };
  for (const auto& [name, value] : match.captures) {
    std::string var = "X_PATH_MATCH_";
    for (char c : name) var += char(std::toupper(uint8_t(c)));
    set(env, var, value);
  }
  // HTTP_<NAME>: a repeated header's values joined with ", " (RFC 3875
  // 4.1.18; Spin keeps the last).
  Environment http;
  for (const auto& [name, value] : request.headers.entries()) {
    std::string var = "HTTP_";
    for (char c : name) var += c == '-' ? '_' : char(std::toupper(uint8_t(c)));
    if (var == "HTTP_AUTHORIZATION" || var == "HTTP_CONNECTION") continue;
    std::string text = header_text(value);
    bool merged = false;
    for (auto& [n, v] : http)
      if (n == var) {
        v += ", " + text;
        merged = true;
      }
    if (!merged) http.emplace_back(std::move(var), std::move(text));
  }
  env.insert(env.end(), http.begin(), http.end());
  return env;
}

std::vector<std::string> wagi_argv(std::string_view argv_template, std::string_view path,
                                   std::string_view query) {
  std::vector<std::string> args;
  for (std::string_view q = query; !q.empty();) {
    size_t amp = q.find('&');
    std::string_view item = q.substr(0, amp);
    q = amp == q.npos ? std::string_view() : q.substr(amp + 1);
    if (!item.empty()) args.push_back(percent_decode(item, true));
  }
  std::string joined;
  for (const std::string& a : args) joined += (joined.empty() ? "" : " ") + a;

  std::vector<std::string> argv;
  for (std::string_view t = argv_template; !t.empty();) {
    size_t space = t.find(' ');
    std::string_view word = t.substr(0, space);
    t = space == t.npos ? std::string_view() : t.substr(space + 1);
    if (word.empty()) continue;
    if (word == "${ARGS}") {  // one argument per parameter, spaces and all
      argv.insert(argv.end(), args.begin(), args.end());
      continue;
    }
    std::string out;
    for (size_t i = 0; i < word.size();) {
      if (word.substr(i).starts_with("${SCRIPT_NAME}")) {
        out += path;
        i += 14;
      } else if (word.substr(i).starts_with("${ARGS}")) {
        out += joined;
        i += 7;
      } else {
        out += word[i++];
      }
    }
    argv.push_back(std::move(out));
  }
  return argv;
}

// ---- The handler -------------------------------------------------------------

Result<std::shared_ptr<WagiHandler>> WagiHandler::create(std::vector<uint8_t> wasm,
                                                         WagiOptions options) {
  std::shared_ptr<WagiHandler> h(new WagiHandler());
  if (options.timeout) options.config.interruptible = true;
  h->options_ = std::move(options);
  const WagiOptions& o = h->options_;
  if (component::is_component(wasm)) {
    FLINT_ASSIGN(h->component_, component::CompiledComponent::compile(std::move(wasm), o.config));
    // Instantiated once now, so that one that cannot link or is no command
    // fails at load, not per request.
    wasi::WasiOptions w = o.wasi;
    w.stdio = {-1, -1, 2};
    FLINT_ASSIGN(auto ctx, wasi::WasiContext::create(std::move(w)));
    Store store(o.config);
    if (o.timeout) store.set_deadline(std::chrono::steady_clock::now() + *o.timeout);
    component::ComponentLinker linker;
    h->link(linker, ctx);
    FLINT_ASSIGN(auto instance, component::instantiate(store, h->component_, linker));
    FLINT_TRY(wasip2::find_run(*instance));
    return h;
  }
  FLINT_ASSIGN(h->module_, compile(wasm, o.config));
  for (const ImportInfo& imp : imports(*h->module_)) {
    std::optional<FuncType> provided =
        imp.module == wasi::kModuleName ? wasi::function_type(imp.name) : std::nullopt;
    if (!provided || imp.type.kind != ExternKind::Func || imp.type.func != *provided)
      return make_error(ErrorCode::UnknownImport,
                        fmt::format("import \"{}\" \"{}\": a WAGI module imports only WASI "
                                    "preview 1 (wasi_snapshot_preview1) functions",
                                    imp.module, imp.name));
  }
  bool found = false;
  for (const ExportInfo& e : exports(*h->module_))
    found = found || (e.name == o.executor.entrypoint && e.type.kind == ExternKind::Func);
  if (!found)
    return make_error(
        ErrorCode::Usage,
        fmt::format("no exported function \"{}\" (the WAGI entrypoint)", o.executor.entrypoint));
  return h;
}

WagiHandler::~WagiHandler() = default;

void WagiHandler::log_failure(const Error& error, const Store* store) const {
  Error e = error;
  if (e.code == ErrorCode::Interrupt && options_.timeout)
    e.detail = "the request ran longer than --timeout " + options_.timeout_spec;
  std::string text = fmt::format("flint up: {} in {} (WAGI): {}\n", phase_name(e.phase()),
                                 options_.name, e.message());
  if (store) text += format_backtrace(store->last_backtrace());
  std::fputs(text.c_str(), stderr);  // one write: concurrent requests' lines do not mix
}

Status WagiHandler::run_module(const std::shared_ptr<wasi::WasiContext>& ctx) const {
  Store store(options_.config);
  if (options_.timeout) store.set_deadline(std::chrono::steady_clock::now() + *options_.timeout);
  Linker linker;
  wasi::define_wasi_imports(linker, store, ctx, module_->module());
  auto instance = linker.instantiate(store, *module_);
  if (instance) {
    auto entry = (*instance)->find_export(options_.executor.entrypoint);
    if (!entry) return make_error(ErrorCode::Usage, "no entrypoint");  // checked at create
    auto result = store.call(*entry, {});
    if (ctx->exit_code) return *ctx->exit_code == 0 ? Status() : Status(exited(*ctx->exit_code));
    if (result) return {};
    log_failure(result.error(), &store);
    return result.error();
  }
  if (ctx->exit_code) return *ctx->exit_code == 0 ? Status() : Status(exited(*ctx->exit_code));
  log_failure(instance.error(), &store);
  return instance.error();
}

std::shared_ptr<wasip2::Host> WagiHandler::link(
    component::ComponentLinker& linker, const std::shared_ptr<wasi::WasiContext>& ctx) const {
  wasip2::SocketGrants sockets;
  sockets.allowed_hosts = options_.allowed_hosts;
  std::shared_ptr<wasip2::Host> host = wasip2::define_wasip2(linker, ctx, sockets);
  // Spin links its whole world for every component; wasi:http's outbound
  // half is what a command can use.
  wasihttp::define_wasihttp(linker, host, options_.allowed_hosts);
  if (options_.define_more) options_.define_more(linker);
  return host;
}

Status WagiHandler::run_component(const std::shared_ptr<wasi::WasiContext>& ctx) const {
  Store store(options_.config);
  if (options_.timeout) store.set_deadline(std::chrono::steady_clock::now() + *options_.timeout);
  component::ComponentLinker linker;
  std::shared_ptr<wasip2::Host> host = link(linker, ctx);
  auto instance = component::instantiate(store, component_, linker);
  if (!instance) {
    if (host->exit_code) return *host->exit_code == 0 ? Status() : Status(exited(*host->exit_code));
    log_failure(instance.error(), &store);
    return instance.error();
  }
  FLINT_ASSIGN(auto run, wasip2::find_run(**instance));
  auto result = run->call(store, {});
  if (host->exit_code) return *host->exit_code == 0 ? Status() : Status(exited(*host->exit_code));
  if (!result) {
    log_failure(result.error(), &store);
    return result.error();
  }
  // `run` returned err: Spin logs it and still answers with the output.
  if (*result && (*result)->as_case().index != 0)
    std::fprintf(stderr, "flint up: %s (WAGI): wasi:cli/run returned an error\n",
                 options_.name.c_str());
  return {};
}

void WagiHandler::handle(wasihttp::IncomingRequestData request, const RouteMatch& match,
                         wasihttp::ResponseWriter& writer, const std::string* argv) const {
  auto fail = [&](const Error& e, bool logged) {
    if (!logged)
      std::fprintf(stderr, "flint up: %s (WAGI): %s\n", options_.name.c_str(),
                   (e.detail.empty() ? e.message() : e.detail).c_str());
    respond(writer, 500, {}, "");
  };
  bool too_large = false;
  auto body = read_body(request.body.get(), options_.max_request_body, too_large);
  if (!body) {
    if (too_large) return respond(writer, 413, {}, "");
    return fail(body.error(), false);
  }
  auto in = stdin_file(*body);
  if (!in) return fail(in.error(), false);
  auto out = stdout_file(options_.max_response);
  if (!out) return fail(out.error(), false);

  std::string_view target = request.path_with_query;
  size_t question = target.find('?');
  std::string_view path = target.substr(0, question);
  std::string_view query = question == target.npos ? "" : target.substr(question + 1);

  wasi::WasiOptions w = options_.wasi;
  w.args = wagi_argv(argv ? *argv : options_.executor.argv, path, query);
  for (auto& [name, value] : cgi_environment(request, match, body->size())) {
    bool taken = false;
    for (const auto& kv : options_.wasi.env) taken = taken || kv.first == name;
    if (!taken) w.env.emplace_back(std::move(name), std::move(value));
  }
  w.stdio = {in->get(), out->get(), 2};
  auto ctx = wasi::WasiContext::create(std::move(w));
  if (!ctx) return fail(ctx.error(), false);
  Status ran = module_ ? run_module(*ctx) : run_component(*ctx);
  if (!ran) {
    bool logged = ran.error().code != ErrorCode::ProcExit && ran.error().code != ErrorCode::Usage;
    return fail(ran.error(), logged);
  }

  off_t written = lseek(out->get(), 0, SEEK_CUR);
  if (written < 0) return fail(make_error(ErrorCode::Io, "stdout: cannot tell its size"), false);
  if (uint64_t(written) >= options_.max_response)
    return fail(make_error(ErrorCode::Usage, fmt::format("the script wrote more than {} bytes",
                                                         options_.max_response)),
                false);
  if (written == 0)
    return fail(make_error(ErrorCode::Usage,
                           "the component is configured to use the WAGI executor but did not "
                           "write to stdout (check the `executor` in spin.toml)"),
                false);
  std::string output(size_t(written), '\0');
  for (size_t done = 0; done < output.size();) {
    ssize_t n = pread(out->get(), output.data() + done, output.size() - done, off_t(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return fail(make_error(ErrorCode::Io, "stdout: cannot read it back"), false);
    done += size_t(n);
  }
  auto response = parse_cgi_response(output);
  if (!response) {
    // Spin answers with the reason.
    const std::string& reason = response.error().detail;
    std::fprintf(stderr, "flint up: %s (WAGI): %s\n", options_.name.c_str(), reason.c_str());
    return respond(writer, 500, {}, reason);
  }
  respond(writer, response->status, response->headers, response->body);
}

}  // namespace flint::spin
