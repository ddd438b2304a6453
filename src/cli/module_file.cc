#include "cli/module_file.h"

#include "aot/artifact.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "text/parse.h"

namespace flint::cli {

namespace {

// The whole file in one buffer, read with as few system calls as its size
// allows (start-up of `flint run`, issue 4). Pipes and /proc files report
// no size and are read until their end.
template <typename Bytes>
Result<Bytes> read_whole(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return make_error(ErrorCode::Io, "cannot open " + path + ": " + std::strerror(errno));
  struct stat st;
  Bytes out;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) out.reserve(size_t(st.st_size) + 1);
  size_t used = 0;
  for (;;) {
    if (out.size() - used < 4096) out.resize(std::max<size_t>(out.capacity(), used + 65536));
    ssize_t n = read(fd, out.data() + used, out.size() - used);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      close(fd);
      return make_error(ErrorCode::Io, "cannot read " + path + ": " + std::strerror(err));
    }
    if (n == 0) break;
    used += size_t(n);
  }
  close(fd);
  out.resize(used);
  return out;
}

}  // namespace

Result<std::string> read_file(const std::string& path) { return read_whole<std::string>(path); }

Result<std::vector<uint8_t>> load_module_file(const std::string& path) {
  FLINT_ASSIGN(std::vector<uint8_t> bytes, read_whole<std::vector<uint8_t>>(path));
  static constexpr uint8_t kMagic[] = {'\0', 'a', 's', 'm'};
  if (bytes.size() >= 4 && std::memcmp(bytes.data(), kMagic, 4) == 0) return bytes;
  if (aot::is_artifact(bytes)) return bytes;  // flint compile's output
  return text::parse_wat(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

}  // namespace flint::cli
