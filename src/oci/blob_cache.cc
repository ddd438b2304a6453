// Blobs by digest, written atomically.
#include "oci/blob_cache.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "oci/digest.h"

namespace flint::oci {

namespace fs = std::filesystem;

std::string default_cache_dir() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
    return (fs::path(xdg) / "flint" / "oci").string();
  const char* home = std::getenv("HOME");
  return (fs::path(home && *home ? home : "/tmp") / ".cache" / "flint" / "oci").string();
}

std::string BlobCache::path_of(const std::string& digest) const {
  return (fs::path(dir_) / "blobs" / "sha256" / digest.substr(digest.find(':') + 1)).string();
}

std::optional<std::string> BlobCache::read(const std::string& digest) const {
  std::ifstream in(path_of(digest), std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream bytes;
  bytes << in.rdbuf();
  std::string out = bytes.str();
  if (sha256_digest(out) != digest) return std::nullopt;  // damaged: fetched again
  return out;
}

Status BlobCache::write(const std::string& digest, std::string_view bytes) const {
  fs::path path = path_of(digest);
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) return make_error(ErrorCode::Io, path.parent_path().string() + ": " + ec.message());
  std::string tmp = path.string() + ".tmp" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), std::streamsize(bytes.size()));
    if (!out) return make_error(ErrorCode::Io, tmp + ": cannot write");
  }
  fs::rename(tmp, path, ec);
  if (ec) return make_error(ErrorCode::Io, path.string() + ": " + ec.message());
  return {};
}

}  // namespace flint::oci
