// A POSIX ustar archive (POSIX.1-2001 pax "ustar" header format) built in
// memory: the layer of an ordinary OCI image (image-spec layer.md,
// `application/vnd.oci.image.layer.v1.tar`). Entries are deterministic
// (mtime 0, uid/gid 0, modes 0644/0755): the same app gives the same digest.
#pragma once

#include <set>
#include <string>

#include "flint/result.h"

namespace flint::oci {

/// Collects files (and their parent directories) into a tar archive.
class TarWriter {
 public:
  /// Adds a regular file at `path` (relative, '/'-separated; at most 255
  /// bytes, split as ustar's prefix and name), after its directories.
  Status add_file(const std::string& path, std::string_view bytes);
  /// The archive, ended by two zero blocks.
  std::string finish();

 private:
  Status header(const std::string& path, char type, uint64_t size, unsigned mode);
  std::string out_;
  std::set<std::string> dirs_;
};

}  // namespace flint::oci
