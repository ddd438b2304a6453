#include "cli/module_file.h"

#include "aot/artifact.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "text/parse.h"

namespace flint::cli {

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorCode::Io, "cannot open " + path + ": " + std::strerror(errno));
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return make_error(ErrorCode::Io, "cannot read " + path);
  return buffer.str();
}

Result<std::vector<uint8_t>> load_module_file(const std::string& path) {
  FLINT_ASSIGN(std::string contents, read_file(path));
  static constexpr char kMagic[] = {'\0', 'a', 's', 'm'};
  if (contents.size() >= 4 && std::memcmp(contents.data(), kMagic, 4) == 0)
    return std::vector<uint8_t>(contents.begin(), contents.end());
  std::span<const uint8_t> raw(reinterpret_cast<const uint8_t*>(contents.data()), contents.size());
  if (aot::is_artifact(raw)) return std::vector<uint8_t>(raw.begin(), raw.end());  // flint compile's output
  return text::parse_wat(contents);
}

}  // namespace flint::cli
