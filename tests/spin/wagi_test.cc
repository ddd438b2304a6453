// The WAGI executor (spin/wagi.h): the CGI response parser, the argv
// template and the CGI environment as units, then guests/c/wagi_echo.c run
// as a core module and as a command component through WagiHandler, and
// once through App (a spin.toml with `executor = { type = "wagi" }`).
#include "spin/wagi.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "spin/app.h"

namespace flint::spin {
namespace {

namespace fs = std::filesystem;

// ---- The CGI response parser ---------------------------------------------------

struct CgiCase {
  const char* name;
  std::string output;
  int status;  ///< -1: an error (Spin's 500)
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

TEST(WagiCgiTest, ParsesAsSpinsComposeResponse) {
  const std::vector<CgiCase> cases = {
      {"content type",
       "Content-Type: text/plain\n\nhello",
       200,
       {{"content-type", "text/plain"}},
       "hello"},
      {"status with reason",
       "Status: 404 Not Found\nContent-Type: text/plain\n\nnope",
       404,
       {{"content-type", "text/plain"}},
       "nope"},
      {"status alone is enough", "Status: 204\n\n", 204, {}, ""},
      {"location is 302", "Location: /x\n\n", 302, {{"location", "/x"}}, ""},
      {"status beats location",
       "Location: /x\nStatus: 301 Moved\n\n",
       301,
       {{"location", "/x"}},
       ""},
      {"crlf",
       "Content-Type: a\r\nX-A: 1\r\n\r\nbody\r\n",
       200,
       {{"content-type", "a"}, {"x-a", "1"}},
       "body\r\n"},
      {"names case-insensitive",
       "CONTENT-TYPE: a\nx-B:  spaced  \n\n",
       200,
       {{"content-type", "a"}, {"x-b", "spaced"}},
       ""},
      {"last repeat wins",
       "Content-Type: a\nContent-Type: b\n\n",
       200,
       {{"content-type", "b"}},
       ""},
      {"framing headers dropped",
       "Content-Type: t\nContent-Length: 99\nTransfer-Encoding: chunked\nConnection: close\n\nx",
       200,
       {{"content-type", "t"}},
       "x"},
      {"corrupt line ignored",
       "Content-Type: t\nno colon here\n\nx",
       200,
       {{"content-type", "t"}},
       "x"},
      {"body keeps its blank lines",
       "Content-Type: t\n\na\n\nb\n",
       200,
       {{"content-type", "t"}},
       "a\n\nb\n"},
      {"bad status is 502", "Status: abc\nContent-Type: t\n\n", 502, {{"content-type", "t"}}, ""},
      {"status out of range is 502", "Status: 9999\n\n", 502, {}, ""},
      {"no blank line", "Content-Type: text/plain\nhello", -1, {}, ""},
      {"no header block", "just text", -1, {}, ""},
      {"no content type, location or status", "X-Only: 1\n\nbody", -1, {}, ""},
      {"empty", "", -1, {}, ""},
      {"not utf-8", "Content-Type: \xff\xfe\n\n", -1, {}, ""},
      {"control character in a value", std::string("Content-Type: a\x01z\n\n"), -1, {}, ""},
  };
  for (const CgiCase& c : cases) {
    SCOPED_TRACE(c.name);
    auto r = parse_cgi_response(c.output);
    if (c.status < 0) {
      EXPECT_FALSE(r.ok());
      continue;
    }
    ASSERT_TRUE(r.ok()) << r.error().message();
    EXPECT_EQ(r->status, c.status);
    EXPECT_EQ(r->headers, c.headers);
    EXPECT_EQ(r->body, c.body);
  }
  auto missing = parse_cgi_response("X: y\n\n");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().detail,
            "Exactly one of 'location' or 'content-type' must be specified");
}

// ---- argv ------------------------------------------------------------------------

TEST(WagiArgvTest, TemplateWithScriptNameAndArgs) {
  using V = std::vector<std::string>;
  EXPECT_EQ(wagi_argv("${SCRIPT_NAME} ${ARGS}", "/wagi/x", "a=1&b=hello+world%21"),
            (V{"/wagi/x", "a=1", "b=hello world!"}));
  EXPECT_EQ(wagi_argv("${SCRIPT_NAME} ${ARGS}", "/wagi/x", ""), (V{"/wagi/x"}));
  EXPECT_EQ(wagi_argv("${SCRIPT_NAME} ${ARGS}", "/p", "&&x&"), (V{"/p", "x"}));
  // Spin's documented Ruby example.
  EXPECT_EQ(wagi_argv("${SCRIPT_NAME} -v /lib/hello.rb ${SCRIPT_NAME} ${ARGS}", "/", "q=1"),
            (V{"/", "-v", "/lib/hello.rb", "/", "q=1"}));
  EXPECT_EQ(wagi_argv("prog  --name=${SCRIPT_NAME}", "/a", "z"), (V{"prog", "--name=/a"}));
  EXPECT_EQ(wagi_argv("prog --args=${ARGS}", "/a", "x&y"), (V{"prog", "--args=x y"}));
  EXPECT_EQ(wagi_argv("${SCRIPT_NAME}", "/a", "%zz%4"), (V{"/a"}));
  EXPECT_EQ(wagi_argv("${ARGS}", "/a", "%zz%4"), (V{"%zz%4"}));  // malformed escapes kept
}

// ---- The CGI environment ------------------------------------------------------------

RouteMatch route(const std::string& pattern, const std::string& path) {
  auto router = Router::build({{pattern, "t"}});
  EXPECT_TRUE(router.ok());
  auto m = router->route(path);
  EXPECT_TRUE(m.has_value()) << path;
  return m.value_or(RouteMatch{});
}

std::string lookup(const Environment& env, std::string_view name) {
  for (const auto& [n, v] : env)
    if (n == name) return v;
  return "<unset>";
}

void add(wasihttp::Fields& f, std::string_view name, std::string_view value) {
  f.add_unchecked(name, {value.begin(), value.end()});
}

TEST(WagiEnvironmentTest, MetaVariablesSpinsHeadersAndRequestHeaders) {
  wasihttp::IncomingRequestData request;
  request.method = "PUT";
  request.path_with_query = "/users/42/files/a%20b?x=1&y=2";
  request.authority = "example.test:3000";
  request.client_address = "127.0.0.1:5555";
  add(request.headers, "host", "example.test:3000");
  add(request.headers, "content-type", "application/json");
  add(request.headers, "x-trace-id", "abc");
  add(request.headers, "accept", "a");
  add(request.headers, "accept", "b");
  add(request.headers, "authorization", "secret");
  add(request.headers, "connection", "keep-alive");
  Environment env =
      cgi_environment(request, route("/users/:user_id/files/...", "/users/42/files/a%20b"), 17);
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"REQUEST_METHOD", "PUT"},
      {"QUERY_STRING", "x=1&y=2"},
      {"SCRIPT_NAME", "/users/:user_id/files"},
      {"PATH_INFO", "/a%20b"},
      {"X_RAW_PATH_INFO", "/a%20b"},
      {"PATH_TRANSLATED", "/a b"},
      {"SERVER_NAME", "example.test"},
      {"SERVER_PORT", "3000"},
      {"SERVER_PROTOCOL", "HTTP/1.1"},
      {"SERVER_SOFTWARE", "WAGI/1"},
      {"GATEWAY_INTERFACE", "CGI/1.1"},
      {"REMOTE_ADDR", "127.0.0.1"},
      {"REMOTE_HOST", "127.0.0.1"},
      {"REMOTE_USER", ""},
      {"AUTH_TYPE", ""},
      {"CONTENT_TYPE", "application/json"},
      {"CONTENT_LENGTH", "17"},
      {"X_FULL_URL", "http://example.test:3000/users/42/files/a%20b?x=1&y=2"},
      {"X_MATCHED_ROUTE", "/users/:user_id/files/..."},
      {"X_RAW_COMPONENT_ROUTE", "/users/:user_id/files/..."},
      {"X_COMPONENT_ROUTE", "/users/:user_id/files"},
      {"X_BASE_PATH", "/"},
      {"X_CLIENT_ADDR", "127.0.0.1:5555"},
      {"X_PATH_MATCH_USER_ID", "42"},
      {"HTTP_HOST", "example.test:3000"},
      {"HTTP_CONTENT_TYPE", "application/json"},
      {"HTTP_X_TRACE_ID", "abc"},
      {"HTTP_ACCEPT", "a, b"},
      {"HTTP_AUTHORIZATION", "<unset>"},  // RFC 3875 4.1.18
      {"HTTP_CONNECTION", "<unset>"},
  };
  for (const auto& [name, value] : expected) EXPECT_EQ(lookup(env, name), value) << name;
}

