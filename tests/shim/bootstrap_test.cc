// The shim binary's `start` as containerd 2.3+ runs it (BootstrapParams on
// stdin, a BootstrapResult for task API v3 on stdout) and as older ones do
// (nothing on stdin, a plain address for v2), then the daemon it leaves:
// Connect and State over ttrpc on both service names, an unknown container,
// Shutdown ending the daemon and removing its socket; and `delete`'s answer.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "runtime/bootstrap/v1/bootstrap.pb.h"
#include "runtime/task/v2/shim.pb.h"
#include "shim/ttrpc_client.h"

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

}  // namespace
}  // namespace flint::shim
