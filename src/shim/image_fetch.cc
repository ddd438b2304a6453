#include "shim/image_fetch.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

namespace flint::shim {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr int64_t kMaxManifest = 4 << 20;  // as the registry client: manifests are small
constexpr int64_t kMaxBlob = int64_t{1} << 30;

constexpr const char* kWasmLayerTypes[] = {
    "application/wasm",
    "application/vnd.bytecodealliance.wasm.component.layer.v0+wasm",
};
constexpr const char* kSpinLockedApp = "application/vnd.fermyon.spin.application.v1+config";

bool is_index(const std::string& media_type) {
  return media_type == "application/vnd.oci.image.index.v1+json" ||
         media_type == "application/vnd.docker.distribution.manifest.list.v2+json";
}

Result<BlobDescriptor> descriptor_of(const json& value, std::string_view where) {
  if (!value.is_object() || !value.contains("digest") || !value["digest"].is_string())
    return make_error(ErrorCode::Usage, fmt::format("{}: a descriptor without a digest", where));
  BlobDescriptor out;
  out.media_type = value.value("mediaType", "");
  out.digest = value["digest"];
  out.size = value.value("size", int64_t{0});
  return out;
}

Result<json> read_json(ContentStore& store, const BlobDescriptor& blob) {
  FLINT_ASSIGN(std::string text, store.read(blob, kMaxManifest));
  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    return make_error(ErrorCode::Usage, fmt::format("{}: not a JSON object", blob.digest));
  return doc;
}

/// The manifest an index entry points at: the wasm platform's, else the first.
Result<BlobDescriptor> pick_manifest(const json& index, const std::string& where) {
  const json& manifests = index.value("manifests", json::array());
  if (!manifests.is_array() || manifests.empty())
    return make_error(ErrorCode::Usage, fmt::format("{}: an index without manifests", where));
  for (const auto& entry : manifests) {
    const json platform = entry.value("platform", json::object());
    std::string os = platform.is_object() ? platform.value("os", "") : "";
    std::string arch = platform.is_object() ? platform.value("architecture", "") : "";
    if (arch == "wasm" || os.starts_with("wasi")) return descriptor_of(entry, where);
  }
  return descriptor_of(manifests.front(), where);
}

Status write_file(const fs::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) return make_error(ErrorCode::Io, fmt::format("cannot write {}", path.string()));
  return {};
}

/// Writes `blob` into the layout's blobs/sha256/ directory.
Status copy_blob(ContentStore& store, const BlobDescriptor& blob, const fs::path& layout) {
  FLINT_ASSIGN(std::string bytes, store.read(blob, kMaxBlob));
  std::string hex = blob.digest.substr(blob.digest.find(':') + 1);
  return write_file(layout / "blobs" / "sha256" / hex, bytes);
}

}  // namespace

Result<FetchedImage> fetch_image(ContentStore& store, const std::string& container_id,
                                 const std::string& dir) {
  FLINT_ASSIGN(std::string image, store.image_of(container_id));
  if (image.empty()) return FetchedImage{};
  FLINT_ASSIGN(BlobDescriptor target, store.target_of(image));
  BlobDescriptor manifest_blob = target;
  FLINT_ASSIGN(json manifest, read_json(store, target));
  if (is_index(target.media_type) || manifest.contains("manifests")) {
    FLINT_ASSIGN(manifest_blob, pick_manifest(manifest, image));
    FLINT_ASSIGN(manifest, read_json(store, manifest_blob));
  }
  const json& layers = manifest.value("layers", json::array());
  if (!layers.is_array()) return make_error(ErrorCode::Usage, image + ": layers is not a list");

  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return make_error(ErrorCode::Io, fmt::format("{}: {}", dir, ec.message()));
  bool spin = false;
  for (const auto& layer : layers)
    spin = spin || (layer.is_object() && layer.value("mediaType", "") == kSpinLockedApp);
  if (spin) {
    // The whole image as an OCI layout, which `flint up --from` serves.
    fs::path layout = fs::path(dir) / "spin-app";
    fs::create_directories(layout / "blobs" / "sha256", ec);
    if (ec) return make_error(ErrorCode::Io, fmt::format("{}: {}", layout.string(), ec.message()));
    FLINT_TRY(copy_blob(store, manifest_blob, layout));
    if (manifest.contains("config")) {
      FLINT_ASSIGN(BlobDescriptor config, descriptor_of(manifest["config"], image));
      FLINT_TRY(copy_blob(store, config, layout));
    }
    for (const auto& layer : layers) {
      FLINT_ASSIGN(BlobDescriptor blob, descriptor_of(layer, image));
      FLINT_TRY(copy_blob(store, blob, layout));
    }
    json index = {
        {"schemaVersion", 2},
        {"manifests",
         json::array({{{"mediaType",
                        manifest.value("mediaType", "application/vnd.oci.image.manifest.v1+json")},
                       {"digest", manifest_blob.digest},
                       {"size", manifest_blob.size}}})}};
    FLINT_TRY(write_file(layout / "index.json", index.dump()));
    FLINT_TRY(write_file(layout / "oci-layout", R"({"imageLayoutVersion":"1.0.0"})"));
    return FetchedImage{FetchedImage::Kind::SpinApp, layout.string()};
  }
  for (const auto& layer : layers) {
    if (!layer.is_object()) continue;
    std::string type = layer.value("mediaType", "");
    for (const char* wasm_type : kWasmLayerTypes) {
      if (type != wasm_type) continue;
      FLINT_ASSIGN(BlobDescriptor blob, descriptor_of(layer, image));
      FLINT_ASSIGN(std::string bytes, store.read(blob, kMaxBlob));
      fs::path path = fs::path(dir) / "image.wasm";
      FLINT_TRY(write_file(path, bytes));
      return FetchedImage{FetchedImage::Kind::Wasm, path.string()};
    }
  }
  return FetchedImage{};
}

}  // namespace flint::shim
