// The HOST:PORT address `flint serve --addr` and `flint up --listen` take.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "flint/result.h"

namespace flint::serve_cli {

/// `HOST:PORT` or `[V6]:PORT` into (host, port); `flag` names the flag in
/// errors.
Result<std::pair<std::string, uint16_t>> parse_listen_address(const std::string& addr,
                                                              std::string_view flag);

}  // namespace flint::serve_cli
