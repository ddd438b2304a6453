// The WASI 0.2 host called directly, as a component's lowered imports call
// it: edge cases a C guest through the adapter rarely reaches.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <chrono>

#include "../common/linked_functions.h"
#include "wasip2/wasip2.h"

namespace flint::wasip2 {
namespace {

using component::ComponentLinker;
using component::FunctionPtr;
using component::InstancePtr;
using component::TypeKind;
namespace val = component::val;

class WasiP2Host : public ::testing::Test {
 protected:
  void SetUp() override {
    auto ctx = wasi::WasiContext::create({});
    ASSERT_TRUE(ctx.ok());
    host_ = define_wasip2(linker_, *ctx);
  }

  /// The function `name` of the interface a guest imports as `iface`.
  FunctionPtr func(const std::string& iface, const std::string& name) {
    return testing::linked_function(linker_, iface, name);
  }

  Result<std::optional<ComponentValue>> call(const std::string& iface, const std::string& name,
                                             std::vector<ComponentValue> args = {}) {
    return testing::call_linked(linker_, store_, iface, name, std::move(args));
  }

  ComponentLinker linker_;
  std::shared_ptr<Host> host_;
  Store store_;
};

TEST_F(WasiP2Host, EveryInterfaceResolvesFromOlderAndNewerPatchVersions) {
  for (const char* iface : {"wasi:cli/environment",
                            "wasi:cli/exit",
                            "wasi:cli/stdin",
                            "wasi:cli/stdout",
                            "wasi:cli/stderr",
                            "wasi:cli/terminal-input",
                            "wasi:cli/terminal-output",
                            "wasi:cli/terminal-stdin",
                            "wasi:cli/terminal-stdout",
                            "wasi:cli/terminal-stderr",
                            "wasi:io/error",
                            "wasi:io/poll",
                            "wasi:io/streams",
                            "wasi:clocks/monotonic-clock",
                            "wasi:clocks/wall-clock",
                            "wasi:random/random",
                            "wasi:random/insecure",
                            "wasi:random/insecure-seed",
                            "wasi:filesystem/types",
                            "wasi:filesystem/preopens",
                            "wasi:sockets/network",
                            "wasi:sockets/instance-network",
                            "wasi:sockets/tcp",
                            "wasi:sockets/tcp-create-socket",
                            "wasi:sockets/udp",
                            "wasi:sockets/udp-create-socket",
                            "wasi:sockets/ip-name-lookup"})
    for (const char* version : {"@0.2.0", "@0.2.12"})
      EXPECT_TRUE(linker_.resolve(std::string(iface) + version).ok()) << iface << version;
}

// renew(): the host as a new one would be, for the next store over the same
// linker, with the resource types the linker's functions name.
TEST_F(WasiP2Host, ARenewedHostKeepsItsTypesAndNothingElse) {
  auto type = host_->output_streams.type();
  ASSERT_TRUE(host_->output_streams.insert({std::make_shared<wasi::UniqueFd>(-1)}).ok());
  ASSERT_TRUE(host_->pollables.insert({}).ok());
  host_->exit_code = 3;
  host_->insecure_seed = std::pair<uint64_t, uint64_t>{1, 2};
  host_->sockets.inherit_network = true;  // a grant: the linker's, kept
  auto ctx = wasi::WasiContext::create({});
  ASSERT_TRUE(ctx.ok());
  host_->renew(*ctx);
  EXPECT_EQ(host_->output_streams.type(), type);
  EXPECT_EQ(host_->output_streams.size(), 0u);
  EXPECT_EQ(host_->pollables.size(), 0u);
  EXPECT_FALSE(host_->exit_code);
  EXPECT_FALSE(host_->insecure_seed);
  EXPECT_TRUE(host_->sockets.inherit_network);
  EXPECT_EQ(host_->ctx, *ctx);
  // The linker's functions work on the renewed host: a stream made now is
  // found by them, one of before is not.
  auto rep = host_->output_streams.insert({std::make_shared<wasi::UniqueFd>(-1)});
  ASSERT_TRUE(rep.ok());
  EXPECT_EQ(*rep, 1u);
  auto self = ComponentValue::handle(TypeKind::Borrow, type, *rep);
  EXPECT_TRUE(call("wasi:io/streams@0.2.0", "[method]output-stream.check-write", {self}).ok());
  auto gone = ComponentValue::handle(TypeKind::Borrow, type, 2);
  EXPECT_FALSE(call("wasi:io/streams@0.2.0", "[method]output-stream.check-write", {gone}).ok());
}

TEST_F(WasiP2Host, AStaleOrForeignHandleTrapsInsteadOfCrashing) {
  auto stale = ComponentValue::handle(TypeKind::Borrow, host_->output_streams.type(), 12345);
  auto r = call("wasi:io/streams@0.2.0", "[method]output-stream.check-write", {stale});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::HostTrap);
  // A handle of another resource type where an output-stream is expected.
  auto other = ComponentValue::handle(TypeKind::Borrow, host_->pollables.type(), 1);
  EXPECT_FALSE(call("wasi:io/streams@0.2.0", "[method]output-stream.check-write", {other}).ok());
}

TEST_F(WasiP2Host, WritingToAClosedPipeIsClosedNotAnError) {
  signal(SIGPIPE, SIG_IGN);  // as `flint run` does: EPIPE, not the host killed
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  close(fds[0]);
  auto rep = host_->output_streams.insert({std::make_shared<wasi::UniqueFd>(fds[1])});
  ASSERT_TRUE(rep.ok());
  auto self = ComponentValue::handle(TypeKind::Borrow, host_->output_streams.type(), *rep);
  uint8_t byte = 'x';
  auto r = call("wasi:io/streams@0.2.0", "[method]output-stream.blocking-write-and-flush",
                {self, val::bytes(&byte, 1)});
  ASSERT_TRUE(r.ok());
  const auto& result = (*r)->as_case();
  ASSERT_EQ(result.index, 1u);                     // err
  EXPECT_EQ(result.payload->as_case().index, 1u);  // closed
  // And stays closed.
  auto again = call("wasi:io/streams@0.2.0", "[method]output-stream.check-write", {self});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->as_case().index, 1u);
}

