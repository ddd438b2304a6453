// What the shim reads from a bundle and decides to run: config.json's
// fields, the pod annotations, the network namespace, and the guest plan
// for each kind of image (wasm module, runwasi's `#function`, a Spin app by
// manifest path or by `/`, a pod sandbox), with the refusals that name
// their reason. Also the shim's command line as containerd writes it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "shim/bootstrap.h"
#include "shim/bundle_spec.h"
#include "shim/guest_command.h"
#include "shim/shim_flags.h"

namespace flint::shim {
namespace {

namespace fs = std::filesystem;

class BundleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    bundle_ = fs::temp_directory_path() /
              ("flint-bundle-" +
               std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(bundle_);
    fs::create_directories(bundle_ / "rootfs");
  }
  void TearDown() override { fs::remove_all(bundle_); }
  void write(const fs::path& relative, const std::string& text) {
    fs::create_directories((bundle_ / relative).parent_path());
    std::ofstream(bundle_ / relative, std::ios::binary) << text;
  }
  BundleSpec spec_for(const std::string& config) {
    write("config.json", config);
    auto spec = read_bundle_spec(bundle_.string());
    EXPECT_TRUE(spec.ok()) << (spec.ok() ? "" : spec.error().detail);
    return spec.ok() ? *spec : BundleSpec{};
  }
  fs::path bundle_;
};

const std::string kWasmMagic("\0asm\x01\0\0\0", 8);

TEST_F(BundleTest, ReadsProcessRootAnnotationsAndNetwork) {
  BundleSpec spec = spec_for(R"({
    "process": {"args": ["/app.wasm", "a b"], "env": ["A=1", "PATH=/bin"], "cwd": "/work"},
    "root": {"path": "rootfs"},
    "annotations": {"io.kubernetes.cri.sandbox-id": "pod1", "io.kubernetes.cri.container-type": "container"},
    "linux": {"namespaces": [{"type": "pid"}, {"type": "network", "path": "/var/run/netns/cni-1"}]}
  })");
  EXPECT_EQ(spec.args, (std::vector<std::string>{"/app.wasm", "a b"}));
  EXPECT_EQ(spec.env, (std::vector<std::string>{"A=1", "PATH=/bin"}));
  EXPECT_EQ(spec.cwd, "/work");
  EXPECT_EQ(spec.root_path, (bundle_ / "rootfs").string());
  EXPECT_EQ(spec.sandbox_id(), "pod1");
  EXPECT_FALSE(spec.is_pod_sandbox());
  EXPECT_EQ(spec.network_namespace, "/var/run/netns/cni-1");

  BundleSpec host_net = spec_for(R"({"process": {"args": ["/x"]}, "root": {"path": "/abs/root"}})");
  EXPECT_FALSE(host_net.network_namespace);
  EXPECT_EQ(host_net.root_path, "/abs/root");
  EXPECT_EQ(host_net.sandbox_id(), "");
}

TEST_F(BundleTest, MalformedConfigsNameTheFileAndField) {
  EXPECT_FALSE(read_bundle_spec((bundle_ / "missing").string()).ok());
  write("config.json", "{not json");
  auto bad = read_bundle_spec(bundle_.string());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().detail.find("config.json: not a JSON object"), std::string::npos);
  write("config.json", R"({"process": {"args": [1, 2]}})");
  bad = read_bundle_spec(bundle_.string());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().detail.find("process.args holds a non-string"), std::string::npos);
}

TEST_F(BundleTest, AWasmFileRunsUnderFlintRunWithTheRootfsAsRoot) {
  write("rootfs/app.wasm", kWasmMagic);
  BundleSpec spec = spec_for(R"({"process": {"args": ["/app.wasm", "x"], "env": ["K=V"]}})");
  auto plan = plan_guest(spec, "/opt/flint", {"HOME=/root"});
  ASSERT_TRUE(plan.ok()) << plan.error().detail;
  EXPECT_EQ(plan->kind, GuestKind::Wasm);
  std::string root = (bundle_ / "rootfs").string();
  EXPECT_EQ(plan->argv, (std::vector<std::string>{"/opt/flint", "run", "--stop-on-signal", "--dir",
                                                  root + "::/", "--argv0", "/app.wasm", "--env",
                                                  "K=V", root + "/app.wasm", "x"}));
  EXPECT_EQ(plan->env, (std::vector<std::string>{"HOME=/root"}));

  // runwasi's `path#function`: another export than _start.
  spec = spec_for(R"({"process": {"args": ["/app.wasm#serve"]}})");
  plan = plan_guest(spec, "/opt/flint", {});
  ASSERT_TRUE(plan.ok());
  EXPECT_NE(std::find(plan->argv.begin(), plan->argv.end(), "--invoke"), plan->argv.end());
  EXPECT_EQ(plan->argv.back(), root + "/app.wasm");
}

TEST_F(BundleTest, ASpinAppRunsUnderFlintUpOnTheListenAddress) {
  write("rootfs/spin.toml", "spin_manifest_version = 2\n");
  write("rootfs/runtime-config.toml", "");
  std::string root = (bundle_ / "rootfs").string();
  BundleSpec spec = spec_for(R"({"process": {"args": ["/"], "env": ["SPIN_VARIABLE_X=1"]}})");
  auto plan = plan_guest(spec, "flint", {"HOME=/root", "SPIN_VARIABLE_X=0"});
  ASSERT_TRUE(plan.ok()) << plan.error().detail;
  EXPECT_EQ(plan->kind, GuestKind::SpinApp);
  EXPECT_EQ(plan->argv, (std::vector<std::string>{"flint", "up", "--from", root + "/spin.toml",
                                                  "--listen", "0.0.0.0:80", "--runtime-config-file",
                                                  root + "/runtime-config.toml"}));
  // The pod's variables reach the app (the spec's value wins).
  EXPECT_EQ(plan->env, (std::vector<std::string>{"HOME=/root", "SPIN_VARIABLE_X=1"}));

  spec = spec_for(
      R"({"process": {"args": ["/spin.toml"], "env": ["SPIN_HTTP_LISTEN_ADDR=127.0.0.1:8080"]}})");
  plan = plan_guest(spec, "flint", {});
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->argv[5], "127.0.0.1:8080");
}

