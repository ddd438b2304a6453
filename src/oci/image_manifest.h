// OCI image manifests and descriptors (OCI image spec v1.1, manifest.md and
// descriptor.md), and the media types of the layouts Flint reads and
// writes. Parsing checks what Flint relies on (sizes, digests, media
// types) and names the field at fault.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "flint/result.h"

namespace flint::oci {

/// Media types, by the specification or tool that defines them.
namespace media {
inline constexpr char kImageManifest[] = "application/vnd.oci.image.manifest.v1+json";
inline constexpr char kImageIndex[] = "application/vnd.oci.image.index.v1+json";
inline constexpr char kDockerManifest[] = "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr char kDockerManifestList[] =
    "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr char kImageConfig[] = "application/vnd.oci.image.config.v1+json";
inline constexpr char kImageLayerTar[] = "application/vnd.oci.image.layer.v1.tar";
/// CNCF TAG-Runtime Wasm OCI artifact: config and one layer per module or component.
inline constexpr char kWasmConfig[] = "application/vnd.wasm.config.v0+json";
inline constexpr char kWasmLayer[] = "application/wasm";
/// Spin's layout (spin crates/oci): the locked app, component wasm, static files.
inline constexpr char kSpinLockedApp[] = "application/vnd.fermyon.spin.application.v1+config";
inline constexpr char kSpinWasmLayer[] = "application/vnd.wasm.content.layer.v1+wasm";
inline constexpr char kSpinDataLayer[] = "application/vnd.wasm.content.layer.v1+data";
inline constexpr char kSpinArchiveLayer[] = "application/vnd.wasm.content.bundle.v1.tar+gzip";
}  // namespace media

/// A descriptor: what a manifest says about one blob.
struct Descriptor {
  std::string media_type;
  std::string digest;  ///< sha256:<hex>
  uint64_t size = 0;
  std::map<std::string, std::string> annotations;
};

/// An image manifest (schemaVersion 2).
struct ImageManifest {
  std::string media_type = media::kImageManifest;
  std::string artifact_type;  ///< OCI 1.1 `artifactType`; empty when absent
  Descriptor config;
  std::vector<Descriptor> layers;
  std::map<std::string, std::string> annotations;
};

/// One entry of an image index, with its platform.
struct IndexEntry {
  Descriptor descriptor;
  std::string os, architecture;
};

/// The manifest as JSON text, keys in a fixed order (its digest is stable).
std::string to_json(const ImageManifest& manifest);

/// Parses an image manifest (OCI or Docker schema 2); `where` names it in errors.
Result<ImageManifest> parse_image_manifest(std::string_view text, std::string_view where);

/// Parses an image index (or Docker manifest list).
Result<std::vector<IndexEntry>> parse_image_index(std::string_view text, std::string_view where);

/// A descriptor of `bytes` with `media_type`.
Descriptor describe(std::string_view media_type, std::string_view bytes);

}  // namespace flint::oci
