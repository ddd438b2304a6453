// image-spec config.md and layer.md: config with rootfs.diff_ids = the
// digest of the (uncompressed) tar layer.
#include "oci/image_layout.h"

#include <fmt/format.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "oci/file_bytes.h"
#include "oci/tar_writer.h"
#include "oci/wasm_artifact.h"
#include "spin/component_files.h"

namespace flint::oci {

namespace {

namespace fs = std::filesystem;

/// `path` relative to `dir`, or an error when it is outside.
Result<std::string> inside(const fs::path& path, const fs::path& dir, std::string_view what) {
  std::string rel = fs::path(path).lexically_normal().lexically_relative(dir).generic_string();
  if (rel.empty() || rel == "." || rel.starts_with(".."))
    return make_error(ErrorCode::Usage,
                      fmt::format("{} `{}` is outside the app's directory {}: an image layer "
                                  "holds the directory only",
                                  what, path.string(), dir.string()));
  return rel;
}

Artifact image(std::string tar, const std::string& entrypoint) {
  Artifact a;
  const Descriptor& layer = a.add_layer(media::kImageLayerTar, std::move(tar));
  nlohmann::json config = {{"created", created_now()},
                           {"architecture", "amd64"},
                           {"os", "linux"},
                           {"config", {{"Entrypoint", {entrypoint}}}},
                           {"rootfs", {{"type", "layers"}, {"diff_ids", {layer.digest}}}}};
  std::string text = config.dump();
  a.config = Blob{describe(media::kImageConfig, text), text};
  return a;
}

}  // namespace

Result<Artifact> make_wasm_image(const std::string& name, std::string_view wasm) {
  TarWriter tar;
  FLINT_TRY(tar.add_file(name, wasm));
  return image(tar.finish(), "/" + name);
}

Result<Artifact> make_spin_image(const spin::Manifest& m, const std::string& staging_dir) {
  fs::path dir = fs::path(m.directory).lexically_normal();
  std::map<std::string, fs::path> entries;  // archive path -> host file
  entries["spin.toml"] = m.path;            // always /spin.toml, where shims look
  for (const spin::Component& c : m.components) {
    FLINT_ASSIGN(std::string source,
                 inside(c.source, dir, fmt::format("component `{}`'s source", c.id)));
    entries[source] = c.source;
    for (const spin::FileMount& mount : c.files) {
      if (!mount.pattern.empty()) continue;
      FLINT_TRY(inside(mount.source, dir, fmt::format("component `{}`'s files", c.id)));
    }
    // The files a component sees: staged as `flint up` stages them, then
    // mapped back to their places in the app's directory.
    fs::path root = fs::path(staging_dir) / c.id;
    FLINT_TRY(spin::stage_component_files(c, m.directory, root.string()));
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(root, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (!it->is_regular_file()) continue;
      std::string rel = fs::relative(it->path(), root).generic_string();
      // A glob's file keeps its path in the app's directory; a mount's
      // files are taken from its source below, where the manifest finds them.
      if (fs::exists(dir / rel)) entries[rel] = dir / rel;
    }
    for (const spin::FileMount& mount : c.files) {
      if (mount.pattern.empty()) {
        fs::path src = mount.source;
        if (fs::is_directory(src)) {
          for (auto it = fs::recursive_directory_iterator(src, ec);
               !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
            if (it->is_regular_file())
              entries[it->path().lexically_normal().lexically_relative(dir).generic_string()] =
                  it->path();
        } else {
          entries[src.lexically_normal().lexically_relative(dir).generic_string()] = src;
        }
      }
    }
    if (ec) return make_error(ErrorCode::Io, root.string() + ": " + ec.message());
  }
  TarWriter tar;
  for (const auto& [path, host] : entries) {
    auto bytes = read_file_bytes(host.string());
    if (!bytes) return bytes.error();
    FLINT_TRY(tar.add_file(path, *bytes));
  }
  return image(tar.finish(), "/spin.toml");
}

}  // namespace flint::oci
