// The CNCF TAG-Runtime "Wasm OCI Artifact" layout: one module or component
// as a layer `application/wasm`, with a config
// `application/vnd.wasm.config.v0+json` = `{created, architecture: "wasm",
// os: "wasip1"|"wasip2", layerDigests, component}`. What oras, runwasi's
// oci-tar-builder and wasm-pkg-tools write and read.
#pragma once

#include <string>

#include "flint/result.h"
#include "oci/artifact.h"

namespace flint::oci {

/// The artifact holding `wasm` (binary format, a module or a component:
/// a component is `os: wasip2`, a module `wasip1`). `created` is RFC 3339;
/// `title` (a file name) becomes the layer's `org.opencontainers.image.title`.
Result<Artifact> make_wasm_artifact(std::string wasm, const std::string& created,
                                    const std::string& title = "");

/// Whether a pulled manifest is in this layout (its config media type).
bool is_wasm_artifact(const ImageManifest& manifest);

/// The digest of the pulled artifact's one wasm layer (`application/wasm`,
/// or runwasi's component layer type); an error when there is not exactly one.
Result<std::string> wasm_layer_digest(const ImageManifest& manifest, std::string_view where);

/// The current time as RFC 3339 UTC, or SOURCE_DATE_EPOCH's when it is set
/// (reproducible pushes).
std::string created_now();

}  // namespace flint::oci
