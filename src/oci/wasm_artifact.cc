// The CNCF Wasm artifact (tag-runtime wasm-oci-artifact spec, v0).
#include "oci/wasm_artifact.h"

#include <fmt/format.h>

#include <cstdlib>
#include <ctime>
#include <nlohmann/json.hpp>

namespace flint::oci {

namespace {
/// runwasi's older layer media type for components, accepted on pull.
constexpr char kRunwasiComponentLayer[] =
    "application/vnd.bytecodealliance.wasm.component.layer.v0+wasm";
}  // namespace

std::string created_now() {
  std::time_t t = std::time(nullptr);
  if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH"); epoch && *epoch)
    t = std::time_t(std::strtoll(epoch, nullptr, 10));
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

Result<Artifact> make_wasm_artifact(std::string wasm, const std::string& created,
                                    const std::string& title) {
  // Binary.md: a module's preamble is version 1 (01 00 00 00), a
  // component's is version 0x0d with layer 1 (0d 00 01 00).
  if (wasm.size() < 8 || wasm.compare(0, 4, std::string("\0asm", 4)) != 0)
    return make_error(ErrorCode::Usage, "not a WebAssembly binary (no \\0asm preamble)");
  bool component = wasm[4] == 0x0d && wasm[6] == 0x01;
  Artifact a;
  a.add_layer(media::kWasmLayer, std::move(wasm));
  // oras writes a pulled layer to the file its title names.
  if (!title.empty())
    a.layers.back().descriptor.annotations["org.opencontainers.image.title"] = title;
  const Descriptor& layer = a.layers.back().descriptor;
  nlohmann::json config = {{"created", created},
                           {"architecture", "wasm"},
                           {"os", component ? "wasip2" : "wasip1"},
                           {"layerDigests", {layer.digest}}};
  // The spec's `component` object ({exports, imports, target}) is optional
  // metadata for tools; Flint writes null rather than guessing a WIT world.
  config["component"] = nullptr;
  std::string text = config.dump();
  a.config = Blob{describe(media::kWasmConfig, text), text};
  return a;
}

bool is_wasm_artifact(const ImageManifest& manifest) {
  return manifest.config.media_type == media::kWasmConfig;
}

Result<std::string> wasm_layer_digest(const ImageManifest& manifest, std::string_view where) {
  std::string found;
  int count = 0;
  for (const Descriptor& layer : manifest.layers)
    if (layer.media_type == media::kWasmLayer || layer.media_type == kRunwasiComponentLayer) {
      found = layer.digest;
      ++count;
    }
  if (count != 1)
    return make_error(ErrorCode::Registry, fmt::format("{}: {} wasm layers ({}), expected one",
                                                       where, count, media::kWasmLayer));
  return found;
}

}  // namespace flint::oci
