// An artifact as it moves between Flint and a registry: a manifest, its
// config and its layers, all bytes in memory (Wasm apps are megabytes).
// push_artifact() uploads the blobs then the manifest, as the distribution
// spec orders it; pull_artifact() fetches and checks them into a BlobCache.
#pragma once

#include <string>
#include <vector>

#include "flint/result.h"
#include "oci/blob_cache.h"
#include "oci/image_manifest.h"
#include "oci/registry_client.h"

namespace flint::oci {

/// A blob and its descriptor.
struct Blob {
  Descriptor descriptor;
  std::string bytes;
};

/// What is pushed: the manifest is written from `config` and `layers`.
struct Artifact {
  Blob config;
  std::vector<Blob> layers;
  std::string artifact_type;  ///< OCI 1.1 artifactType; empty: none
  std::map<std::string, std::string> annotations;

  /// The image manifest naming the config and layers.
  ImageManifest manifest() const;
  /// Adds a layer of `media_type` holding `bytes` (a layer already there
  /// with the same digest is not repeated); returns its descriptor.
  const Descriptor& add_layer(std::string_view media_type, std::string bytes);
};

/// A pulled artifact: its manifest, and its config and layers in the cache.
struct PulledArtifact {
  FetchedManifest fetched;  ///< the manifest's exact bytes and digest
  ImageManifest manifest;
  std::string config;  ///< the config blob's bytes
};

/// Pushes `artifact` to `client`'s repository under `tag`; returns the
/// manifest's digest.
Result<std::string> push_artifact(RegistryClient& client, const Artifact& artifact,
                                  std::string_view tag);

/// Pulls the manifest named by `reference` (an index resolves to its
/// wasm/wasi entry, else its only one) and every blob into `cache`.
Result<PulledArtifact> pull_artifact(RegistryClient& client, const std::string& reference,
                                     const BlobCache& cache);

}  // namespace flint::oci
