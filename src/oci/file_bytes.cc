// std::ifstream/std::ofstream, with errors that name the file.
#include "oci/file_bytes.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace flint::oci {

Result<std::string> read_file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorCode::Io, path + ": cannot read");
  std::stringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) return make_error(ErrorCode::Io, path + ": cannot read");
  return bytes.str();
}

Status write_file_bytes(const std::string& path, std::string_view bytes) {
  std::filesystem::path p(path);
  std::error_code ec;
  if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path(), ec);
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), std::streamsize(bytes.size()));
  if (!out) return make_error(ErrorCode::Io, path + ": cannot write");
  return {};
}

}  // namespace flint::oci
