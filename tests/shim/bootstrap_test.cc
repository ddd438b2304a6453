// The shim binary's `start` as containerd 2.3+ runs it (BootstrapParams on
// stdin, a BootstrapResult for task API v3 on stdout) and as older ones do
// (nothing on stdin, a plain address for v2), then the daemon it leaves:
// Connect and State over ttrpc on both service names, an unknown container,
// Shutdown ending the daemon and removing its socket; and `delete`'s answer.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "cgroups/v1/metrics.pb.h"
#include "runtime/bootstrap/v1/bootstrap.pb.h"
#include "runtime/task/v2/shim.pb.h"
#include "services/ttrpc/events/v1/events.pb.h"
#include "shim/ttrpc_client.h"
#include "shim/ttrpc_server.h"

namespace flint::shim {
namespace {

namespace fs = std::filesystem;

/// Runs the shim with `args` in `cwd`, `input` on stdin; its stdout.
std::string run_shim(const fs::path& cwd, const std::string& args, const std::string& input) {
  fs::path in = cwd / "stdin.bin", out = cwd / "stdout.bin";
  std::ofstream(in, std::ios::binary) << input;
  std::string command = "cd '" + cwd.string() + "' && " FLINT_SHIM_BINARY " " + args + " < '" +
                        in.string() + "' > '" + out.string() + "'";
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  std::ifstream result(out, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(result), {});
}

class ShimBinaryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("flint-shim-bin-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "bundle");
    std::ofstream(dir_ / "bundle" / "config.json") << R"({"process": {"args": ["/app.wasm"]}})";
  }
  void TearDown() override { fs::remove_all(dir_); }

