#include "base/whole_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace flint {

namespace {

// One read for a regular file (start-up of `flint run`, issue 4; an
// istreambuf_iterator was 0.4% of a Go test binary's compile): the buffer
// is sized from fstat, one byte over so that the read seeing the end needs
// no second allocation.
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

Result<std::vector<uint8_t>> read_whole_file(const std::string& path) {
  return read_whole<std::vector<uint8_t>>(path);
}

Result<std::string> read_whole_text_file(const std::string& path) {
  return read_whole<std::string>(path);
}

}  // namespace flint
