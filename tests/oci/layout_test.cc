// The three layouts: CNCF wasm artifact, Spin's locked app, tar images.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "oci/base64.h"
#include "oci/digest.h"
#include "oci/image_layout.h"
#include "oci/layout_app.h"
#include "oci/spin_layout.h"
#include "oci/wasm_artifact.h"

namespace flint::oci {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kModule("\0asm\x01\0\0\0", 8);
const std::string kComponent("\0asm\x0d\0\x01\0", 8);

TEST(WasmArtifact, ModuleIsWasip1ComponentWasip2) {
  auto m = make_wasm_artifact(kModule, "2026-01-01T00:00:00Z", "m.wasm");
  ASSERT_TRUE(m);
  json config = json::parse(m->config.bytes);
  EXPECT_EQ(m->config.descriptor.media_type, media::kWasmConfig);
  EXPECT_EQ(config["os"], "wasip1");
  EXPECT_EQ(config["architecture"], "wasm");
  ASSERT_EQ(m->layers.size(), 1u);
  EXPECT_EQ(m->layers[0].descriptor.media_type, media::kWasmLayer);
  EXPECT_EQ(config["layerDigests"][0], m->layers[0].descriptor.digest);
  EXPECT_EQ(m->layers[0].descriptor.annotations.at("org.opencontainers.image.title"), "m.wasm");
  auto manifest = parse_image_manifest(to_json(m->manifest()), "test");
  ASSERT_TRUE(manifest);
  EXPECT_TRUE(is_wasm_artifact(*manifest));
  EXPECT_EQ(*wasm_layer_digest(*manifest, "test"), m->layers[0].descriptor.digest);

  auto c = make_wasm_artifact(kComponent, "2026-01-01T00:00:00Z");
  ASSERT_TRUE(c);
  EXPECT_EQ(json::parse(c->config.bytes)["os"], "wasip2");
  EXPECT_FALSE(make_wasm_artifact("(module)", "x"));
}

TEST(ImageManifest, RefusesWhatFlintWouldMisread) {
  const std::pair<const char*, const char*> cases[] = {
      {"[]", "not a JSON object"},
      {R"({"schemaVersion": 1})", "schemaVersion"},
      {R"({"schemaVersion": 2, "mediaType": "text/plain"})", "not an image manifest"},
      {R"({"schemaVersion": 2, "config": {"mediaType": "a", "digest": "md5:1", "size": 1}, "layers": []})",
       "config: `digest`"},
      {R"({"schemaVersion": 2, "config": {"mediaType": "a", "digest": "sha256:0000000000000000000000000000000000000000000000000000000000000000", "size": -1}, "layers": []})",
       "config: `size`"},
      {R"({"schemaVersion": 2, "config": {"mediaType": "a", "digest": "sha256:0000000000000000000000000000000000000000000000000000000000000000", "size": 1}})",
       "`layers`"},
      {R"({"schemaVersion": 2, "mediaType": 5, "config": {}, "layers": []})", "config"},
  };
  for (const auto& [text, expected] : cases) {
    auto m = parse_image_manifest(text, "manifest x");
    ASSERT_FALSE(m) << text;
    EXPECT_NE(m.error().message().find(expected), std::string::npos) << m.error().message();
  }
}

class SpinLayout : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("flint-spinlayout-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "app" / "static" / "sub");
    std::ofstream(dir_ / "app" / "c.wasm", std::ios::binary) << kComponent;
    std::ofstream(dir_ / "app" / "static" / "small.txt") << "tiny";
    std::ofstream(dir_ / "app" / "static" / "sub" / "big.txt") << std::string(1000, 'x');
    std::ofstream(dir_ / "app" / "spin.toml") << R"(spin_manifest_version = 2
[application]
name = "layout"
version = "1.2.3"
[variables]
greeting = { default = "hi" }
token = { required = true, secret = true }
[[trigger.http]]
route = "/..."
component = "web"
[component.web]
source = "c.wasm"
files = ["static/**/*"]
environment = { A = "1" }
allowed_outbound_hosts = ["https://example.com"]
key_value_stores = ["default"]
[component.web.variables]
message = "{{ greeting }}"
)";
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(SpinLayout, LockedAppRoundTripsThroughTheCache) {
  auto manifest = spin::load_manifest((dir_ / "app" / "spin.toml").string());
  ASSERT_TRUE(manifest) << manifest.error().message();
  auto artifact = make_spin_artifact(*manifest, (dir_ / "stage").string());
  ASSERT_TRUE(artifact) << artifact.error().message();
  // One wasm layer, one data layer (the small file is inlined), the locked app last.
  ASSERT_EQ(artifact->layers.size(), 3u);
  EXPECT_EQ(artifact->layers[0].descriptor.media_type, media::kSpinWasmLayer);
  EXPECT_EQ(artifact->layers[1].descriptor.media_type, media::kSpinDataLayer);
  EXPECT_EQ(artifact->layers[2].descriptor.media_type, media::kSpinLockedApp);
  json config = json::parse(artifact->config.bytes);
  EXPECT_EQ(config["config"]["labels"]["com.fermyon.spin.lockedAppDigest"],
            artifact->layers[2].descriptor.digest);
  json locked = json::parse(artifact->layers[2].bytes);
  EXPECT_EQ(locked["spin_lock_version"], 0);  // what Spin writes without host requirements
  EXPECT_EQ(locked["components"][0]["source"]["digest"], artifact->layers[0].descriptor.digest);
  EXPECT_EQ(locked["components"][0]["files"][0]["inline"], base64_encode("tiny"));
  EXPECT_EQ(locked["components"][0]["files"][0]["path"], "/static/small.txt");
  EXPECT_EQ(locked["variables"]["token"]["secret"], true);
  EXPECT_FALSE(locked["variables"]["token"].contains("default"));

  BlobCache cache((dir_ / "cache").string());
  for (const Blob& b : artifact->layers) ASSERT_TRUE(cache.write(b.descriptor.digest, b.bytes));
  auto app = materialize_spin_app(artifact->layers[2].bytes, cache, (dir_ / "pulled").string());
  ASSERT_TRUE(app) << app.error().message();
  EXPECT_EQ(app->name, "layout");
  ASSERT_EQ(app->components.size(), 1u);
  const spin::Component& c = app->components[0];
  EXPECT_EQ(c.source, cache.path_of(artifact->layers[0].descriptor.digest));
  EXPECT_EQ(c.allowed_outbound_hosts, std::vector<std::string>{"https://example.com"});
  EXPECT_EQ(c.key_value_stores, std::vector<std::string>{"default"});
  EXPECT_EQ(c.variables.at("message"), "{{ greeting }}");
  ASSERT_EQ(c.files.size(), 1u);
  std::ifstream big(fs::path(c.files[0].source) / "static" / "sub" / "big.txt");
  std::string text((std::istreambuf_iterator<char>(big)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, std::string(1000, 'x'));
  ASSERT_EQ(app->http_triggers.size(), 1u);
  EXPECT_EQ(app->http_triggers[0].route, "/...");
  EXPECT_TRUE(app->variables.at("token").required);
}

// What containerd-shim-flint-v1 writes from containerd's content store: the
// app as an OCI image layout, which `flint up --from DIR` serves.
TEST_F(SpinLayout, AnImageLayoutDirectoryServesItsSpinApp) {
  auto manifest = spin::load_manifest((dir_ / "app" / "spin.toml").string());
  ASSERT_TRUE(manifest) << manifest.error().message();
  auto artifact = make_spin_artifact(*manifest, (dir_ / "stage").string());
  ASSERT_TRUE(artifact) << artifact.error().message();
  fs::path layout = dir_ / "layout";
  EXPECT_FALSE(is_image_layout(layout.string()));
  BlobCache blobs(layout.string());  // the layout's blobs/sha256/ is laid out as the cache is
  std::string manifest_json = to_json(artifact->manifest());
  Descriptor manifest_descriptor = describe(media::kImageManifest, manifest_json);
  ASSERT_TRUE(blobs.write(manifest_descriptor.digest, manifest_json));
  ASSERT_TRUE(blobs.write(artifact->config.descriptor.digest, artifact->config.bytes));
  for (const Blob& b : artifact->layers) ASSERT_TRUE(blobs.write(b.descriptor.digest, b.bytes));
  std::ofstream(layout / "oci-layout") << R"({"imageLayoutVersion":"1.0.0"})";
  json index = {{"schemaVersion", 2},
                {"manifests", json::array({{{"mediaType", media::kImageManifest},
                                            {"digest", manifest_descriptor.digest},
                                            {"size", manifest_descriptor.size}}})}};
  std::ofstream(layout / "index.json") << index.dump();
  ASSERT_TRUE(is_image_layout(layout.string()));

  auto app = load_layout_spin_app(layout.string());
  ASSERT_TRUE(app) << app.error().message();
  EXPECT_EQ(app->name, "layout");
  ASSERT_EQ(app->components.size(), 1u);
  EXPECT_EQ(app->components[0].source, blobs.path_of(artifact->layers[0].descriptor.digest));
  EXPECT_TRUE(fs::exists(layout / "app" / "spin.json"));

  // A damaged blob is refused by name, not served.
  std::string locked_path = blobs.path_of(artifact->layers[2].descriptor.digest);
  std::ofstream(locked_path, std::ios::binary | std::ios::trunc) << "tampered";
  auto damaged = load_layout_spin_app(layout.string());
  ASSERT_FALSE(damaged);
  EXPECT_NE(damaged.error().message().find("missing or damaged"), std::string::npos)
      << damaged.error().message();
  fs::remove(layout / "index.json");
  EXPECT_FALSE(load_layout_spin_app(layout.string()));
}

TEST_F(SpinLayout, RefusesLockedAppsFlintWouldMisrun) {
  BlobCache cache((dir_ / "cache").string());
  std::string digest = sha256_digest(kComponent);
  ASSERT_TRUE(cache.write(digest, kComponent));
  auto with = [&](const std::string& files, const std::string& trigger_type) {
    return R"({"spin_lock_version": 1, "triggers": [{"id": "t", "trigger_type": ")" + trigger_type +
           R"(", "trigger_config": {"component": "c", "route": "/"}}], "components": [{"id": "c",
           "source": {"content_type": "application/wasm", "digest": ")" +
           digest + R"("}, "files": )" + files + "}]}";
  };
  const std::pair<std::string, const char*> cases[] = {
      {"{", "not a JSON object"},
      {R"({"spin_lock_version": 7})", "spin_lock_version"},
      {with(R"([{"inline": "eA==", "path": "/../../etc/x"}])", "http"),
       "leaves the component's root"},
      {with(R"([{"inline": "!!", "path": "/x"}])", "http"), "not base64"},
      {with(R"([{"digest": "sha256:)" + std::string(64, '0') + R"(", "path": "/x"}])", "http"),
       "not among the pulled layers"},
      {with("[]", "redis"), "trigger type `redis`"},
      {R"({"spin_lock_version": 1, "components": [5], "triggers": []})", "not an object"},
      {R"({"spin_lock_version": 1, "variables": {"v": {"secret": "yes"}}, "components": []})",
       "locked app"},
      {R"({"spin_lock_version": 1, "components": [], "triggers": [7]})", "not an object"},
  };
  for (const auto& [text, expected] : cases) {
    auto app = materialize_spin_app(text, cache, (dir_ / "out").string());
    ASSERT_FALSE(app) << text;
    EXPECT_NE(app.error().message().find(expected), std::string::npos) << app.error().message();
  }
  EXPECT_TRUE(materialize_spin_app(with(R"([{"inline": "eA==", "path": "/x"}])", "http"), cache,
                                   (dir_ / "out").string()));
}

TEST_F(SpinLayout, ImageLayerHoldsTheAppDirectory) {
  auto manifest = spin::load_manifest((dir_ / "app" / "spin.toml").string());
  ASSERT_TRUE(manifest);
  auto image = make_spin_image(*manifest, (dir_ / "stage").string());
  ASSERT_TRUE(image) << image.error().message();
  ASSERT_EQ(image->layers.size(), 1u);
  EXPECT_EQ(image->layers[0].descriptor.media_type, media::kImageLayerTar);
  json config = json::parse(image->config.bytes);
  EXPECT_EQ(config["os"], "linux");
  EXPECT_EQ(config["rootfs"]["diff_ids"][0], image->layers[0].descriptor.digest);
  const std::string& tar = image->layers[0].bytes;
  for (const char* name : {"spin.toml", "c.wasm", "static/small.txt", "static/sub/big.txt"})
    EXPECT_NE(tar.find(name), std::string::npos) << name;
}

}  // namespace
}  // namespace flint::oci
