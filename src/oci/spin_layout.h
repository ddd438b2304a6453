// Spin's OCI layout for whole applications (spin crates/oci, client.rs;
// `spin registry push`): the config `application/vnd.oci.image.config.v1+json`
// `{architecture: "wasm", os: "wasip1", config.labels:
// {"com.fermyon.spin.lockedAppDigest": ...}}`, one
// `application/vnd.wasm.content.layer.v1+wasm` layer per component, one
// `...v1+data` layer per static file above 128 bytes (smaller ones are
// inlined, base64, into the locked app), and last the locked app itself
// (`application/vnd.fermyon.spin.application.v1+config`, spin crates/
// locked-app, `spin_lock_version` 0 as Spin writes it without host
// requirements), which names each wasm and file by content digest.
//
// Flint writes and reads the locked app's fields that spin.toml v2 HTTP
// apps use; anything else (non-HTTP triggers, component dependencies,
// `must_understand` features) is refused by name rather than ignored.
#pragma once

#include <string>

#include "flint/result.h"
#include "oci/artifact.h"
#include "spin/manifest.h"

namespace flint::oci {

/// Files up to this size are inlined into the locked app (Spin's
/// DEFAULT_CONTENT_REF_INLINE_MAX_SIZE).
inline constexpr size_t kInlineMaxSize = 128;

/// The artifact of a loaded spin.toml: components in binary form (a
/// `.wat` source is encoded first), staged files, the locked app.
/// `staging_dir` is a scratch directory for the files (removed after).
Result<Artifact> make_spin_artifact(const spin::Manifest& manifest, const std::string& staging_dir);

/// Whether a pulled manifest is in Spin's layout (a locked app layer).
bool is_spin_artifact(const ImageManifest& manifest);

/// The locked app layer of a Spin artifact.
Result<Descriptor> locked_app_layer(const ImageManifest& manifest, std::string_view where);

/// Turns a pulled locked app into the manifest `flint up` serves: component
/// sources are the cached blobs, each component's files are written under
/// `app_dir/files/<id>/` (from the cache or inlined) and mounted at `/`.
/// `app_dir` also holds `spin.json` (the locked app) and the default
/// `.spin/` state.
Result<spin::Manifest> materialize_spin_app(std::string_view locked_app, const BlobCache& cache,
                                            const std::string& app_dir);

}  // namespace flint::oci
