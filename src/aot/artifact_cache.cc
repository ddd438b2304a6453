#include "aot/artifact_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "aot/aot_module.h"
#include "aot/cpu_features.h"
#include "aot/sha256.h"

namespace flint::aot {

namespace {

std::string errno_text() { return std::strerror(errno); }

// mkdir -p, each new level private to the user: the cache holds code this
// user's processes will run.
bool make_directories(const std::string& dir) {
  for (size_t slash = dir.find('/', 1);; slash = dir.find('/', slash + 1)) {
    std::string prefix = dir.substr(0, slash);
    if (!prefix.empty() && mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST) return false;
    if (slash == std::string::npos) break;
  }
  struct stat st;
  return stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool write_all(int fd, std::span<const uint8_t> bytes) {
  while (!bytes.empty()) {
    ssize_t n = write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes = bytes.subspan(size_t(n));
  }
  return true;
}

std::optional<std::vector<uint8_t>> read_all(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::vector<uint8_t> out;
  struct stat st;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) out.resize(size_t(st.st_size));
  size_t used = 0;
  for (;;) {
    if (used == out.size()) out.resize(out.size() + 65536);
    ssize_t n = read(fd, out.data() + used, out.size() - used);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      close(fd);
      if (n < 0) return std::nullopt;
      out.resize(used);
      return out;
    }
    used += size_t(n);
  }
}

std::mutex cache_mutex;
std::shared_ptr<ArtifactCache> installed;

}  // namespace

std::optional<std::string> default_cache_dir() {
  auto set = [](const char* name) -> const char* {
    const char* v = std::getenv(name);
    return v && *v ? v : nullptr;
  };
  if (const char* dir = set("FLINT_CACHE_DIR")) return std::string(dir);
  if (const char* xdg = set("XDG_CACHE_HOME")) return std::string(xdg) + "/flint";
  if (const char* home = set("HOME")) return std::string(home) + "/.cache/flint";
  return std::nullopt;
}

std::string cache_key(std::span<const uint8_t> wasm, const ArtifactOptions& options) {
  std::string features;
  for (const std::string& f : host_cpu_features()) features += f + ",";
  std::string material = "flint artifact cache\n";
  material += "format " + std::to_string(kArtifactVersion) + "\n";
  material += std::string("flint ") + kFlintVersion + "\n";
  material += "triple " + host_triple() + "\n";
  material += "cpu " + host_cpu_baseline() + " " + features + "\n";
  material += std::string("fuel ") + (options.fuel ? "1" : "0") + "\n";
  material += std::string("interruptible ") + (options.interruptible ? "1" : "0") + "\n";
  // The compiler itself: a rebuilt flint-compile (a developer's tree, an
  // upgrade that kept the version string) makes new entries.
  if (has_in_process_compiler()) {
    material += "compiler in-process\n";
  } else {
    std::string path = compiler_path();
    struct stat st;
    if (stat(path.c_str(), &st) == 0)
      material += "compiler " + path + " " + std::to_string(st.st_size) + " " +
                  std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec) +
                  "\n";
  }
  material += "module " + to_hex(sha256(wasm)) + "\n";
  return to_hex(sha256(std::string_view(material)));
}

ArtifactCache::ArtifactCache(std::string dir, Warn warn)
    : dir_(std::move(dir)), warn_(std::move(warn)) {
  while (dir_.size() > 1 && dir_.back() == '/') dir_.pop_back();
}

std::string ArtifactCache::entry_path(const std::string& key) const {
  return dir_ + "/" + key + ".fwasm";
}

void ArtifactCache::warn_once(const std::string& message) {
  if (warn_ && !warned_.exchange(true)) warn_(message);
}

std::optional<std::vector<uint8_t>> ArtifactCache::read_valid_entry(
    const std::string& path, std::span<const uint8_t> wasm, const ArtifactOptions& options) const {
  std::optional<std::vector<uint8_t>> bytes = read_all(path);
  if (!bytes) return std::nullopt;
  // The artifact's own checks (format, versions, CPU, checksum), then that
  // it holds this very module compiled with these options: the key makes a
  // mismatch unlikely, a damaged or planted file makes it possible.
  auto view = decode_artifact_view(*bytes);
  if (!view || view->header.fuel != options.fuel ||
      view->header.interruptible != options.interruptible || !std::ranges::equal(view->wasm, wasm))
    return std::nullopt;
  return bytes;
}

void ArtifactCache::store(const std::string& path, std::span<const uint8_t> artifact) {
  auto fail = [&](const std::string& what) {
    warn_once("cannot write the compilation cache " + dir_ + " (" + what + "); running without it");
  };
  if (!make_directories(dir_)) return fail(errno_text());
  std::string temp = path + ".tmp-XXXXXX";
  int fd = mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0) return fail(errno_text());
  bool ok = write_all(fd, artifact) && fsync(fd) == 0;
  std::string why = ok ? "" : errno_text();
  if (close(fd) != 0 && ok) ok = false, why = errno_text();
  if (ok && rename(temp.c_str(), path.c_str()) != 0) ok = false, why = errno_text();
  if (!ok) {
    unlink(temp.c_str());
    fail(why);
  }
}

Result<std::vector<uint8_t>> ArtifactCache::get_or_compile(std::span<const uint8_t> wasm,
                                                           const ArtifactOptions& options) {
  std::string path = entry_path(cache_key(wasm, options));
  if (std::optional<std::vector<uint8_t>> cached = read_valid_entry(path, wasm, options))
    return std::move(*cached);
  FLINT_ASSIGN(std::vector<uint8_t> artifact, compile_artifact(wasm, options));
  store(path, artifact);
  return artifact;
}

void ArtifactCache::put(std::span<const uint8_t> wasm, const ArtifactOptions& options,
                        std::span<const uint8_t> artifact) {
  store(entry_path(cache_key(wasm, options)), artifact);
}

std::optional<std::vector<uint8_t>> ArtifactCache::find(std::span<const uint8_t> wasm,
                                                        const ArtifactOptions& options) const {
  return read_valid_entry(entry_path(cache_key(wasm, options)), wasm, options);
}

void set_artifact_cache(std::shared_ptr<ArtifactCache> cache) {
  std::lock_guard lock(cache_mutex);
  installed = std::move(cache);
}

namespace {
std::shared_ptr<ArtifactCache> installed_cache() {
  std::lock_guard lock(cache_mutex);
  return installed;
}
}  // namespace

std::optional<std::vector<uint8_t>> find_cached_artifact(std::span<const uint8_t> wasm,
                                                         const ArtifactOptions& options) {
  std::shared_ptr<ArtifactCache> cache = installed_cache();
  return cache ? cache->find(wasm, options) : std::nullopt;
}

void store_cached_artifact(std::span<const uint8_t> wasm, const ArtifactOptions& options,
                           std::span<const uint8_t> artifact) {
  if (std::shared_ptr<ArtifactCache> cache = installed_cache()) cache->put(wasm, options, artifact);
}

Result<std::vector<uint8_t>> obtain_artifact(std::span<const uint8_t> wasm,
                                             const ArtifactOptions& options) {
  std::shared_ptr<ArtifactCache> cache = installed_cache();
  if (cache) return cache->get_or_compile(wasm, options);
  return compile_artifact(wasm, options);
}

}  // namespace flint::aot