TEST(WagiEnvironmentTest, DefaultsWithoutHostOrClientAndIpv6) {
  wasihttp::IncomingRequestData request;
  request.method = "GET";
  request.path_with_query = "/exact";
  Environment env = cgi_environment(request, route("/exact", "/exact"), 0);
  EXPECT_EQ(lookup(env, "SERVER_NAME"), "localhost");
  EXPECT_EQ(lookup(env, "SERVER_PORT"), "80");
  EXPECT_EQ(lookup(env, "SCRIPT_NAME"), "/exact");
  EXPECT_EQ(lookup(env, "PATH_INFO"), "");
  EXPECT_EQ(lookup(env, "QUERY_STRING"), "");
  EXPECT_EQ(lookup(env, "CONTENT_LENGTH"), "0");
  EXPECT_EQ(lookup(env, "X_FULL_URL"), "http://localhost/exact");
  request.authority = "[::1]:8080";
  request.client_address = "[::1]:4444";
  env = cgi_environment(request, route("/exact", "/exact"), 0);
  EXPECT_EQ(lookup(env, "SERVER_NAME"), "[::1]");
  EXPECT_EQ(lookup(env, "SERVER_PORT"), "8080");
  EXPECT_EQ(lookup(env, "REMOTE_ADDR"), "::1");
  EXPECT_EQ(lookup(env, "X_CLIENT_ADDR"), "[::1]:4444");
}

