// The request/response mapping of wasi:http's incoming handler, through a
// real guest (guests/components/rust/http_echo, built from source): what
// the server passes in (method, path, headers, a streamed body) is what the
// guest sees, and what the guest makes reaches the ResponseWriter in order
// (start, then each write as the guest flushes it, then finish).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "wasihttp/wasihttp.h"
#include "wasip2/wasip2.h"

namespace flint::wasihttp {
namespace {

/// The body as pieces, one per read: the guest must read them all.
class PiecesSource : public BodySource {
 public:
  explicit PiecesSource(std::vector<std::string> pieces) : pieces_(std::move(pieces)) {}
  Read read(uint64_t len) override {
    Read r;
    if (next_ == pieces_.size()) {
      r.end = true;
      return r;
    }
    const std::string& p = pieces_[next_++];
    r.bytes.assign(p.begin(), p.end());
    return r;
  }

 private:
  std::vector<std::string> pieces_;
  size_t next_ = 0;
};

/// What reached the writer, call by call.
class RecordingWriter : public ResponseWriter {
 public:
  void start(uint16_t s, const Fields& h) override {
    calls.push_back("start");
    status = s;
    headers = h;
  }
  bool write(std::span<const uint8_t> data) override {
    calls.push_back("write");
    body.append(data.begin(), data.end());
    return true;
  }
  void finish(const Fields*) override { calls.push_back("finish"); }

  std::vector<std::string> calls;
  uint16_t status = 0;
  Fields headers;
  std::string body;
};

std::shared_ptr<const component::CompiledComponent> guest() {
  static std::shared_ptr<const component::CompiledComponent> compiled = [] {
    std::ifstream in(FLINT_HTTP_ECHO_GUEST, std::ios::binary);
    std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in), {}};
    auto c = component::CompiledComponent::compile(std::move(bytes));
    return c ? *c : nullptr;
  }();
  return compiled;
}

/// One request through a fresh instance, as `flint serve` makes them.
Outcome serve(IncomingRequestData request, RecordingWriter& writer) {
  Store store;
  component::ComponentLinker linker;
  auto ctx = wasi::WasiContext::create({});
  EXPECT_TRUE(ctx.ok());
  auto wasi = wasip2::define_wasip2(linker, *ctx);  // the guest's std imports wasi:cli
  auto http = define_wasihttp(linker, wasi);
  auto instance = component::instantiate(store, guest(), linker);
  EXPECT_TRUE(instance.ok()) << (instance ? "" : instance.error().describe());
  return handle(store, **instance, *http, std::move(request), writer);
}

class HandleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(FLINT_HTTP_ECHO_GUEST))
      GTEST_SKIP() << FLINT_HTTP_ECHO_GUEST << " was not built (needs rustup's wasm32-wasip2)";
    ASSERT_NE(guest(), nullptr);
  }
};

std::vector<uint8_t> bytes(std::string_view s) { return {s.begin(), s.end()}; }

TEST_F(HandleTest, TheGuestSeesTheRequestAndItsResponseReachesTheWriter) {
  IncomingRequestData request;
  request.method = "PURGE";
  request.path_with_query = "/a/b?q=1";
  request.authority = "example.com";
  request.headers.add_unchecked("X-Echo", bytes("echoed"));
  request.body = std::make_shared<PiecesSource>(std::vector<std::string>{"hel", "lo ", "body"});
  RecordingWriter w;
  Outcome out = serve(std::move(request), w);
  ASSERT_TRUE(out.call.ok()) << out.call.error().describe();
  EXPECT_EQ(out.state, Exchange::State::Finished);
  EXPECT_EQ(w.status, 200);
  EXPECT_EQ(w.headers.get("x-echo"), std::vector<std::vector<uint8_t>>{bytes("echoed")});
  EXPECT_EQ(w.headers.get("content-type"), std::vector<std::vector<uint8_t>>{bytes("text/plain")});
  EXPECT_EQ(w.body, "method=PURGE\npath=/a/b?q=1\nx-echo=echoed\nbody=hello body\n");
  EXPECT_EQ(w.calls, (std::vector<std::string>{"start", "write", "finish"}));
}

TEST_F(HandleTest, EachFlushedWriteReachesTheWriterAsItHappens) {
  IncomingRequestData request;
  request.method = "GET";
  request.path_with_query = "/stream";
  RecordingWriter w;
  Outcome out = serve(std::move(request), w);
  ASSERT_TRUE(out.call.ok());
  EXPECT_EQ(w.calls,
            (std::vector<std::string>{"start", "write", "write", "write", "write", "finish"}));
  EXPECT_TRUE(w.body.starts_with("one\ntwo\nthree\nmethod=GET\n")) << w.body;
}

TEST_F(HandleTest, ATrapBeforeTheResponseLeavesItUnset) {
  IncomingRequestData request;
  request.method = "GET";
  request.path_with_query = "/trap";
  RecordingWriter w;
  Outcome out = serve(std::move(request), w);
  ASSERT_FALSE(out.call.ok());
  EXPECT_EQ(out.call.error().phase(), Phase::Trap);
  EXPECT_EQ(out.state, Exchange::State::Waiting);
  EXPECT_TRUE(w.calls.empty());
}

TEST_F(HandleTest, OutboundRequestsAreDenied) {
  IncomingRequestData request;
  request.method = "GET";
  request.path_with_query = "/outbound";
  RecordingWriter w;
  Outcome out = serve(std::move(request), w);
  ASSERT_TRUE(out.call.ok());
  EXPECT_EQ(w.body, "outbound: ErrorCode::HttpRequestDenied\n");
}

}  // namespace
}  // namespace flint::wasihttp
