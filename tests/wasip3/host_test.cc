// WASI 0.3's interfaces (src/wasip3) called as a component's
// lowered imports call them, at 0.3.0 and at the release candidate current
// SDKs import. The wasm32-wasip3 tests of the official suite run them end
// to end through `flint run` (tests/wasi_testsuite).
#include <gtest/gtest.h>
#include <time.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "../common/linked_functions.h"
#include "component_runtime/host_channels.h"
#include "component_runtime/task.h"
#include "wasip2/wasip2.h"
#include "wasip3/wasip3.h"

namespace flint::wasip3 {
namespace {

using component::ComponentLinker;
using component::ComponentValue;
using component::FunctionPtr;
using component::InstancePtr;
namespace val = component::val;

constexpr const char* kRc = "@0.3.0-rc-2026-03-15";

class WasiP3Host : public ::testing::Test {
 protected:
  void SetUp() override { make_host({}); }

  void make_host(wasi::WasiOptions options) {
    linker_ = ComponentLinker();
    auto ctx = wasi::WasiContext::create(std::move(options));
    ASSERT_TRUE(ctx.ok());
    host_ = wasip2::define_wasip2(linker_, *ctx);
    define_wasip3(linker_, host_);
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
  std::shared_ptr<wasip2::Host> host_;
  Store store_;
};

TEST_F(WasiP3Host, EveryInterfaceResolvesAtFinalPatchAndReleaseCandidateVersions) {
  for (const char* iface : {"wasi:cli/environment",
                            "wasi:cli/exit",
                            "wasi:cli/types",
                            "wasi:cli/terminal-input",
                            "wasi:cli/terminal-output",
                            "wasi:cli/terminal-stdin",
                            "wasi:cli/terminal-stdout",
                            "wasi:cli/terminal-stderr",
                            "wasi:clocks/types",
                            "wasi:clocks/monotonic-clock",
                            "wasi:clocks/system-clock",
                            "wasi:random/random",
                            "wasi:random/insecure",
                            "wasi:random/insecure-seed",
                            "wasi:cli/stdin",
                            "wasi:cli/stdout",
                            "wasi:cli/stderr",
                            "wasi:filesystem/types",
                            "wasi:filesystem/preopens",
                            "wasi:sockets/types",
                            "wasi:sockets/ip-name-lookup"})
    for (const char* version : {"@0.3.0", "@0.3.2", kRc})
      EXPECT_TRUE(linker_.resolve(std::string(iface) + version).ok()) << iface << version;
}

TEST_F(WasiP3Host, AnotherReleaseCandidateIsRefusedByName) {
  // A prerelease matches only itself: an older candidate's WIT differs.
  auto r = linker_.resolve("wasi:random/random@0.3.0-rc-2025-09-16");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::UnknownImport);
  EXPECT_NE(r.error().describe().find("0.3.0-rc-2025-09-16"), std::string::npos);
}

TEST_F(WasiP3Host, HttpIsNotDefinedHere) {
  // wasi:http comes from src/wasihttp, for the commands and services that
  // import it; here an import of it fails at link time, by name.
  auto r = linker_.resolve("wasi:http/types@0.3.0");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().describe().find("is not defined by the host"), std::string::npos);
}

TEST_F(WasiP3Host, FunctionNamesAndParametersAreWasi03s) {
  // Parameter names are part of a function's type for import matching.
  for (std::string version : {std::string("@0.3.0"), std::string(kRc)}) {
    FunctionPtr bytes = func("wasi:random/random" + version, "get-random-bytes");
    ASSERT_TRUE(bytes);
    ASSERT_EQ(bytes->type().params.size(), 1u);
    EXPECT_EQ(bytes->type().params[0].name, "max-len");
    FunctionPtr wait = func("wasi:clocks/monotonic-clock" + version, "wait-for");
    ASSERT_TRUE(wait);
    EXPECT_TRUE(wait->type().async);
    EXPECT_EQ(wait->type().params[0].name, "how-long");
    FunctionPtr until = func("wasi:clocks/monotonic-clock" + version, "wait-until");
    ASSERT_TRUE(until);
    EXPECT_TRUE(until->type().async);
    EXPECT_EQ(until->type().params[0].name, "when");
    EXPECT_TRUE(func("wasi:cli/environment" + version, "get-initial-cwd"));
    EXPECT_TRUE(func("wasi:random/insecure-seed" + version, "get-insecure-seed"));
    EXPECT_TRUE(func("wasi:clocks/monotonic-clock" + version, "get-resolution"));
    EXPECT_TRUE(func("wasi:clocks/system-clock" + version, "get-resolution"));
  }
  auto types = linker_.resolve("wasi:cli/types@0.3.0");
  ASSERT_TRUE(types.ok());
  EXPECT_TRUE(std::get<InstancePtr>(*types)->exports.count("error-code"));
}

TEST_F(WasiP3Host, EnvironmentIsOnlyWhatWasGranted) {
  auto none = call("wasi:cli/environment@0.3.0", "get-environment");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE((*none)->items().empty());
  wasi::WasiOptions options;
  options.args = {"prog", "one"};
  options.env = {{"GREETING", "hi"}, {"EMPTY", ""}};
  make_host(options);
  auto env = call(std::string("wasi:cli/environment") + kRc, "get-environment");
  ASSERT_TRUE(env.ok());
  ASSERT_EQ((*env)->items().size(), 2u);
  EXPECT_EQ((*env)->items()[0].items()[0].as_string(), "GREETING");
  EXPECT_EQ((*env)->items()[0].items()[1].as_string(), "hi");
  EXPECT_EQ((*env)->items()[1].items()[1].as_string(), "");
  auto args = call("wasi:cli/environment@0.3.0", "get-arguments");
  ASSERT_TRUE(args.ok());
  ASSERT_EQ((*args)->items().size(), 2u);
  EXPECT_EQ((*args)->items()[1].as_string(), "one");
  auto cwd = call("wasi:cli/environment@0.3.0", "get-initial-cwd");
  ASSERT_TRUE(cwd.ok());
  EXPECT_EQ((*cwd)->as_case().index, 0u);  // none
}

TEST_F(WasiP3Host, ExitRecordsTheStatusAndUnwinds) {
  auto exit = call("wasi:cli/exit@0.3.0", "exit", {val::err()});
  ASSERT_FALSE(exit.ok());
  EXPECT_EQ(exit.error().code, ErrorCode::ProcExit);
  ASSERT_TRUE(host_->exit_code.has_value());
  EXPECT_EQ(*host_->exit_code, 1u);
  auto with_code = call(std::string("wasi:cli/exit") + kRc, "exit-with-code", {val::u8(42)});
  ASSERT_FALSE(with_code.ok());
  EXPECT_EQ(*host_->exit_code, 42u);
  // 126 and above are the shell's: a trap, as in 0.2 and Wasmtime.
  auto bad = call("wasi:cli/exit@0.3.0", "exit-with-code", {val::u8(200)});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::HostTrap);
}

