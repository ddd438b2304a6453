// containerd's content store, read over its gRPC API (services containers,
// images and content, api/services/*/v1): where an image's wasm layers are
// when they are not tar layers. The CRI plugin, ctr and Docker give the shim
// an empty rootfs for a CNCF Wasm artifact, a wasm-typed layer or a Spin app
// in Spin's layout (FACTS.md §2.5); the wasm must then be read from here, as
// runwasi and containerd-shim-spin do.
#pragma once

#include <flint/result.h>

#include <cstdint>
#include <memory>
#include <string>

namespace flint::shim {

/// An OCI descriptor: what a manifest says about a blob.
struct BlobDescriptor {
  std::string media_type;
  std::string digest;  ///< sha256:<hex>
  int64_t size = 0;
};

/// A client of one containerd's gRPC API in one namespace.
class ContentStore {
 public:
  /// `address`: containerd's gRPC socket (a path or unix://path).
  ContentStore(const std::string& address, std::string name_space);
  ~ContentStore();

  /// The image reference container `id` was created from (Containers.Get).
  Result<std::string> image_of(const std::string& container_id);
  /// The image's root descriptor, a manifest or an index (Images.Get).
  Result<BlobDescriptor> target_of(const std::string& image);
  /// The bytes of `blob` (Content.Read), refused when more than `max_size`
  /// or when they do not hash to the digest.
  Result<std::string> read(const BlobDescriptor& blob, int64_t max_size);

 private:
  struct Stubs;
  std::string name_space_;
  std::unique_ptr<Stubs> stubs_;
};

}  // namespace flint::shim
