// HOST:PORT parsing for the serving commands.
#include "serve_cli/listen_address.h"

#include <stdexcept>

namespace flint::serve_cli {

Result<std::pair<std::string, uint16_t>> parse_listen_address(const std::string& addr,
                                                              std::string_view flag) {
  std::string prefix = std::string(flag) + " " + addr;
  size_t colon = addr.rfind(':');
  if (colon == std::string::npos || colon == 0)
    return make_error(ErrorCode::Usage, prefix + ": expected HOST:PORT");
  std::string host = addr.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  unsigned long port = 0;
  try {
    size_t used = 0;
    port = std::stoul(addr.substr(colon + 1), &used);
    if (used != addr.size() - colon - 1 || port > 65535) throw std::out_of_range("port");
  } catch (...) {
    return make_error(ErrorCode::Usage, prefix + ": the port is not a number 0-65535");
  }
  return std::pair{host, uint16_t(port)};
}

}  // namespace flint::serve_cli
