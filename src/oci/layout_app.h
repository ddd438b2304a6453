// A Spin app in an OCI image layout directory (image-spec image-layout.md:
// `oci-layout`, `index.json`, `blobs/sha256/<hex>`), served by `flint up
// --from DIR`. containerd-shim-flint-v1 writes one when a container's image
// is a Spin app in Spin's layout: containerd keeps such images in its
// content store, not in the rootfs (src/shim/image_fetch.h).
#pragma once

#include <string>

#include "flint/result.h"
#include "spin/manifest.h"

namespace flint::oci {

/// Whether `dir` is an OCI image layout (holds an `oci-layout` file).
bool is_image_layout(const std::string& dir);

/// The Spin app of the layout at `dir`: index.json's first manifest, which
/// must be in Spin's layout; every blob is checked against its digest. The
/// app is materialized under `dir/app/` (files, spin.json, `.spin/` state).
Result<spin::Manifest> load_layout_spin_app(const std::string& dir);

}  // namespace flint::oci
