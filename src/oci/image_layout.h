// Ordinary OCI images holding an app (FACTS.md §2.5 of the orchestration
// lab): a `linux/amd64` image config and one uncompressed tar layer with the
// files. Every containerd (Debian's 1.6 included) unpacks it into the
// container's rootfs, where a shim finds `/spin.toml` (as
// containerd-shim-spin does) or the wasm named by the entrypoint (as
// runwasi does). `flint registry push --image` writes it.
#pragma once

#include <string>

#include "flint/result.h"
#include "oci/artifact.h"
#include "spin/manifest.h"

namespace flint::oci {

/// An image whose layer holds `wasm` as `/NAME`; the entrypoint is `/NAME`.
Result<Artifact> make_wasm_image(const std::string& name, std::string_view wasm);

/// An image whose layer holds the app as its directory lays it out:
/// spin.toml, the component sources as written and the `files`. A source or
/// mount outside the manifest's directory is refused (the rootfs has no
/// outside). The entrypoint is `/spin.toml`.
Result<Artifact> make_spin_image(const spin::Manifest& manifest, const std::string& staging_dir);

}  // namespace flint::oci
