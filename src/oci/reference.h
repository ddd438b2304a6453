// An image reference, `[REGISTRY/]REPOSITORY[:TAG][@DIGEST]`, as the OCI
// distribution spec and Docker write them ("Pulling manifests": name and
// reference grammar). Parsed strictly: a reference that would be read two
// ways is refused with the place that is wrong, never guessed at.
#pragma once

#include <string>
#include <string_view>

#include "flint/result.h"

namespace flint::oci {

/// A parsed reference. `registry` is a host with an optional port
/// (`127.0.0.1:5000`, `ghcr.io`); Docker Hub's short names are expanded as
/// Docker does (`alpine` -> `registry-1.docker.io/library/alpine`).
struct Reference {
  std::string registry;    ///< host[:port], as written (Docker Hub: registry-1.docker.io)
  std::string repository;  ///< path components, lower case, '/'-separated
  std::string tag;         ///< empty when only a digest is given
  std::string digest;      ///< `sha256:<64 hex>` or empty

  /// What a manifest is fetched by: the digest when there is one, else the tag.
  std::string manifest_reference() const { return digest.empty() ? tag : digest; }
  /// The reference written back (`registry/repository:tag@digest`).
  std::string to_string() const;
  /// Whether the registry is this machine (localhost, 127.0.0.0/8, [::1]),
  /// which Flint talks to over plain HTTP, as Docker and Spin do.
  bool is_loopback() const;
};

/// Parses `text`; a missing tag becomes `latest` (as Docker and Spin).
Result<Reference> parse_reference(std::string_view text);

/// Whether `text` names a registry explicitly (its first component has a
/// '.' or ':' or is `localhost`): how `flint up --from` tells a reference
/// from a path that does not exist.
bool names_registry(std::string_view text);

/// Whether `digest` is `sha256:` and 64 lower-case hex digits: the only
/// algorithm Flint writes or accepts (the distribution spec's required one).
bool is_sha256_digest(std::string_view digest);

}  // namespace flint::oci
