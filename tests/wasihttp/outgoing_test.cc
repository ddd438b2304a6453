// wasi:http/outgoing-handler through the host functions, as a guest's
// lowered imports call them, against a real HTTP/1.1 server on 127.0.0.1
// (a thread of the test): requests go out with their method, path, headers
// and body (written before or after handle, sized or chunked); the response
// comes back through a future whose pollable is ready when the head is;
// denied URLs (through the future, as Spin) and refused connections answer
// their error-codes.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <mutex>
#include <thread>

#include "wasihttp/wasihttp.h"
#include "wasip2/wasip2.h"

namespace flint::wasihttp {
namespace {

using component::ComponentLinker;
using component::FunctionPtr;
using component::InstancePtr;
namespace val = component::val;

constexpr const char* kTypes = "wasi:http/types@0.2.0";

/// What the test server received.
struct Received {
  std::string method, target, head, body;
};

/// An HTTP/1.1 server on 127.0.0.1 answering every request with 200, a
/// header `x-test: yes` and a body describing the request.
class TestServer {
 public:
  /// `respond`, if given, answers instead (with the request already read).
  explicit TestServer(std::function<void(int)> respond = nullptr) : respond_(std::move(respond)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(fd_, 16);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~TestServer() {
    stop_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    thread_.join();
    ::close(fd_);
  }
  Received last() {
    std::lock_guard lock(m_);
    return last_;
  }
  uint16_t port = 0;

 private:
  void serve() {
    while (!stop_) {
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      one(c);
      ::close(c);
    }
  }
  static bool fill(int c, std::string& buf) {
    char tmp[4096];
    ssize_t n = ::read(c, tmp, sizeof tmp);
    if (n <= 0) return false;
    buf.append(tmp, size_t(n));
    return true;
  }
  void one(int c) {
    std::string buf;
    size_t end;
    while ((end = buf.find("\r\n\r\n")) == std::string::npos) {
      if (!fill(c, buf)) return;
      if (buf[0] == 0x16) {  // a TLS handshake: answered as a plain server would
        (void)!::write(c, "HTTP/1.1 400 Bad Request\r\n\r\n", 28);
        return;
      }
    }
    Received r;
    r.head = buf.substr(0, end + 2);
    std::string rest = buf.substr(end + 4);
    size_t sp1 = r.head.find(' '), sp2 = r.head.find(' ', sp1 + 1);
    r.method = r.head.substr(0, sp1);
    r.target = r.head.substr(sp1 + 1, sp2 - sp1 - 1);
    std::string lower = r.head;
    for (char& ch : lower) ch = char(std::tolower(static_cast<unsigned char>(ch)));
    if (size_t cl = lower.find("\r\ncontent-length:"); cl != std::string::npos) {
      size_t n = std::stoul(lower.substr(cl + 17));
      while (rest.size() < n)
        if (!fill(c, rest)) return;
      r.body = rest.substr(0, n);
    } else if (lower.find("transfer-encoding: chunked") != std::string::npos) {
      for (;;) {
        size_t eol;
        while ((eol = rest.find("\r\n")) == std::string::npos)
          if (!fill(c, rest)) return;
        size_t n = std::stoul(rest.substr(0, eol), nullptr, 16);
        while (rest.size() < eol + 2 + n + 2)
          if (!fill(c, rest)) return;
        r.body += rest.substr(eol + 2, n);
        rest.erase(0, eol + 2 + n + 2);
        if (n == 0) break;
      }
    }
    {
      std::lock_guard lock(m_);
      last_ = r;
    }
    if (respond_) return respond_(c);
    std::string body = r.method + " " + r.target + " body=" + r.body;
    std::string response =
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Test: yes\r\n"
        "Connection: close\r\nContent-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body;
    for (size_t done = 0; done < response.size();) {
      ssize_t n = ::write(c, response.data() + done, response.size() - done);
      if (n <= 0) return;
      done += size_t(n);
    }
  }

  std::function<void(int)> respond_;
  int fd_ = -1;
  std::atomic<bool> stop_ = false;
  std::thread thread_;
  std::mutex m_;
  Received last_;
};

ComponentValue bytes(std::string_view s) {
  return val::bytes(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}
std::string text(const ComponentValue& list) {
  std::vector<uint8_t> b = val::to_bytes(list);
  return {b.begin(), b.end()};
}

class Outgoing : public ::testing::Test {
 protected:
  void start(std::vector<std::string> patterns) {
    signal(SIGPIPE, SIG_IGN);
    auto ctx = wasi::WasiContext::create({});
    ASSERT_TRUE(ctx.ok());
    auto wasi = wasip2::define_wasip2(linker_, *ctx);
    std::shared_ptr<const outbound::AllowedHosts> allowed;
    if (!patterns.empty()) {
      auto hosts = outbound::AllowedHosts::parse(patterns);
      ASSERT_TRUE(hosts.ok());
      allowed = std::make_shared<const outbound::AllowedHosts>(std::move(*hosts));
    }
    http_ = define_wasihttp(linker_, wasi, allowed);
  }

  ComponentValue call(const std::string& iface, const std::string& name,
                      std::vector<ComponentValue> args) {
    auto item = linker_.resolve(iface);
    EXPECT_TRUE(item.ok()) << iface;
    const InstancePtr& instance = std::get<InstancePtr>(*item);
    auto it = instance->exports.find(name);
    EXPECT_NE(it, instance->exports.end()) << name;
    auto r = std::get<FunctionPtr>(it->second)->call(store_, args);
    EXPECT_TRUE(r.ok()) << name << ": " << (r.ok() ? "" : r.error().describe());
    return r.ok() && *r ? **r : val::none();
  }
  ComponentValue types(const std::string& name, std::vector<ComponentValue> args) {
    return call(kTypes, name, std::move(args));
  }
  static ComponentValue ok(const ComponentValue& result) {
    EXPECT_EQ(result.as_case().index, 0u);
    return result.as_case().payload ? *result.as_case().payload : val::none();
  }

  /// An outgoing-request: METHOD (a method case) http://127.0.0.1:PORT PATH.
  ComponentValue request(uint32_t method, uint16_t port, const std::string& path,
                         std::vector<std::pair<std::string, std::string>> headers = {}) {
    ComponentValue h = types("[constructor]fields", {});
    for (const auto& [name, value] : headers)
      ok(types("[method]fields.append", {h, val::string(name), bytes(value)}));
    ComponentValue q = types("[constructor]outgoing-request", {h});
    ok(types("[method]outgoing-request.set-method", {q, val::variant_case(method)}));
    ok(types("[method]outgoing-request.set-scheme", {q, val::some(val::variant_case(0))}));
    ok(types("[method]outgoing-request.set-authority",
             {q, val::some(val::string("127.0.0.1:" + std::to_string(port)))}));
    ok(types("[method]outgoing-request.set-path-with-query", {q, val::some(val::string(path))}));
    return q;
  }

  ComponentValue handle(const ComponentValue& q, ComponentValue options = val::none()) {
    return call("wasi:http/outgoing-handler@0.2.0", "handle", {q, std::move(options)});
  }

  /// request-options with one timeout (`name`: connect-timeout, ...) set.
  ComponentValue options(const std::string& name, uint64_t nanoseconds) {
    ComponentValue o = types("[constructor]request-options", {});
    ok(types("[method]request-options.set-" + name, {o, val::some(val::u64(nanoseconds))}));
    return val::some(o);
  }

  /// The error-code name of a failed result<_, error-code>.
  static std::string failure(const ComponentValue& result) {
    if (result.as_case().index == 0) return "(succeeded)";
    return std::string(error_code_name(result.as_case().payload->as_case().index));
  }

  /// The body's stream: writes `data`, then (if `finish`) finishes it.
  void write_body(const ComponentValue& body, const std::string& data, bool finish) {
    ComponentValue out = ok(types("[method]outgoing-body.write", {body}));
    ok(call("wasi:io/streams@0.2.0", "[method]output-stream.blocking-write-and-flush",
            {out, bytes(data)}));
    if (finish) ok(types("[static]outgoing-body.finish", {body, val::none()}));
  }

  /// Waits on the future's pollable, then gets its result<incoming-response, error-code>.
  ComponentValue wait(const ComponentValue& future) {
    ComponentValue p = types("[method]future-incoming-response.subscribe", {future});
    call("wasi:io/poll@0.2.0", "poll", {val::list({p})});
    ComponentValue got = types("[method]future-incoming-response.get", {future});
    EXPECT_TRUE(got.as_case().payload != nullptr) << "not ready after its pollable was";
    if (!got.as_case().payload) return val::err();
    return ok(*got.as_case().payload);
  }

  /// The whole body of an incoming-response.
  std::string read_all(const ComponentValue& response) {
    ComponentValue body = ok(types("[method]incoming-response.consume", {response}));
    ComponentValue in = ok(types("[method]incoming-body.stream", {body}));
    std::string out;
    for (;;) {
      ComponentValue r =
          call("wasi:io/streams@0.2.0", "[method]input-stream.blocking-read", {in, val::u64(1000)});
      if (r.as_case().index != 0) break;  // closed: the end
      out += text(*r.as_case().payload);
    }
    return out;
  }

  std::string header(const ComponentValue& response, const std::string& name) {
    ComponentValue h = types("[method]incoming-response.headers", {response});
    ComponentValue values = types("[method]fields.get", {h, val::string(name)});
    return values.items().empty() ? "" : text(values.items()[0]);
  }

  ComponentLinker linker_;
  std::shared_ptr<HttpHost> http_;
  Store store_;
};

TEST_F(Outgoing, GetReachesTheServerAndTheResponseComesBack) {
  TestServer server;
  start({"http://127.0.0.1:" + std::to_string(server.port)});
  ComponentValue future =
      ok(handle(request(0, server.port, "/path?x=1", {{"x-hello", "world"}, {"host", "bad"}})));
  ComponentValue response = ok(wait(future));
  EXPECT_EQ(types("[method]incoming-response.status", {response}).as_unsigned(), 200u);
  EXPECT_EQ(header(response, "x-test"), "yes");
  EXPECT_EQ(header(response, "content-type"), "text/plain");
  EXPECT_EQ(read_all(response), "GET /path?x=1 body=");
  Received r = server.last();
  EXPECT_NE(r.head.find("\r\nx-hello: world\r\n"), std::string::npos) << r.head;
  // The host header is the authority, whatever the guest set.
  EXPECT_NE(r.head.find("\r\nHost: 127.0.0.1:" + std::to_string(server.port) + "\r\n"),
            std::string::npos)
      << r.head;
  EXPECT_EQ(r.head.find("bad"), std::string::npos) << r.head;
  // The value once, then err.
  ComponentValue again = types("[method]future-incoming-response.get", {future});
  EXPECT_EQ(again.as_case().payload->as_case().index, 1u);
}

TEST_F(Outgoing, PostWithABodyFinishedBeforeHandleIsSized) {
  TestServer server;
  start({"http://127.0.0.1:*"});
  ComponentValue q = request(2, server.port, "/echo");
  ComponentValue body = ok(types("[method]outgoing-request.body", {q}));
  write_body(body, "Hello, world!", true);
  ComponentValue response = ok(wait(ok(handle(q))));
  EXPECT_EQ(read_all(response), "POST /echo body=Hello, world!");
  Received r = server.last();
  EXPECT_NE(r.head.find("Content-Length: 13"), std::string::npos) << r.head;
  EXPECT_EQ(r.head.find("Content-Type"), std::string::npos) << r.head;  // none of curl's own
  EXPECT_EQ(r.head.find("Expect"), std::string::npos) << r.head;
}

TEST_F(Outgoing, ABodyWrittenAfterHandleStreamsChunked) {
  TestServer server;
  start({"http://127.0.0.1:*"});
  ComponentValue q = request(3, server.port, "/put");  // PUT
  ComponentValue body = ok(types("[method]outgoing-request.body", {q}));
  ComponentValue out = ok(types("[method]outgoing-body.write", {body}));
  ok(call("wasi:io/streams@0.2.0", "[method]output-stream.blocking-write-and-flush",
          {out, bytes("first ")}));
  ComponentValue future = ok(handle(q));
  ok(call("wasi:io/streams@0.2.0", "[method]output-stream.blocking-write-and-flush",
          {out, bytes("second")}));
  ok(types("[static]outgoing-body.finish", {body, val::none()}));
  ComponentValue response = ok(wait(future));
  EXPECT_EQ(read_all(response), "PUT /put body=first second");
  EXPECT_NE(server.last().head.find("Transfer-Encoding: chunked"), std::string::npos);
}

TEST_F(Outgoing, AGuestContentLengthSizesAStreamedBody) {
  TestServer server;
  start({"http://127.0.0.1:*"});
  ComponentValue q = request(2, server.port, "/", {{"content-length", "5"}});
  ComponentValue body = ok(types("[method]outgoing-request.body", {q}));
  ComponentValue future = ok(handle(q));
  write_body(body, "12345", true);
  EXPECT_EQ(read_all(ok(wait(future))), "POST / body=12345");
  EXPECT_NE(server.last().head.find("Content-Length: 5"), std::string::npos);
}

TEST_F(Outgoing, WithoutAllowedHostsEveryRequestIsDenied) {
  TestServer server;
  start({});
  // As Spin: handle succeeds; the future answers the denial.
  ComponentValue r = wait(ok(handle(request(0, server.port, "/"))));
  ASSERT_EQ(r.as_case().index, 1u);
  EXPECT_EQ(r.as_case().payload->as_case().index, kHttpRequestDenied);
  EXPECT_EQ(server.last().method, "");  // nothing reached the server
}

TEST_F(Outgoing, AUrlOutsideTheAllowedHostsIsDenied) {
  TestServer server;
  start({"http://127.0.0.1:" + std::to_string(server.port + 1), "https://127.0.0.1:*",
         "http://localhost:*"});
  ComponentValue r = wait(ok(handle(request(0, server.port, "/"))));
  ASSERT_EQ(r.as_case().index, 1u);
  EXPECT_EQ(r.as_case().payload->as_case().index, kHttpRequestDenied);
}

TEST_F(Outgoing, AClosedPortIsConnectionRefused) {
  uint16_t port;
  {
    TestServer gone;
    port = gone.port;
  }
  start({"http://127.0.0.1:*"});
  ComponentValue result = wait(ok(handle(request(0, port, "/"))));
  ASSERT_EQ(result.as_case().index, 1u);
  EXPECT_EQ(error_code_name(result.as_case().payload->as_case().index), "connection-refused");
}

TEST_F(Outgoing, AnOtherSchemeOrNoAuthorityIsAnError) {
  start({"*://*:*"});
  ComponentValue q = types("[constructor]outgoing-request", {types("[constructor]fields", {})});
  ComponentValue r = handle(q);  // no authority
  ASSERT_EQ(r.as_case().index, 1u);
  EXPECT_EQ(error_code_name(r.as_case().payload->as_case().index), "HTTP-request-URI-invalid");
  q = request(0, 80, "/");
  ok(types("[method]outgoing-request.set-scheme",
           {q, val::some(val::variant_case(2, val::string("ftp")))}));
  r = handle(q);
  ASSERT_EQ(r.as_case().index, 1u);
  EXPECT_EQ(error_code_name(r.as_case().payload->as_case().index), "HTTP-protocol-error");
}

TEST_F(Outgoing, LargeBodiesStreamBothWays) {
  // More than the megabyte each direction buffers: the writer waits for the
  // transfer, the transfer for the reader.
  TestServer server;
  start({"http://127.0.0.1:*"});
  std::string big(3 << 20, 'x');
  for (size_t i = 0; i < big.size(); i += 4096) big[i] = char('a' + (i / 4096) % 26);
  ComponentValue q = request(2, server.port, "/big");
  ComponentValue body = ok(types("[method]outgoing-request.body", {q}));
  ComponentValue future = ok(handle(q));
  ComponentValue out = ok(types("[method]outgoing-body.write", {body}));
  for (size_t i = 0; i < big.size(); i += 1 << 20)
    ok(call("wasi:io/streams@0.2.0", "[method]output-stream.blocking-write-and-flush",
            {out, bytes(std::string_view(big).substr(i, 1 << 20))}));
  ok(types("[static]outgoing-body.finish", {body, val::none()}));
  std::string got = read_all(ok(wait(future)));
  EXPECT_EQ(got.size(), big.size() + 15);
  EXPECT_TRUE(got == "POST /big body=" + big) << got.substr(0, 64);
}

TEST_F(Outgoing, TheBodyStreamIsPolledUntilBytesArrive) {
  TestServer server([](int c) {
    std::string head = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n";
    (void)!::write(c, head.data(), head.size());
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    (void)!::write(c, "later", 5);
  });
  start({"http://127.0.0.1:*"});
  ComponentValue response = ok(wait(ok(handle(request(0, server.port, "/")))));
  ComponentValue body = ok(types("[method]incoming-response.consume", {response}));
  ComponentValue in = ok(types("[method]incoming-body.stream", {body}));
  // Nothing yet: `read` does not wait, the pollable is not ready.
  ComponentValue none =
      call("wasi:io/streams@0.2.0", "[method]input-stream.read", {in, val::u64(100)});
  EXPECT_EQ(val::to_bytes(ok(none)).size(), 0u);
  ComponentValue p = call("wasi:io/streams@0.2.0", "[method]input-stream.subscribe", {in});
  EXPECT_FALSE(call("wasi:io/poll@0.2.0", "[method]pollable.ready", {p}).as_bool());
  call("wasi:io/poll@0.2.0", "poll", {val::list({p})});
  EXPECT_EQ(
      text(ok(call("wasi:io/streams@0.2.0", "[method]input-stream.read", {in, val::u64(100)}))),
      "later");
}

TEST_F(Outgoing, FirstByteTimeout) {
  std::atomic<bool> release = false;
  TestServer server([&](int) {
    while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  });
  start({"http://127.0.0.1:*"});
  auto begin = std::chrono::steady_clock::now();
  ComponentValue r =
      wait(ok(handle(request(0, server.port, "/"), options("first-byte-timeout", 200'000'000))));
  release = true;
  EXPECT_EQ(failure(r), "connection-read-timeout");
  EXPECT_LT(std::chrono::steady_clock::now() - begin, std::chrono::seconds(5));
}

TEST_F(Outgoing, BetweenBytesTimeout) {
  std::atomic<bool> release = false;
  TestServer server([&](int c) {
    std::string head = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf.";
    (void)!::write(c, head.data(), head.size());
    while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  });
  start({"http://127.0.0.1:*"});
  ComponentValue response = ok(wait(
      ok(handle(request(0, server.port, "/"), options("between-bytes-timeout", 200'000'000)))));
  ComponentValue body = ok(types("[method]incoming-response.consume", {response}));
  ComponentValue in = ok(types("[method]incoming-body.stream", {body}));
  auto read = [&] {
    return call("wasi:io/streams@0.2.0", "[method]input-stream.blocking-read", {in, val::u64(100)});
  };
  EXPECT_EQ(text(ok(read())), "half.");
  ComponentValue failed = read();
  release = true;
  ASSERT_EQ(failed.as_case().index, 1u);
  EXPECT_EQ(failed.as_case().payload->as_case().index, 0u);  // last-operation-failed
  // http-error-code tells the guest why.
  ComponentValue code = types("http-error-code", {*failed.as_case().payload->as_case().payload});
  ASSERT_TRUE(code.as_case().payload != nullptr);
  EXPECT_EQ(error_code_name(code.as_case().payload->as_case().index), "connection-read-timeout");
}

TEST_F(Outgoing, HttpsToAPlainServerIsATlsError) {
  TestServer server;
  start({"https://127.0.0.1:*"});
  ComponentValue q = request(0, server.port, "/");
  ok(types("[method]outgoing-request.set-scheme", {q, val::some(val::variant_case(1))}));
  EXPECT_EQ(failure(wait(ok(handle(q)))), "TLS-protocol-error");
}

TEST_F(Outgoing, AnUnresolvableNameIsADnsError) {
  start({"http://*.invalid:*"});
  ComponentValue q = request(0, 80, "/");
  ok(types("[method]outgoing-request.set-authority",
           {q, val::some(val::string("no-such-host.invalid"))}));
  EXPECT_EQ(failure(wait(ok(handle(q)))), "DNS-error");
}

TEST_F(Outgoing, DroppingEverythingCancelsTheTransfer) {
  std::atomic<bool> release = false;
  TestServer server([&](int) {
    while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  });
  start({"http://127.0.0.1:*"});
  {
    ComponentValue q = request(2, server.port, "/");
    ComponentValue body = ok(types("[method]outgoing-request.body", {q}));
    ComponentValue future = ok(handle(q));
    // The guest's instance (and its tables) go away: nothing waits forever.
  }
  http_.reset();
  linker_ = ComponentLinker();
  release = true;
}

/// `openssl s_server -www` with a fresh self-signed certificate for
/// 127.0.0.1 (skips when there is no openssl).
class SelfSignedServer {
 public:
  SelfSignedServer() {
    dir_ = std::filesystem::temp_directory_path() / ("flint-tls-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
    std::string key = (dir_ / "key.pem").string(), cert = (dir_ / "cert.pem").string();
    std::string make =
        "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
        "-addext subjectAltName=IP:127.0.0.1 -keyout " +
        key + " -out " + cert + " >/dev/null 2>&1";
    if (std::system(make.c_str()) != 0) return;
    // A free port: bound, then released for s_server.
    int probe = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(probe, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(probe, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
    ::close(probe);
    pid_ = fork();
    if (pid_ == 0) {
      int null = ::open("/dev/null", O_RDWR);
      dup2(null, 0), dup2(null, 1), dup2(null, 2);
      std::string accept = "127.0.0.1:" + std::to_string(port);
      execlp("openssl", "openssl", "s_server", "-www", "-accept", accept.c_str(), "-key",
             key.c_str(), "-cert", cert.c_str(), nullptr);
      _exit(127);
    }
    // Ready once it accepts connections.
    for (int i = 0; i < 100 && !ready; ++i) {
      int c = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      ready = ::connect(c, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
      ::close(c);
      if (!ready) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  ~SelfSignedServer() {
    if (pid_ > 0) kill(pid_, SIGKILL), waitpid(pid_, nullptr, 0);
    std::filesystem::remove_all(dir_);
  }
  uint16_t port = 0;
  bool ready = false;

 private:
  std::filesystem::path dir_;
  pid_t pid_ = -1;
};

TEST_F(Outgoing, AnUntrustedCertificateIsATlsCertificateError) {
  SelfSignedServer server;
  if (!server.ready) GTEST_SKIP() << "no openssl to run a TLS server";
  start({"https://127.0.0.1:*"});
  ComponentValue q = request(0, server.port, "/");
  ok(types("[method]outgoing-request.set-scheme", {q, val::some(val::variant_case(1))}));
  EXPECT_EQ(failure(wait(ok(handle(q)))), "TLS-certificate-error");
}

}  // namespace
}  // namespace flint::wasihttp