TEST_F(WasiP2Host, ReadingAFileStreamToItsEnd) {
  char path[] = "/tmp/flint-wasip2-stream-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, "abc", 3), 3);
  unlink(path);
  auto rep = host_->input_streams.insert({std::make_shared<wasi::UniqueFd>(fd), true, 1});
  ASSERT_TRUE(rep.ok());
  auto self = ComponentValue::handle(TypeKind::Borrow, host_->input_streams.type(), *rep);
  auto r =
      call("wasi:io/streams@0.2.0", "[method]input-stream.blocking-read", {self, val::u64(100)});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ((*r)->as_case().index, 0u);
  EXPECT_EQ(val::to_bytes(*(*r)->as_case().payload), std::vector<uint8_t>({'b', 'c'}));
  auto end = call("wasi:io/streams@0.2.0", "[method]input-stream.read", {self, val::u64(100)});
  ASSERT_TRUE(end.ok());
  EXPECT_EQ((*end)->as_case().index, 1u);  // err(closed)
}

TEST_F(WasiP2Host, PollWaitsForTheEarliestClock) {
  auto soon =
      call("wasi:clocks/monotonic-clock@0.2.0", "subscribe-duration", {val::u64(20'000'000)});
  auto later =
      call("wasi:clocks/monotonic-clock@0.2.0", "subscribe-duration", {val::u64(60'000'000'000)});
  ASSERT_TRUE(soon.ok() && later.ok());
  auto borrow = [](const ComponentValue& own) {
    ComponentValue b = own;
    b.kind = TypeKind::Borrow;
    return b;
  };
  auto start = std::chrono::steady_clock::now();
  auto ready = call("wasi:io/poll@0.2.0", "poll", {val::list({borrow(**later), borrow(**soon)})});
  auto waited = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(ready.ok());
  ASSERT_EQ((*ready)->items().size(), 1u);
  EXPECT_EQ((*ready)->items()[0].as_unsigned(), 1u);
  EXPECT_GE(waited, std::chrono::milliseconds(20));
  EXPECT_LT(waited, std::chrono::seconds(30));
  // An empty list is a guest error (WIT: "may not be empty").
  EXPECT_FALSE(call("wasi:io/poll@0.2.0", "poll", {val::list({})}).ok());
}

TEST_F(WasiP2Host, RandomHasABoundAndTheSeedIsStable) {
  auto bytes = call("wasi:random/random@0.2.0", "get-random-bytes", {val::u64(16)});
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(val::to_bytes(**bytes).size(), 16u);
  EXPECT_FALSE(
      call("wasi:random/random@0.2.0", "get-random-bytes", {val::u64(uint64_t(1) << 40)}).ok());
  auto a = call("wasi:random/insecure-seed@0.2.0", "insecure-seed", {});
  auto b = call("wasi:random/insecure-seed@0.2.0", "insecure-seed", {});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_TRUE(component::equal(**a, **b));
}

TEST_F(WasiP2Host, NoPreopensWithoutDirAndExitRecordsTheStatus) {
  auto dirs = call("wasi:filesystem/preopens@0.2.0", "get-directories", {});
  ASSERT_TRUE(dirs.ok());
  EXPECT_TRUE((*dirs)->items().empty());
  auto exit = call("wasi:cli/exit@0.2.0", "exit", {val::err()});
  ASSERT_FALSE(exit.ok());
  EXPECT_EQ(exit.error().code, ErrorCode::ProcExit);
  // The optional's value compared, not the optional: gtest's EXPECT_EQ of
  // an optional<uint32_t> against 1u read garbage in the release build
  // although the host held 1 (seen in gdb at this line).
  ASSERT_TRUE(host_->exit_code.has_value());
  EXPECT_EQ(*host_->exit_code, 1u);
}

TEST(WasiStdio, TheOptionsStdioReplaceTheHostsForPreview1AndWasiCli) {
  // A CGI-style guest (flint up's WAGI): stdin a file holding the request
  // body, stdout a file the host reads back, stderr closed.
  int in = memfd_create("stdin", MFD_CLOEXEC), out = memfd_create("stdout", MFD_CLOEXEC);
  ASSERT_GE(in, 0);
  ASSERT_GE(out, 0);
  ASSERT_EQ(write(in, "body", 4), 4);
  ASSERT_EQ(lseek(in, 0, SEEK_SET), 0);
  wasi::WasiOptions options;
  options.stdio = {in, out, -1};
  auto ctx = wasi::WasiContext::create(options);
  ASSERT_TRUE(ctx.ok());
  close(in);  // the context holds its own duplicates
  // Preview 1's fd table.
  wasi::FdEntry* e0 = (*ctx)->fds().get(0);
  wasi::FdEntry* e1 = (*ctx)->fds().get(1);
  wasi::FdEntry* e2 = (*ctx)->fds().get(2);
  ASSERT_TRUE(e0 && e1 && e2);
  EXPECT_NE(e1->host.get(), out);
  EXPECT_FALSE(e2->host.valid());
  char buf[8] = {};
  ASSERT_EQ(read(e0->host.get(), buf, 2), 2);  // "bo"; the offset is shared
  EXPECT_EQ(std::string(buf, 2), "bo");
  // wasi:cli's streams over the same descriptors.
  ComponentLinker linker;
  auto host = define_wasip2(linker, *ctx);
  Store store;
  auto fn = [&](const std::string& iface, const std::string& name) {
    auto item = linker.resolve(iface);
    EXPECT_TRUE(item.ok());
    const InstancePtr& instance = std::get<InstancePtr>(*item);
    return std::get<FunctionPtr>(instance->exports.at(name));
  };
  auto stdout_stream =
      fn("wasi:cli/stdout@0.2.0", "get-stdout")->call(store, std::vector<ComponentValue>{});
  ASSERT_TRUE(stdout_stream.ok());
  auto self = ComponentValue::handle(TypeKind::Borrow, host->output_streams.type(),
                                     (*stdout_stream)->as_handle().rep);
  const uint8_t text[] = {'h', 'i'};
  auto written = fn("wasi:io/streams@0.2.0", "[method]output-stream.blocking-write-and-flush")
                     ->call(store, std::vector<ComponentValue>{self, val::bytes(text, 2)});
  ASSERT_TRUE(written.ok());
  EXPECT_EQ((*written)->as_case().index, 0u);
  auto stdin_stream =
      fn("wasi:cli/stdin@0.2.0", "get-stdin")->call(store, std::vector<ComponentValue>{});
  ASSERT_TRUE(stdin_stream.ok());
  auto in_self = ComponentValue::handle(TypeKind::Borrow, host->input_streams.type(),
                                        (*stdin_stream)->as_handle().rep);
  auto rest = fn("wasi:io/streams@0.2.0", "[method]input-stream.blocking-read")
                  ->call(store, std::vector<ComponentValue>{in_self, val::u64(16)});
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ((*rest)->as_case().index, 0u);
  auto bytes = val::to_bytes(*(*rest)->as_case().payload);
  EXPECT_EQ(std::string(bytes.begin(), bytes.end()), "dy");
  ASSERT_EQ(pread(out, buf, sizeof buf, 0), 2);
  EXPECT_EQ(std::string(buf, 2), "hi");
  close(out);
}

}  // namespace
}  // namespace flint::wasip2
