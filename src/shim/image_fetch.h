// A container's image read from containerd's content store when its rootfs
// holds no wasm: the CNCF Wasm artifact (`application/wasm`), runwasi's
// wasm layer (`application/vnd.bytecodealliance.wasm.component.layer.v0+wasm`)
// and Spin's layout (a locked app plus `application/vnd.wasm.content.layer.v1+*`
// layers), as runwasi and containerd-shim-spin find them (FACTS.md §2.5).
#pragma once

#include <flint/result.h>

#include <string>

#include "shim/content_store.h"

namespace flint::shim {

/// What an image's non-tar layers hold.
struct FetchedImage {
  enum class Kind {
    None,     ///< only tar layers (or nothing runnable): the rootfs is the image
    Wasm,     ///< one module or component, written to `path`
    SpinApp,  ///< a Spin app, written as an OCI image layout at `path` (`flint up --from`)
  };
  Kind kind = Kind::None;
  std::string path;
};

/// Reads container `container_id`'s image from `store` and writes what it
/// runs under `dir` (created). An index is resolved to its wasm (or wasi)
/// platform, else its first manifest.
Result<FetchedImage> fetch_image(ContentStore& store, const std::string& container_id,
                                 const std::string& dir);

}  // namespace flint::shim