  /// Connects to the daemon at `address`, checks it answers, shuts it down
  /// and checks that it is gone.
  void exercise_daemon(const std::string& address, const std::string& service) {
    std::string path = address.substr(std::string("unix://").size());
    ASSERT_TRUE(fs::exists(path));
    TtrpcClient client(address);
    containerd::task::v2::ConnectRequest connect;
    connect.set_id("c1");
    auto connected = client.call(service, "Connect", connect.SerializeAsString());
    ASSERT_TRUE(std::holds_alternative<std::string>(connected));
    containerd::task::v2::ConnectResponse response;
    ASSERT_TRUE(response.ParseFromString(std::get<std::string>(connected)));
    EXPECT_GT(response.shim_pid(), 0u);
    EXPECT_EQ(response.task_pid(), 0u);  // no task was created
    containerd::task::v2::StateRequest state;
    state.set_id("nope");
    auto missing = client.call(service, "State", state.SerializeAsString());
    ASSERT_TRUE(std::holds_alternative<RpcFailure>(missing));
    EXPECT_EQ(std::get<RpcFailure>(missing).code, RpcCode::NotFound);
    auto exec = client.call(service, "Exec", "");
    ASSERT_TRUE(std::holds_alternative<RpcFailure>(exec));
    EXPECT_EQ(std::get<RpcFailure>(exec).code, RpcCode::Unimplemented);
    containerd::task::v2::ShutdownRequest shutdown;
    auto stopped = client.call(service, "Shutdown", shutdown.SerializeAsString());
    EXPECT_TRUE(std::holds_alternative<std::string>(stopped));
    for (int i = 0; i < 100 && (fs::exists(path) || ::kill(response.shim_pid(), 0) == 0); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_FALSE(fs::exists(path)) << "the daemon removes its socket";
    EXPECT_NE(::kill(response.shim_pid(), 0), 0) << "the daemon exited";
  }

  fs::path dir_;
};

TEST_F(ShimBinaryTest, StartWithBootstrapParamsAnswersABootstrapResultForTaskApiV3) {
  containerd::runtime::bootstrap::v1::BootstrapParams params;
  params.set_instance_id("c1");
  params.set_namespace_("ns1");
  params.set_containerd_ttrpc_address((dir_ / "none.sock.ttrpc").string());
  params.set_socket_dir((dir_ / "s").string());
  std::string out = run_shim(
      dir_ / "bundle", "-namespace ns1 -address " + (dir_ / "none.sock").string() + " -id c1 start",
      params.SerializeAsString());
  containerd::runtime::bootstrap::v1::BootstrapResult result;
  ASSERT_TRUE(result.ParseFromString(out));
  EXPECT_EQ(result.version(), 3);
  EXPECT_EQ(result.protocol(), "ttrpc");
  ASSERT_TRUE(result.address().starts_with("unix://" + (dir_ / "s").string() + "/"));
  // A second start for the same instance finds the running daemon.
  EXPECT_EQ(run_shim(dir_ / "bundle",
                     "-namespace ns1 -address " + (dir_ / "none.sock").string() + " -id c1 start",
                     params.SerializeAsString()),
            out);
  exercise_daemon(result.address(), "containerd.task.v3.Task");
}

TEST_F(ShimBinaryTest, StartWithoutParamsAnswersAPlainAddressForTaskApiV2) {
  if (::geteuid() != 0) GTEST_SKIP() << "the legacy socket directory /run/containerd/s needs root";
  // An Any of runtime options (what containerd 1.6 may write) is not
  // mistaken for BootstrapParams.
  std::string any_options(
      "\x0a\x1a"
      "containerd.runc.v1.Options\x12\x00",
      30);
  std::string out = run_shim(dir_ / "bundle",
                             "-namespace ns-" + std::to_string(::getpid()) + " -address " +
                                 (dir_ / "none.sock").string() + " -id c1 start",
                             any_options);
  ASSERT_TRUE(out.starts_with("unix:///run/containerd/s/")) << out;
  exercise_daemon(out, "containerd.task.v2.Task");
}

TEST_F(ShimBinaryTest, DeleteAnswersADeleteResponse) {
  std::string out =
      run_shim(dir_ / "bundle",
               "-namespace ns1 -id c1 -bundle " + (dir_ / "bundle").string() + " delete", "");
  containerd::task::v2::DeleteResponse response;
  ASSERT_TRUE(response.ParseFromString(out));
  EXPECT_EQ(response.exit_status(), 137u);
  EXPECT_GT(response.exited_at().seconds(), 0);
}

/// The reply of a call that must succeed, parsed as `Response`.
template <class Response>
Response must(const RpcResult& result) {
  Response response;
  EXPECT_TRUE(std::holds_alternative<std::string>(result)) << std::get<RpcFailure>(result).message;
  if (auto* bytes = std::get_if<std::string>(&result))
    EXPECT_TRUE(response.ParseFromString(*bytes));
  return response;
}

TEST_F(ShimBinaryTest, ATaskRunsItsGuestAndReportsExitStatsAndEvents) {
  fs::path guest = fs::path(FLINT_GUESTS_DIR) / "c" / "exit_code.wasm";
  if (!fs::exists(guest)) GTEST_SKIP() << "no C guest exit_code.wasm (needs wasi-libc)";
  fs::path bundle = dir_ / "bundle";
  fs::create_directories(bundle / "rootfs");
  fs::copy_file(guest, bundle / "rootfs" / "exit_code.wasm");
  std::ofstream(bundle / "config.json")
      << R"({"process": {"args": ["/exit_code.wasm", "3"]}, "root": {"path": "rootfs"}})";

  // containerd's event service, played by a ttrpc server of our own.
  std::string events_path = (dir_ / "events.sock").string();
  int listen_fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  events_path.copy(addr.sun_path, events_path.size());
  ASSERT_EQ(::bind(listen_fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(::listen(listen_fd, 4), 0);
  std::mutex topics_mutex;
  std::vector<std::string> topics;
  TtrpcServer events;
  events.add_method("containerd.services.events.ttrpc.v1.Events", "Forward",
                    [&](const std::string& payload) {
                      containerd::services::events::ttrpc::v1::ForwardRequest request;
                      EXPECT_TRUE(request.ParseFromString(payload));
                      EXPECT_EQ(request.envelope().namespace_(), "ns1");
                      std::lock_guard lock(topics_mutex);
                      topics.push_back(request.envelope().topic());
                      return RpcResult(std::string());
                    });
  events.add_method("test", "Stop", [&](const std::string&) {
    events.stop_after_reply();
    return RpcResult(std::string());
  });
  std::thread events_thread([&] { events.serve(listen_fd); });

  containerd::runtime::bootstrap::v1::BootstrapParams params;
  params.set_instance_id("task1");
  params.set_namespace_("ns1");
  params.set_containerd_ttrpc_address("unix://" + events_path);
  params.set_socket_dir((dir_ / "s").string());
  std::string out = run_shim(bundle, "-namespace ns1 -address /nonexistent.sock -id task1 start",
                             params.SerializeAsString());
  containerd::runtime::bootstrap::v1::BootstrapResult result;
  ASSERT_TRUE(result.ParseFromString(out));
  TtrpcClient client(result.address());
  const std::string service = "containerd.task.v3.Task";

  containerd::task::v2::CreateTaskRequest create;
  create.set_id("task1");
  create.set_bundle(bundle.string());
  create.set_stdout("file://" + (dir_ / "stdout.txt").string());
  auto created = must<containerd::task::v2::CreateTaskResponse>(
      client.call(service, "Create", create.SerializeAsString()));
  EXPECT_GT(created.pid(), 0u);
  auto again = client.call(service, "Create", create.SerializeAsString());
  ASSERT_TRUE(std::holds_alternative<RpcFailure>(again));
  EXPECT_EQ(std::get<RpcFailure>(again).code, RpcCode::AlreadyExists);

  containerd::task::v2::StatsRequest stats_request;
  stats_request.set_id("task1");
  auto stats = must<containerd::task::v2::StatsResponse>(
      client.call(service, "Stats", stats_request.SerializeAsString()));
  EXPECT_EQ(stats.stats().type_url(), "io.containerd.cgroups.v1.Metrics");
  io::containerd::cgroups::v1::Metrics metrics;
  ASSERT_TRUE(metrics.ParseFromString(stats.stats().value()));
  EXPECT_GT(metrics.memory().usage().usage(), 0u);  // the parked process
  EXPECT_GT(metrics.memory().usage().limit(), 0u);
  EXPECT_TRUE(metrics.cpu().has_throttling());  // Docker reads it unchecked

  containerd::task::v2::StartRequest start;
  start.set_id("task1");
  start.set_exec_id("exec1");  // exec processes are not supported
  auto exec_start = client.call(service, "Start", start.SerializeAsString());
  ASSERT_TRUE(std::holds_alternative<RpcFailure>(exec_start));
  EXPECT_EQ(std::get<RpcFailure>(exec_start).code, RpcCode::Unimplemented);
  start.clear_exec_id();
  must<containerd::task::v2::StartResponse>(
      client.call(service, "Start", start.SerializeAsString()));
  containerd::task::v2::WaitRequest wait;
  wait.set_id("task1");
  auto waited = must<containerd::task::v2::WaitResponse>(
      client.call(service, "Wait", wait.SerializeAsString()));
  EXPECT_EQ(waited.exit_status(), 3u);
  containerd::task::v2::StateRequest state;
  state.set_id("task1");
  auto stopped = must<containerd::task::v2::StateResponse>(
      client.call(service, "State", state.SerializeAsString()));
  EXPECT_EQ(stopped.status(), containerd::v1::types::STOPPED);
  EXPECT_EQ(stopped.exit_status(), 3u);
  containerd::task::v2::KillRequest kill;
  kill.set_id("task1");
  kill.set_signal(15);
  auto late_kill = client.call(service, "Kill", kill.SerializeAsString());
  ASSERT_TRUE(std::holds_alternative<RpcFailure>(late_kill));
  EXPECT_EQ(std::get<RpcFailure>(late_kill).code, RpcCode::NotFound);
  containerd::task::v2::DeleteRequest remove;
  remove.set_id("task1");
  auto deleted = must<containerd::task::v2::DeleteResponse>(
      client.call(service, "Delete", remove.SerializeAsString()));
  EXPECT_EQ(deleted.exit_status(), 3u);
  EXPECT_TRUE(std::holds_alternative<std::string>(client.call(service, "Shutdown", "")));

  std::ifstream stdout_file(dir_ / "stdout.txt");
  std::string printed((std::istreambuf_iterator<char>(stdout_file)), {});
  EXPECT_NE(printed.find("exiting with 3"), std::string::npos) << printed;
  for (int i = 0; i < 100; ++i) {
    {
      std::lock_guard lock(topics_mutex);
      if (topics.size() >= 4) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  {
    std::lock_guard lock(topics_mutex);
    EXPECT_EQ(topics, (std::vector<std::string>{"/tasks/create", "/tasks/start", "/tasks/exit",
                                                "/tasks/delete"}));
  }
  TtrpcClient(events_path).call("test", "Stop", "");
  events_thread.join();
  ::close(listen_fd);
}

}  // namespace
}  // namespace flint::shim