// ---- The guest ---------------------------------------------------------------------

/// A request body given in pieces.
class StringBody : public wasihttp::BodySource {
 public:
  explicit StringBody(std::string data) : data_(std::move(data)) {}
  Read read(uint64_t len) override {
    Read r;
    size_t n = std::min<size_t>(std::min<uint64_t>(len, 5), data_.size() - at_);
    r.bytes.assign(data_.begin() + at_, data_.begin() + at_ + n);
    at_ += n;
    r.end = at_ == data_.size();
    return r;
  }

 private:
  std::string data_;
  size_t at_ = 0;
};

/// What the handler answered.
class RecordingWriter : public wasihttp::ResponseWriter {
 public:
  void start(uint16_t s, const wasihttp::Fields& h) override {
    ++starts;
    status = s;
    headers = h;
  }
  bool write(std::span<const uint8_t> data) override {
    body.append(data.begin(), data.end());
    return true;
  }
  void finish(const wasihttp::Fields*) override { ++finishes; }

  std::string header(std::string_view name) const {
    auto values = headers.get(name);
    return values.empty() ? "<unset>" : std::string(values[0].begin(), values[0].end());
  }

  int starts = 0, finishes = 0;
  uint16_t status = 0;
  wasihttp::Fields headers;
  std::string body;
};

std::vector<uint8_t> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

enum class Form { Core, Component };

class WagiGuestTest : public ::testing::TestWithParam<Form> {
 protected:
  fs::path guest() const {
    return fs::path(FLINT_WAGI_GUEST_DIR) /
           (GetParam() == Form::Core ? "wagi_echo.wasm" : "wagi_echo.component.wasm");
  }

  std::shared_ptr<WagiHandler> handler(WagiOptions options = {}) {
    options.name = "wagi-echo";
    options.wasi.env = {{"GREETING", "hi"}, {"REQUEST_METHOD", "from the manifest"}};
    auto h = WagiHandler::create(read_file(guest()), std::move(options));
    EXPECT_TRUE(h.ok()) << h.error().message();
    return h.ok() ? *h : nullptr;
  }

  RecordingWriter get(const WagiHandler& h, const std::string& target, std::string body = "",
                      std::string method = "GET") {
    wasihttp::IncomingRequestData request;
    request.method = std::move(method);
    request.path_with_query = target;
    request.authority = "localhost:3000";
    request.client_address = "127.0.0.1:40000";
    add(request.headers, "host", "localhost:3000");
    add(request.headers, "x-custom", "v");
    if (!body.empty()) request.body = std::make_shared<StringBody>(std::move(body));
    std::string path = target.substr(0, target.find('?'));
    RecordingWriter w;
    h.handle(std::move(request), route("/wagi/...", path), w);
    EXPECT_EQ(w.starts, 1);
    EXPECT_EQ(w.finishes, 1);
    return w;
  }

  void SetUp() override {
    if (!fs::exists(guest())) GTEST_SKIP() << guest() << " was not built";
  }
};

