// Reference -> client -> pulled blobs -> a servable manifest.
#include "oci/remote_app.h"

#include <fmt/format.h>

#include <filesystem>

#include "oci/credentials.h"
#include "oci/spin_layout.h"

namespace flint::oci {

Result<std::unique_ptr<RegistryClient>> connect(const Reference& ref) {
  auto credentials = load_credentials(docker_config_path(), ref.registry);
  if (!credentials) return credentials.error();
  return std::make_unique<RegistryClient>(ref, std::move(*credentials));
}

Result<PulledArtifact> pull(const Reference& ref, const BlobCache& cache) {
  auto client = connect(ref);
  if (!client) return client.error();
  return pull_artifact(**client, ref.manifest_reference(), cache);
}

Result<spin::Manifest> pull_spin_app(const std::string& reference, const std::string& cache_dir) {
  auto ref = parse_reference(reference);
  if (!ref) return ref.error();
  BlobCache cache(cache_dir);
  auto pulled = pull(*ref, cache);
  if (!pulled) return pulled.error();
  std::string where = ref->to_string();
  auto layer = locked_app_layer(pulled->manifest, where);
  if (!layer) return layer.error();
  auto locked = cache.read(layer->digest);
  if (!locked) return make_error(ErrorCode::Io, cache.path_of(layer->digest) + ": cannot read");
  std::string app_dir = (std::filesystem::path(cache_dir) / "apps" /
                         pulled->fetched.digest.substr(pulled->fetched.digest.find(':') + 1))
                            .string();
  auto manifest = materialize_spin_app(*locked, cache, app_dir);
  if (!manifest)
    return make_error(manifest.error().code,
                      fmt::format("{}: {}", where, manifest.error().message()));
  if (manifest->name.empty()) manifest->name = ref->repository;
  return manifest;
}

}  // namespace flint::oci