TEST_F(WasiP3Host, TerminalsOnlyWhenStdioIsATerminal) {
  // Under ctest stdin is not a terminal: none, as 0.2 answers.
  auto in = call("wasi:cli/terminal-stdin@0.3.0", "get-terminal-stdin");
  ASSERT_TRUE(in.ok());
  EXPECT_EQ((*in)->as_case().index, isatty(host_->stdio[0]->get()) ? 1u : 0u);
}

TEST_F(WasiP3Host, MonotonicClockAndItsWaits) {
  auto a = call("wasi:clocks/monotonic-clock@0.3.0", "now");
  auto b = call(std::string("wasi:clocks/monotonic-clock") + kRc, "now");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_LE((*a)->as_unsigned(), (*b)->as_unsigned());
  auto res = call("wasi:clocks/monotonic-clock@0.3.0", "get-resolution");
  ASSERT_TRUE(res.ok());
  EXPECT_GT((*res)->as_unsigned(), 0u);

  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(call("wasi:clocks/monotonic-clock@0.3.0", "wait-for", {val::u64(20'000'000)}).ok());
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(20));
  // A mark already past returns at once; one 15 ms ahead waits for it.
  auto now = call("wasi:clocks/monotonic-clock@0.3.0", "now");
  ASSERT_TRUE(now.ok());
  uint64_t mark = (*now)->as_unsigned();
  start = std::chrono::steady_clock::now();
  ASSERT_TRUE(call("wasi:clocks/monotonic-clock@0.3.0", "wait-until", {val::u64(0)}).ok());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(15));
  ASSERT_TRUE(
      call("wasi:clocks/monotonic-clock@0.3.0", "wait-until", {val::u64(mark + 15'000'000)}).ok());
  auto after = call("wasi:clocks/monotonic-clock@0.3.0", "now");
  ASSERT_TRUE(after.ok());
  EXPECT_GE((*after)->as_unsigned(), mark + 15'000'000);
}

