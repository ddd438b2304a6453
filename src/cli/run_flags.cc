#include "cli/run_flags.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <string>

#include "flint/types.h"

namespace flint::cli {

wasi::PreopenDir parse_dir_flag(std::string_view spec, bool read_only) {
  size_t sep = spec.find("::");
  wasi::PreopenDir dir;
  dir.host_path = std::string(spec.substr(0, sep));
  dir.guest_path =
      sep == std::string_view::npos ? dir.host_path : std::string(spec.substr(sep + 2));
  dir.read_only = read_only;
  return dir;
}

Result<std::optional<std::pair<std::string, std::string>>> parse_env_flag(std::string_view spec) {
  size_t eq = spec.find('=');
  std::string name(spec.substr(0, eq));
  if (name.empty())
    return make_error(ErrorCode::Usage, fmt::format("--env {}: the variable needs a name", spec));
  if (eq != std::string_view::npos)
    return std::optional(std::pair(name, std::string(spec.substr(eq + 1))));
  if (const char* value = std::getenv(name.c_str()))
    return std::optional(std::pair(name, std::string(value)));
  return std::optional<std::pair<std::string, std::string>>();
}

namespace {

// A non-negative decimal number followed by a unit; the unit's factor.
Result<std::pair<double, std::string>> number_and_unit(std::string_view spec,
                                                       std::string_view flag) {
  std::string text(spec);
  char* end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || !std::isfinite(value) || value < 0)
    return make_error(ErrorCode::Usage,
                      fmt::format("{} {}: expected a number and a unit", flag, spec));
  return std::pair(value, std::string(end));
}

}  // namespace

Result<uint64_t> parse_memory_pages(std::string_view spec) {
  FLINT_ASSIGN(uint64_t bytes, parse_byte_count(spec, "--max-memory"));
  return std::min(bytes / kPageSize, uint64_t(kMaxPages32));
}

Result<uint64_t> parse_byte_count(std::string_view spec, std::string_view flag) {
  FLINT_ASSIGN(auto parsed, number_and_unit(spec, flag));
  auto [value, unit] = parsed;
  double factor;
  if (unit.empty() || unit == "B")
    factor = 1;
  else if (unit == "K" || unit == "KiB")
    factor = 1024.0;
  else if (unit == "M" || unit == "MiB")
    factor = 1024.0 * 1024;
  else if (unit == "G" || unit == "GiB")
    factor = 1024.0 * 1024 * 1024;
  else
    return make_error(ErrorCode::Usage,
                      fmt::format("{} {}: unknown unit '{}' (use K, M or G)", flag, spec, unit));
  // value >= 0 and finite (number_and_unit), so the conversion rounds down.
  return uint64_t(std::min(value * factor, 1e18));
}

Result<std::chrono::nanoseconds> parse_duration(std::string_view spec, std::string_view flag) {
  FLINT_ASSIGN(auto parsed, number_and_unit(spec, flag));
  auto [value, unit] = parsed;
  double seconds;
  if (unit.empty() || unit == "s")
    seconds = value;
  else if (unit == "ms")
    seconds = value / 1e3;
  else if (unit == "us")
    seconds = value / 1e6;
  else if (unit == "m")
    seconds = value * 60;
  else if (unit == "h")
    seconds = value * 3600;
  else
    return make_error(ErrorCode::Usage, fmt::format("{} {}: unknown unit '{}' (use ms, s, m or h)",
                                                    flag, spec, unit));
  if (seconds > 1e9) seconds = 1e9;  // ~31 years: effectively no limit, and no overflow
  return std::chrono::nanoseconds(int64_t(seconds * 1e9));
}

std::string guest_argv0(std::string_view module_path) {
  size_t end = module_path.find_last_not_of('/');
  if (end == std::string_view::npos) return std::string(module_path);
  std::string_view trimmed = module_path.substr(0, end + 1);
  size_t slash = trimmed.rfind('/');
  return std::string(slash == std::string_view::npos ? trimmed : trimmed.substr(slash + 1));
}

}  // namespace flint::cli

namespace flint::cli {

Status apply_wasi_switch(std::string_view spec, WasiSwitches& switches) {
  size_t eq = spec.find('=');
  std::string_view name = spec.substr(0, eq);
  std::optional<std::string_view> value;
  if (eq != std::string_view::npos) value = spec.substr(eq + 1);
  if (name == "tcplisten") {
    if (!value || value->empty())
      return make_error(ErrorCode::Usage, "-S tcplisten needs a value: tcplisten=HOST:PORT");
    switches.tcp_listen.emplace_back(*value);
    return {};
  }
  bool* target = name == "inherit-network"        ? &switches.sockets.inherit_network
                 : name == "allow-ip-name-lookup" ? &switches.sockets.allow_ip_name_lookup
                 : name == "tcp"                  ? &switches.sockets.tcp
                 : name == "udp"                  ? &switches.sockets.udp
                                                  : nullptr;
  if (!target)
    return make_error(ErrorCode::Usage,
                      fmt::format("-S {}: unknown WASI option (Flint implements inherit-network, "
                                  "allow-ip-name-lookup, tcp, udp and tcplisten)",
                                  spec));
  if (!value || *value == "y" || *value == "yes" || *value == "true") {
    *target = true;
  } else if (*value == "n" || *value == "no" || *value == "false") {
    *target = false;
  } else {
    return make_error(ErrorCode::Usage,
                      fmt::format("-S {}: expected y, n, yes, no, true or false", spec));
  }
  return {};
}

}  // namespace flint::cli
