// Pulled content on disk, named by digest (`DIR/blobs/sha256/<hex>`, the
// OCI image layout's naming): a blob already there is not fetched again,
// and one is written under its name only after its digest was checked.
#pragma once

#include <optional>
#include <string>

#include "flint/result.h"

namespace flint::oci {

/// The cache Flint uses unless told otherwise: `$XDG_CACHE_HOME/flint/oci`,
/// else `~/.cache/flint/oci`.
std::string default_cache_dir();

/// A directory of blobs by digest.
class BlobCache {
 public:
  /// The cache rooted at `dir` (created on the first write).
  explicit BlobCache(std::string dir) : dir_(std::move(dir)) {}

  /// The root directory.
  const std::string& dir() const { return dir_; }
  /// Where the blob named `digest` (sha256:<hex>) lives.
  std::string path_of(const std::string& digest) const;
  /// The blob's bytes when it is cached and still hashes to `digest`.
  std::optional<std::string> read(const std::string& digest) const;
  /// Stores `bytes`, whose digest the caller checked, under `digest`
  /// (written beside and renamed: readers never see half a blob).
  Status write(const std::string& digest, std::string_view bytes) const;

 private:
  std::string dir_;
};

}  // namespace flint::oci
