#include "oci/layout_app.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "oci/blob_cache.h"
#include "oci/image_manifest.h"
#include "oci/spin_layout.h"

namespace flint::oci {

namespace fs = std::filesystem;

bool is_image_layout(const std::string& dir) {
  std::error_code ec;
  return fs::is_regular_file(fs::path(dir) / "oci-layout", ec);
}

Result<spin::Manifest> load_layout_spin_app(const std::string& dir) {
  std::string index_path = (fs::path(dir) / "index.json").string();
  std::ifstream in(index_path);
  if (!in) return make_error(ErrorCode::Io, index_path + ": cannot read");
  std::stringstream text;
  text << in.rdbuf();
  auto entries = parse_image_index(text.str(), index_path);
  if (!entries) return entries.error();
  if (entries->empty()) return make_error(ErrorCode::Usage, index_path + ": no manifest");
  // The layout's blobs directory is laid out as the blob cache is; reading
  // through it checks every blob against its digest.
  BlobCache blobs(dir);
  const Descriptor& target = entries->front().descriptor;
  auto manifest_text = blobs.read(target.digest);
  if (!manifest_text)
    return make_error(ErrorCode::Io,
                      fmt::format("{}: manifest {} missing or damaged", dir, target.digest));
  auto manifest = parse_image_manifest(*manifest_text, target.digest);
  if (!manifest) return manifest.error();
  auto layer = locked_app_layer(*manifest, dir);
  if (!layer) return layer.error();
  auto locked = blobs.read(layer->digest);
  if (!locked)
    return make_error(ErrorCode::Io,
                      fmt::format("{}: locked app {} missing or damaged", dir, layer->digest));
  auto app = materialize_spin_app(*locked, blobs, (fs::path(dir) / "app").string());
  if (!app) return make_error(app.error().code, fmt::format("{}: {}", dir, app.error().message()));
  return app;
}

}  // namespace flint::oci
