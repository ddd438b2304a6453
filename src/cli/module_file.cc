#include "cli/module_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "aot/artifact.h"
#include "base/whole_file.h"
#include "text/parse.h"

namespace flint::cli {

ModuleBytes& ModuleBytes::operator=(ModuleBytes&& other) noexcept {
  if (this != &other) {
    if (map_) munmap(const_cast<uint8_t*>(map_), map_size_);
    owned_ = std::move(other.owned_);
    map_ = std::exchange(other.map_, nullptr);
    map_size_ = std::exchange(other.map_size_, 0);
  }
  return *this;
}

ModuleBytes::~ModuleBytes() {
  if (map_) munmap(const_cast<uint8_t*>(map_), map_size_);
}

namespace {
bool is_binary(std::span<const uint8_t> bytes) {
  static constexpr uint8_t kMagic[] = {'\0', 'a', 's', 'm'};
  return (bytes.size() >= 4 && std::memcmp(bytes.data(), kMagic, 4) == 0) ||
         is_precompiled(bytes);  // flint compile's output
}
}  // namespace

Result<ModuleBytes> load_module_file(const std::string& path) {
  // A regular file is mapped; the mapping stays valid if the file is
  // replaced by rename (the cache's way), though not if it is truncated.
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return make_error(ErrorCode::Io, "cannot open " + path + ": " + std::strerror(errno));
  struct stat st;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    void* p = mmap(nullptr, size_t(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (p != MAP_FAILED) {
      ModuleBytes mapped;
      mapped.map_ = static_cast<const uint8_t*>(p);
      mapped.map_size_ = size_t(st.st_size);
      if (is_binary(mapped.span())) return mapped;
    }
  } else {
    close(fd);
  }
  FLINT_ASSIGN(std::vector<uint8_t> bytes, read_whole_file(path));
  if (is_binary(bytes)) return ModuleBytes(std::move(bytes));
  FLINT_ASSIGN(
      std::vector<uint8_t> binary,
      text::parse_wat(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size())));
  return ModuleBytes(std::move(binary));
}

bool names_precompiled(std::string_view path) { return path.ends_with(".fwasm"); }

Result<std::shared_ptr<const CompiledModule>> compile_module_file(const std::string& path,
                                                                  std::span<const uint8_t> bytes,
                                                                  const Config& config,
                                                                  bool allow_precompiled) {
  if (!is_precompiled(bytes)) return compile(bytes, config);
  if (!allow_precompiled && !names_precompiled(path))
    return make_error(
        ErrorCode::BadArtifact,
        fmt::format("{} is a precompiled artifact (native code), not WebAssembly: name it "
                    ".fwasm or pass --allow-precompiled to run it",
                    path));
  Config loaded = config;
  // `flint run --timeout` on code compiled without interruption checks:
  // the process-wide watchdog still ends it (run_command.cc).
  if (loaded.interruptible) {
    auto view = aot::decode_artifact_view(bytes);
    if (view && !view->header.interruptible) loaded.interruptible = false;
  }
  return load_precompiled(bytes, loaded);
}

}  // namespace flint::cli
