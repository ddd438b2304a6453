// A Spin app served by App (spin/app.h) end to end in-process, with the
// README's example component (examples/hello-spin/hello.wat, component
// text): routing, Spin's headers reaching no further than the guest, and
// components with the same source sharing one compiled form.
#include "spin/app.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace flint::spin {
namespace {

namespace fs = std::filesystem;

class Recording : public wasihttp::ResponseWriter {
 public:
  void start(uint16_t s, const wasihttp::Fields&) override { status = s; }
  bool write(std::span<const uint8_t> d) override {
    body.append(d.begin(), d.end());
    return true;
  }
  void finish(const wasihttp::Fields*) override {}
  uint16_t status = 0;
  std::string body;
};

Recording get(App& app, std::string path) {
  wasihttp::IncomingRequestData r;
  r.method = "GET";
  r.path_with_query = std::move(path);
  r.authority = "example.com";
  Recording w;
  app.handle(std::move(r), w);
  return w;
}

TEST(AppTest, ComponentsOfOneSourceShareTheirCompiledForm) {
  const std::string hello = FLINT_TEST_DATA_DIR "/../../examples/hello-spin/hello.wat";
  fs::path dir = fs::temp_directory_path() / ("flint-app-test-" + std::to_string(getpid()));
  fs::create_directories(dir);
  {
    std::ofstream m(dir / "spin.toml");
    m << "spin_manifest_version = 2\n[application]\nname = \"shared\"\n"
      << "[[trigger.http]]\nroute = \"/a\"\ncomponent = \"a\"\n"
      << "[[trigger.http]]\nroute = \"/b/...\"\ncomponent = \"b\"\n"
      << "[component.a]\nsource = \"" << hello << "\"\n"
      << "[component.b]\nsource = \"" << hello << "\"\n";
  }
  auto manifest = load_manifest((dir / "spin.toml").string());
  ASSERT_TRUE(manifest) << manifest.error().message();
  auto app = App::create(std::move(*manifest), {});
  ASSERT_TRUE(app) << app.error().message();
  EXPECT_EQ((*app)->compiled_count(), 0u) << "nothing compiles before a request";
  Recording a = get(**app, "/a");
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.body, "Hello from Flint!\n");
  EXPECT_EQ((*app)->compiled_count(), 1u);
  Recording b = get(**app, "/b/c?d=e");
  EXPECT_EQ(b.status, 200);
  EXPECT_EQ((*app)->compiled_count(), 1u) << "b shares a's compiled component";
  EXPECT_EQ(get(**app, "/c").status, 404);
  EXPECT_EQ(get(**app, "/.well-known/spin/health").body, "OK");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace flint::spin
