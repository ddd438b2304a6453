// Pulling a whole application for `flint up --from REGISTRY/APP:TAG` and
// `flint registry pull`: credentials from Docker's config, content into the
// blob cache by digest, a Spin app materialized under the cache's
// `apps/<manifest hex>/`.
#pragma once

#include <string>

#include "flint/result.h"
#include "oci/artifact.h"
#include "oci/reference.h"
#include "spin/manifest.h"

namespace flint::oci {

/// The registry client for `ref` with the credentials Docker's config has
/// for its registry (none: anonymous).
Result<std::unique_ptr<RegistryClient>> connect(const Reference& ref);

/// Pulls `ref` into `cache`.
Result<PulledArtifact> pull(const Reference& ref, const BlobCache& cache);

/// Pulls the Spin app `reference` into `cache_dir` and returns the manifest
/// `flint up` serves. An artifact in another layout is refused by name.
Result<spin::Manifest> pull_spin_app(const std::string& reference, const std::string& cache_dir);

}  // namespace flint::oci