TEST_P(WagiGuestTest, EnvironmentArgvAndBody) {
  auto h = handler();
  ASSERT_TRUE(h);
  RecordingWriter w = get(*h, "/wagi/echo/path?x=1&y=two%20words", "request body", "POST");
  EXPECT_EQ(w.status, 200);
  EXPECT_EQ(w.header("content-type"), "text/plain");
  EXPECT_EQ(w.header("content-length"), std::to_string(w.body.size()));
  for (const char* line : {
           "argv[0]=/wagi/echo/path\n",
           "argv[1]=x=1\n",
           "argv[2]=y=two words\n",
           "env GREETING=hi\n",
           // A name the component sets keeps the component's value.
           "env REQUEST_METHOD=from the manifest\n",
           "env QUERY_STRING=x=1&y=two%20words\n",
           "env PATH_INFO=/echo/path\n",
           "env SCRIPT_NAME=/wagi\n",
           "env CONTENT_LENGTH=12\n",
           "env X_MATCHED_ROUTE=/wagi/...\n",
           "env X_FULL_URL=http://localhost:3000/wagi/echo/path?x=1&y=two%20words\n",
           "env SERVER_PORT=3000\n",
           "env HTTP_X_CUSTOM=v\n",
           "env GATEWAY_INTERFACE=CGI/1.1\n",
           "body=request body\n",
       })
    EXPECT_NE(w.body.find(line), std::string::npos) << line << "in:\n" << w.body;
  EXPECT_EQ(w.body.find("argv[3]"), std::string::npos);
}

TEST_P(WagiGuestTest, EachRequestRunsAFreshInstance) {
  auto h = handler();
  ASSERT_TRUE(h);
  RecordingWriter first = get(*h, "/wagi/a?one", "first");
  RecordingWriter second = get(*h, "/wagi/b", "");
  EXPECT_NE(first.body.find("body=first\n"), std::string::npos);
  EXPECT_NE(second.body.find("body=\n"), std::string::npos);
  EXPECT_EQ(second.body.find("argv[1]"), std::string::npos);
  EXPECT_NE(second.body.find("env PATH_INFO=/b\n"), std::string::npos);
}

TEST_P(WagiGuestTest, StatusLocationAndCrlfHeaders) {
  auto h = handler();
  ASSERT_TRUE(h);
  RecordingWriter status = get(*h, "/wagi/status");
  EXPECT_EQ(status.status, 404);
  EXPECT_EQ(status.body, "not here\n");
  RecordingWriter redirect = get(*h, "/wagi/redirect");
  EXPECT_EQ(redirect.status, 302);
  EXPECT_EQ(redirect.header("location"), "/elsewhere");
  EXPECT_EQ(redirect.body, "");
  RecordingWriter crlf = get(*h, "/wagi/crlf");
  EXPECT_EQ(crlf.status, 200);
  EXPECT_EQ(crlf.header("content-type"), "text/html");
  EXPECT_EQ(crlf.header("x-custom"), "yes");
  EXPECT_EQ(crlf.body, "<p>hi</p>\r\n");
}

TEST_P(WagiGuestTest, MalformedOrMissingOutputIs500) {
  auto h = handler();
  ASSERT_TRUE(h);
  RecordingWriter malformed = get(*h, "/wagi/malformed");
  EXPECT_EQ(malformed.status, 500);
  EXPECT_EQ(malformed.body, "Exactly one of 'location' or 'content-type' must be specified");
  EXPECT_EQ(get(*h, "/wagi/silent").status, 500);
}

TEST_P(WagiGuestTest, TrapOrNonzeroExitIs500AndZeroExitServes) {
  auto h = handler();
  ASSERT_TRUE(h);
  RecordingWriter trapped = get(*h, "/wagi/trap");
  EXPECT_EQ(trapped.status, 500);
  EXPECT_EQ(trapped.body, "");
  EXPECT_EQ(get(*h, "/wagi/exit").status, 500);
  RecordingWriter exit0 = get(*h, "/wagi/exit0");
  EXPECT_EQ(exit0.status, 200);
  EXPECT_EQ(exit0.body, "ok\n");
  // And the handler serves on.
  EXPECT_EQ(get(*h, "/wagi/status").status, 404);
}

TEST_P(WagiGuestTest, OutputAndBodyLimits) {
  WagiOptions options;
  options.max_response = 1 << 20;
  options.max_request_body = 8;
  auto h = handler(std::move(options));
  ASSERT_TRUE(h);
  EXPECT_EQ(get(*h, "/wagi/flood").status, 500);
  EXPECT_EQ(get(*h, "/wagi/echo", "more than eight bytes").status, 413);
  EXPECT_EQ(get(*h, "/wagi/echo", "eight!!!").status, 200);
}

