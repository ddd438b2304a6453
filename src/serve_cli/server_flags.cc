// The server's limits as flags (server_flags.h).
#include "serve_cli/server_flags.h"

#include <chrono>

#include "cli/run_flags.h"

namespace flint::serve_cli {

void add_server_flags(CLI::App* cmd, ServerFlags& f) {
  cmd->add_option("--max-header-size", f.max_header_size,
                  "Largest request line and headers, e.g. 64K (beyond: 431)")
      ->type_name("SIZE");
  cmd->add_option("--max-body-size", f.max_body_size,
                  "Largest request body, e.g. 64M (beyond: 413)")
      ->type_name("SIZE");
  cmd->add_option("--idle-timeout", f.idle_timeout,
                  "Close a keep-alive connection idle this long (default 60s)")
      ->type_name("DURATION");
  cmd->add_option("--read-timeout", f.read_timeout,
                  "Give up on a request not received within this long (default 30s)")
      ->type_name("DURATION");
  cmd->add_option("--write-timeout", f.write_timeout,
                  "Give up on a client that does not take a response write within this long "
                  "(default 30s)")
      ->type_name("DURATION");
}

Status apply_server_flags(const ServerFlags& f, serve::ServerOptions& o) {
  if (!f.max_header_size.empty()) {
    FLINT_ASSIGN(uint64_t bytes, cli::parse_byte_count(f.max_header_size, "--max-header-size"));
    if (bytes < 256 || bytes > (1u << 30))
      return make_error(ErrorCode::Usage, "--max-header-size: expected 256 bytes to 1G");
    o.max_header_bytes = uint32_t(bytes);
  }
  if (!f.max_body_size.empty()) {
    FLINT_ASSIGN(o.max_body_bytes, cli::parse_byte_count(f.max_body_size, "--max-body-size"));
  }
  auto duration = [](const std::string& spec, std::string_view flag,
                     std::chrono::milliseconds& out) -> Status {
    if (spec.empty()) return {};
    FLINT_ASSIGN(auto d, cli::parse_duration(spec, flag));
    out = std::max(std::chrono::milliseconds(1),
                   std::chrono::duration_cast<std::chrono::milliseconds>(d));
    return {};
  };
  FLINT_TRY(duration(f.idle_timeout, "--idle-timeout", o.idle_timeout));
  FLINT_TRY(duration(f.read_timeout, "--read-timeout", o.read_timeout));
  FLINT_TRY(duration(f.write_timeout, "--write-timeout", o.write_timeout));
  return {};
}

}  // namespace flint::serve_cli