TEST_F(WasiP3Host, SystemClockIsTheRealTimeWithSignedSeconds) {
  timespec before{};
  clock_gettime(CLOCK_REALTIME, &before);
  auto now = call("wasi:clocks/system-clock@0.3.0", "now");
  ASSERT_TRUE(now.ok());
  const auto& fields = (*now)->items();
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields[0].kind, component::TypeKind::S64);
  EXPECT_GE(fields[0].as_signed(), int64_t(before.tv_sec));
  EXPECT_LE(fields[0].as_signed(), int64_t(before.tv_sec) + 5);
  EXPECT_LT(fields[1].as_unsigned(), 1'000'000'000u);
  auto res = call(std::string("wasi:clocks/system-clock") + kRc, "get-resolution");
  ASSERT_TRUE(res.ok());
  EXPECT_GT((*res)->as_unsigned(), 0u);
}

TEST_F(WasiP3Host, RandomBytesUpToMaxLen) {
  auto bytes = call("wasi:random/random@0.3.0", "get-random-bytes", {val::u64(32)});
  ASSERT_TRUE(bytes.ok());
  std::vector<uint8_t> b = val::to_bytes(**bytes);
  EXPECT_EQ(b.size(), 32u);
  EXPECT_NE(b, std::vector<uint8_t>(32, 0));
  auto insecure = call("wasi:random/insecure@0.3.0", "get-insecure-random-bytes", {val::u64(0)});
  ASSERT_TRUE(insecure.ok());
  EXPECT_TRUE(val::to_bytes(**insecure).empty());
  // More than the host's bound: max-len allows fewer bytes, so no trap.
  auto huge =
      call(std::string("wasi:random/random") + kRc, "get-random-bytes", {val::u64(UINT64_MAX)});
  ASSERT_TRUE(huge.ok());
  EXPECT_EQ(val::to_bytes(**huge).size(), wasip2::kMaxRandomBytes);
  auto u1 = call("wasi:random/random@0.3.0", "get-random-u64");
  auto u2 = call("wasi:random/insecure@0.3.0", "get-insecure-random-u64");
  ASSERT_TRUE(u1.ok() && u2.ok());
  EXPECT_NE((*u1)->as_unsigned(), (*u2)->as_unsigned());
}

TEST_F(WasiP3Host, InsecureSeedIsOneValueSharedWithWasi02) {
  auto a = call("wasi:random/insecure-seed@0.3.0", "get-insecure-seed");
  auto b = call(std::string("wasi:random/insecure-seed") + kRc, "get-insecure-seed");
  auto c = call("wasi:random/insecure-seed@0.2.6", "insecure-seed");
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  for (const auto* other : {&b, &c})
    for (size_t i = 0; i < 2; ++i)
      EXPECT_EQ((*a)->items()[i].as_unsigned(), (**other)->items()[i].as_unsigned());
}

/// Reads a host future's value as a guest's future.read would.
std::optional<ComponentValue> read_future(const ComponentValue& future,
                                          component::ValueTypePtr type) {
  component::HostBuffer buffer(type, 1);
  std::optional<component::CopyResult> done;
  auto channel = component::channel_of(future);
  EXPECT_TRUE(channel->copy(
      true, buffer, [](std::function<void()> reclaim) { reclaim(); },
      [&](component::CopyResult r) { done = r; }));
  if (done != component::CopyResult::Completed || buffer.values().empty()) return std::nullopt;
  return buffer.values()[0];
}

TEST_F(WasiP3Host, StdoutWriteViaStreamWritesEachWriteAndReportsTheEnd) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  wasi::WasiOptions options;
  options.stdio = {0, fds[1], 2};
  make_host(std::move(options));
  close(fds[1]);  // the host keeps its own duplicate
  auto stream = std::make_shared<component::SharedChannel>(component::wit::u8(), false);
  auto future =
      call("wasi:cli/stdout@0.3.0", "write-via-stream", {component::channel_value(stream)});
  ASSERT_TRUE(future.ok());
  const std::string text = "hello from a stream";
  auto w = component::HostBuffer::of_bytes(component::wit::u8(), {text.begin(), text.end()});
  ASSERT_TRUE(stream->copy(false, *w, [](std::function<void()>) {}, [](component::CopyResult) {}));
  EXPECT_EQ(w->remain(), 0u);
  char got[64] = {};
  ASSERT_EQ(read(fds[0], got, sizeof got), ssize_t(text.size()));
  EXPECT_EQ(std::string(got), text);
  auto result_type = component::wit::result(
      nullptr, component::wit::enumeration({"io", "illegal-byte-sequence", "pipe"}));
  stream->drop();  // the guest's writer is done
  auto outcome = read_future(**future, result_type);
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->as_case().index, 0u);  // ok
  close(fds[0]);
}