TEST_F(BundleTest, APodSandboxRunsNothing) {
  BundleSpec spec = spec_for(
      R"({"process": {"args": ["/pause"]}, "annotations": {"io.kubernetes.cri.container-type": "sandbox"}})");
  auto plan = plan_guest(spec, "", {});
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->kind, GuestKind::PodSandbox);
  EXPECT_TRUE(plan->argv.empty());
}

TEST_F(BundleTest, WhatIsNotWasmIsRefusedWithTheReason) {
  write("rootfs/bin/sh",
        "\x7f"
        "ELF....");
  auto refused = [&](const std::string& config, const std::string& reason) {
    auto plan = plan_guest(spec_for(config), "flint", {});
    ASSERT_FALSE(plan.ok()) << config;
    EXPECT_NE(plan.error().detail.find(reason), std::string::npos) << plan.error().detail;
  };
  refused(R"({"process": {"args": ["/bin/sh"]}})", "is not a WebAssembly module or component");
  refused(R"({"process": {"args": ["/missing.wasm"]}})", "is not a file in the rootfs");
  refused(R"({"process": {"args": ["/../../etc/passwd"]}})", "is not a file in the rootfs");
  refused(R"({"process": {"args": []}})", "has no /spin.toml");
  write("rootfs/app.wasm", kWasmMagic);
  auto no_flint = plan_guest(spec_for(R"({"process": {"args": ["/app.wasm"]}})"), "", {});
  ASSERT_FALSE(no_flint.ok());
  EXPECT_NE(no_flint.error().detail.find("no flint executable"), std::string::npos);
}

TEST(ShimFlags, ContainerdsCommandLines) {
  auto start =
      parse_shim_flags({"-namespace", "k8s.io", "-address", "/run/containerd/containerd.sock",
                        "-publish-binary", "/usr/bin/containerd", "-id", "abc", "-debug", "start"});
  ASSERT_TRUE(start.ok());
  EXPECT_EQ(start->action, "start");
  EXPECT_EQ(start->name_space, "k8s.io");
  EXPECT_EQ(start->address, "/run/containerd/containerd.sock");
  EXPECT_EQ(start->id, "abc");
  EXPECT_TRUE(start->debug);
  auto del = parse_shim_flags({"--namespace=default", "-id", "abc", "-bundle", "/b", "delete"});
  ASSERT_TRUE(del.ok());
  EXPECT_EQ(del->action, "delete");
  EXPECT_EQ(del->bundle, "/b");
  EXPECT_EQ(parse_shim_flags({"-v"})->action, "version");
  EXPECT_FALSE(parse_shim_flags({"-bogus", "start"}).ok());
  EXPECT_FALSE(parse_shim_flags({"-id"}).ok());
  EXPECT_FALSE(parse_shim_flags({}).ok());
  EXPECT_FALSE(parse_shim_flags({"start", "delete"}).ok());
}

TEST(ShimSocket, OneSocketPerPodNamespaceAndContainerd) {
  std::string a = shim_socket_path("/run/containerd/s", "/run/c.sock", "k8s.io", "pod1");
  EXPECT_EQ(a, shim_socket_path("/run/containerd/s", "/run/c.sock", "k8s.io", "pod1"));
  EXPECT_NE(a, shim_socket_path("/run/containerd/s", "/run/c.sock", "k8s.io", "pod2"));
  EXPECT_NE(a, shim_socket_path("/run/containerd/s", "/run/c.sock", "default", "pod1"));
  EXPECT_NE(a, shim_socket_path("/run/containerd/s", "/run/other.sock", "k8s.io", "pod1"));
  EXPECT_EQ(a.size(),
            std::string("/run/containerd/s/").size() + 64);  // under unix sockets' 108 bytes
}

}  // namespace
}  // namespace flint::shim
