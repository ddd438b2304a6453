// Push and pull, blob by blob.
#include "oci/artifact.h"

#include <fmt/format.h>

#include <algorithm>

namespace flint::oci {

ImageManifest Artifact::manifest() const {
  ImageManifest m;
  m.artifact_type = artifact_type;
  m.config = config.descriptor;
  for (const Blob& layer : layers) m.layers.push_back(layer.descriptor);
  m.annotations = annotations;
  return m;
}

const Descriptor& Artifact::add_layer(std::string_view media_type, std::string bytes) {
  Descriptor d = describe(media_type, bytes);
  for (const Blob& layer : layers)
    if (layer.descriptor.digest == d.digest && layer.descriptor.media_type == d.media_type)
      return layer.descriptor;
  layers.push_back(Blob{std::move(d), std::move(bytes)});
  return layers.back().descriptor;
}

Result<std::string> push_artifact(RegistryClient& client, const Artifact& artifact,
                                  std::string_view tag) {
  for (const Blob& layer : artifact.layers)
    if (auto ok = client.push_blob(layer.bytes, layer.descriptor.digest); !ok) return ok.error();
  if (auto ok = client.push_blob(artifact.config.bytes, artifact.config.descriptor.digest); !ok)
    return ok.error();
  return client.push_manifest(tag, to_json(artifact.manifest()), media::kImageManifest);
}

namespace {

/// The blob's bytes, from the cache or else the registry (then cached).
Result<std::string> fetch(RegistryClient& client, const Descriptor& d, const BlobCache& cache) {
  if (auto cached = cache.read(d.digest); cached && cached->size() == d.size) return *cached;
  auto bytes = client.get_blob(d);
  if (!bytes) return bytes.error();
  if (auto ok = cache.write(d.digest, *bytes); !ok) return ok.error();
  return bytes;
}

}  // namespace

Result<PulledArtifact> pull_artifact(RegistryClient& client, const std::string& reference,
                                     const BlobCache& cache) {
  auto fetched = client.get_manifest(reference);
  if (!fetched) return fetched.error();
  if (fetched->media_type == media::kImageIndex ||
      fetched->media_type == media::kDockerManifestList) {
    auto entries = parse_image_index(fetched->bytes, "image index " + reference);
    if (!entries) return entries.error();
    auto wasm = std::find_if(entries->begin(), entries->end(), [](const IndexEntry& e) {
      return e.architecture == "wasm" || e.os.starts_with("wasi");
    });
    if (wasm == entries->end() && entries->size() != 1)
      return make_error(ErrorCode::Registry,
                        fmt::format("image index {} has {} manifests and none for wasm", reference,
                                    entries->size()));
    if (wasm == entries->end()) wasm = entries->begin();
    fetched = client.get_manifest(wasm->descriptor.digest);
    if (!fetched) return fetched.error();
  }
  PulledArtifact out;
  auto manifest = parse_image_manifest(fetched->bytes, "manifest " + reference);
  if (!manifest) return manifest.error();
  out.fetched = std::move(*fetched);
  out.manifest = std::move(*manifest);
  auto config = fetch(client, out.manifest.config, cache);
  if (!config) return config.error();
  out.config = std::move(*config);
  for (const Descriptor& layer : out.manifest.layers) {
    auto bytes = fetch(client, layer, cache);
    if (!bytes) return bytes.error();
  }
  return out;
}

}  // namespace flint::oci
