// ustar headers: name[100] mode[8] uid[8] gid[8] size[12] mtime[12]
// chksum[8] typeflag linkname[100] magic "ustar\0" version "00" uname[32]
// gname[32] devmajor[8] devminor[8] prefix[155], padded to 512.
#include "oci/tar_writer.h"

#include <fmt/format.h>

#include <cstring>

namespace flint::oci {

namespace {
void octal(char* field, size_t width, uint64_t value) {
  std::string text = fmt::format("{:0{}o}", value, width - 1);
  std::memcpy(field, text.data(), width - 1);
  field[width - 1] = '\0';
}
}  // namespace

Status TarWriter::header(const std::string& path, char type, uint64_t size, unsigned mode) {
  char block[512] = {};
  std::string name = path, prefix;
  if (name.size() > 100) {
    size_t split = name.rfind('/', 155);
    if (split == std::string::npos || name.size() - split - 1 > 100)
      return make_error(ErrorCode::Usage,
                        fmt::format("`{}`: too long a path for a tar layer", path));
    prefix = name.substr(0, split);
    name = name.substr(split + 1);
  }
  std::memcpy(block, name.data(), name.size());
  octal(block + 100, 8, mode);
  octal(block + 108, 8, 0);
  octal(block + 116, 8, 0);
  octal(block + 124, 12, size);
  octal(block + 136, 12, 0);
  std::memset(block + 148, ' ', 8);
  block[156] = type;
  std::memcpy(block + 257, "ustar", 6);
  std::memcpy(block + 263, "00", 2);
  std::memcpy(block + 345, prefix.data(), prefix.size());
  unsigned sum = 0;
  for (unsigned char c : block) sum += c;
  std::string check = fmt::format("{:06o}", sum);
  std::memcpy(block + 148, check.data(), 6);
  block[154] = '\0';
  block[155] = ' ';
  out_.append(block, 512);
  return {};
}

Status TarWriter::add_file(const std::string& path, std::string_view bytes) {
  if (path.empty() || path.front() == '/' || path.find("..") != std::string::npos)
    return make_error(ErrorCode::Usage,
                      fmt::format("`{}`: not a relative path for a tar layer", path));
  for (size_t slash = path.find('/'); slash != std::string::npos;
       slash = path.find('/', slash + 1)) {
    std::string dir = path.substr(0, slash + 1);
    if (dirs_.insert(dir).second) FLINT_TRY(header(dir, '5', 0, 0755));
  }
  FLINT_TRY(header(path, '0', bytes.size(), 0644));
  out_.append(bytes);
  out_.append((512 - bytes.size() % 512) % 512, '\0');
  return {};
}

std::string TarWriter::finish() {
  out_.append(1024, '\0');
  return std::move(out_);
}

}  // namespace flint::oci