TEST_F(WasiP3Host, StdinReadWaitsOnTheLoopUntilBytesArrive) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  wasi::WasiOptions options;
  options.stdio = {fds[0], 1, 2};
  make_host(std::move(options));
  close(fds[0]);  // the host keeps its own duplicate
  auto got = call("wasi:cli/stdin@0.3.0", "read-via-stream");
  ASSERT_TRUE(got.ok());
  std::shared_ptr<component::SharedChannel> stream = component::channel_of((*got)->items()[0]);
  component::HostBuffer buffer(component::wit::u8(), 16);
  std::optional<component::CopyResult> done;
  ASSERT_TRUE(stream->copy(
      true, buffer, [&](std::function<void()> reclaim) { reclaim(); },
      [&](component::CopyResult r) { done = r; }));
  // Nothing written yet: the read is pending, the host did not block.
  EXPECT_FALSE(done);
  EXPECT_EQ(buffer.progress(), 0u);
  ASSERT_EQ(write(fds[1], "typed", 5), 5);
  ASSERT_TRUE(component::Scheduler::of(store_).run_until([&] { return buffer.progress() > 0; }));
  EXPECT_EQ(std::string(buffer.bytes().begin(), buffer.bytes().end()), "typed");
  close(fds[1]);
}

TEST_F(WasiP3Host, FilesystemIsWasi02sWithWasi03Types) {
  std::string dir = ::testing::TempDir() + "wasip3-fs-XXXXXX";
  ASSERT_TRUE(mkdtemp(dir.data()));
  std::ofstream(dir + "/a.txt") << "test-a\n";
  wasi::WasiOptions options;
  options.dirs.push_back({dir, "/", false});
  make_host(std::move(options));
  auto dirs = call("wasi:filesystem/preopens@0.3.0", "get-directories");
  ASSERT_TRUE(dirs.ok());
  ASSERT_EQ((*dirs)->items().size(), 1u);
  ComponentValue root = (*dirs)->items()[0].items()[0];
  ComponentValue self = ComponentValue::handle(component::TypeKind::Borrow,
                                               root.as_handle().resource, root.as_handle().rep);
  const std::string types = "wasi:filesystem/types@0.3.0";
  EXPECT_TRUE(func(types, "[method]descriptor.stat")->type().async);
  // A missing file: no-entry, a case of 0.3's error-code variant.
  auto missing = call(types, "[method]descriptor.stat-at",
                      {self, ComponentValue::flags({false}), val::string("nope")});
  ASSERT_TRUE(missing.ok());
  ASSERT_EQ((*missing)->as_case().index, 1u);
  EXPECT_EQ((*missing)->as_case().payload->kind, component::TypeKind::Variant);
  EXPECT_EQ((*missing)->as_case().payload->as_case().index,
            19u);  // no-entry, after would-block's removal
  // A file: regular-file, its size, and a signed-seconds instant.
  auto stat = call(types, "[method]descriptor.stat-at",
                   {self, ComponentValue::flags({false}), val::string("a.txt")});
  ASSERT_TRUE(stat.ok());
  ASSERT_EQ((*stat)->as_case().index, 0u);
  const auto& fields = (*stat)->as_case().payload->items();
  EXPECT_EQ(fields[0].as_case().index, 5u);  // regular-file
  EXPECT_EQ(fields[2].as_unsigned(), 7u);
  EXPECT_GT(fields[4].as_case().payload->items()[0].as_signed(), 0);
  // Its bytes through read-via-stream, read as a guest reads them.
  auto opened = call(types, "[method]descriptor.open-at",
                     {self, ComponentValue::flags({false}), val::string("a.txt"),
                      ComponentValue::flags({false, false, false, false}),
                      ComponentValue::flags({true, false, false, false, false, false})});
  ASSERT_TRUE(opened.ok());
  ASSERT_EQ((*opened)->as_case().index, 0u);
  const auto& file = (*opened)->as_case().payload->as_handle();
  auto pair = call(
      types, "[method]descriptor.read-via-stream",
      {ComponentValue::handle(component::TypeKind::Borrow, file.resource, file.rep), val::u64(1)});
  ASSERT_TRUE(pair.ok());
  auto bytes = component::channel_of((*pair)->items()[0]);
  component::HostBuffer buffer(component::wit::u8(), 100);
  ASSERT_TRUE(bytes->copy(
      true, buffer, [](std::function<void()> reclaim) { reclaim(); },
      [](component::CopyResult) {}));
  EXPECT_EQ(std::string(buffer.bytes().begin(), buffer.bytes().end()), "est-a\n");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace flint::wasip3