TEST_P(WagiGuestTest, DeadlineStopsTheScript) {
  if (GetParam() == Form::Component) GTEST_SKIP() << "the core form covers the deadline";
  WagiOptions options;
  options.timeout = std::chrono::milliseconds(1);
  options.timeout_spec = "1ms";
  auto h = handler(std::move(options));
  ASSERT_TRUE(h);
  // The flood runs until its output is full or the deadline hits: 500
  // either way, and promptly.
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(get(*h, "/wagi/flood").status, 500);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
}

INSTANTIATE_TEST_SUITE_P(Forms, WagiGuestTest, ::testing::Values(Form::Core, Form::Component),
                         [](const auto& info) {
                           return info.param == Form::Core ? "Core" : "Component";
                         });

TEST(WagiHandlerTest, RefusesModulesThatAreNoWasiCommand) {
  // Imports something other than WASI.
  const std::vector<uint8_t> imports_env = {
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,        // header
      0x01, 0x04, 0x01, 0x60, 0x00, 0x00,                    // type: () -> ()
      0x02, 0x07, 0x01, 0x01, 'e',  0x01, 'f',  0x00, 0x00,  // import "e" "f"
  };
  auto a = WagiHandler::create(imports_env, {});
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.error().message().find("wasi_snapshot_preview1"), std::string::npos);
  // Exports no _start.
  const std::vector<uint8_t> empty = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  auto b = WagiHandler::create(empty, {});
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.error().message().find("_start"), std::string::npos);
}

// ---- Through App ------------------------------------------------------------------------

TEST(WagiAppTest, ATriggerWithTheWagiExecutorRunsTheScript) {
  fs::path guest = fs::path(FLINT_WAGI_GUEST_DIR) / "wagi_echo.wasm";
  if (!fs::exists(guest)) GTEST_SKIP() << guest << " was not built";
  fs::path dir = fs::temp_directory_path() / ("flint-wagi-app-" + std::to_string(getpid()));
  fs::create_directories(dir);
  fs::copy_file(guest, dir / "echo.wasm", fs::copy_options::overwrite_existing);
  std::ofstream(dir / "spin.toml") << R"(spin_manifest_version = 2
[application]
name = "wagi-app"

[[trigger.http]]
route = "/cgi/..."
component = "echo"
executor = { type = "wagi", argv = "${SCRIPT_NAME} --flag ${ARGS}" }

[[trigger.http]]
route = "/other/..."
component = "echo"
executor = { type = "wagi", argv = "other ${ARGS}" }

[component.echo]
source = "echo.wasm"
environment = { GREETING = "from spin.toml" }
)";
  auto manifest = load_manifest((dir / "spin.toml").string());
  ASSERT_TRUE(manifest.ok()) << manifest.error().message();
  auto app = App::create(std::move(*manifest), {});
  ASSERT_TRUE(app.ok()) << app.error().message();
  ASSERT_TRUE((*app)->load_all().ok());

  wasihttp::IncomingRequestData request;
  request.method = "POST";
  request.path_with_query = "/cgi/run?a=b";
  request.authority = "localhost:3000";
  request.body = std::make_shared<StringBody>("posted");
  RecordingWriter w;
  (*app)->handle(std::move(request), w);
  EXPECT_EQ(w.status, 200);
  for (const char* line :
       {"argv[0]=/cgi/run\n", "argv[1]=--flag\n", "argv[2]=a=b\n", "env GREETING=from spin.toml\n",
        "env PATH_INFO=/run\n", "env X_COMPONENT_ROUTE=/cgi\n", "body=posted\n"})
    EXPECT_NE(w.body.find(line), std::string::npos) << line << "in:\n" << w.body;

  RecordingWriter status;
  wasihttp::IncomingRequestData second;
  second.method = "GET";
  second.path_with_query = "/cgi/status";
  (*app)->handle(std::move(second), status);
  EXPECT_EQ(status.status, 404);

  // Another trigger of the same component, with its own argv.
  RecordingWriter other;
  wasihttp::IncomingRequestData third;
  third.method = "GET";
  third.path_with_query = "/other/x?k";
  (*app)->handle(std::move(third), other);
  EXPECT_EQ(other.status, 200);
  EXPECT_NE(other.body.find("argv[0]=other\nargv[1]=k\nenv"), std::string::npos) << other.body;
  app->reset();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace flint::spin
