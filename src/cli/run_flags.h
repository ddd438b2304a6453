// The capability and limit flags of `flint run`, spelled as `wasmtime run`
// users know them, turned into WASI options and engine limits.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "flint/result.h"
#include "wasi/context.h"
#include "wasip2/host.h"

namespace flint::cli {

/// `--dir HOST[::GUEST]`: the host directory and the name the guest sees
/// (the host path itself when no GUEST is given, as in Wasmtime).
wasi::PreopenDir parse_dir_flag(std::string_view spec, bool read_only);

/// `--env NAME=VALUE`, or `--env NAME` to pass the host's value of NAME
/// (nothing when the host has none). Empty or '='-less-but-invalid names
/// are a Usage error.
Result<std::optional<std::pair<std::string, std::string>>> parse_env_flag(std::string_view spec);

/// `--max-memory 64M`: a byte count with an optional K, M or G suffix
/// (powers of 1024), rounded down to whole 64 KiB pages.
Result<uint64_t> parse_memory_pages(std::string_view spec);

/// `--max-body-size 10M`: a byte count with an optional K, M or G suffix
/// (powers of 1024); `flag` names the flag in errors.
Result<uint64_t> parse_byte_count(std::string_view spec, std::string_view flag);

/// `--timeout 1.5s`: a duration in s, ms, us, m or h (seconds when bare);
/// `flag` names the flag in errors.
Result<std::chrono::nanoseconds> parse_duration(std::string_view spec,
                                                std::string_view flag = "--timeout");

/// The WASI options `-S NAME[=y|n]` that Flint implements, with Wasmtime
/// 48's names and defaults.
struct WasiSwitches {
  wasip2::SocketGrants sockets;         ///< inherit-network, allow-ip-name-lookup, tcp, udp
  std::vector<std::string> tcp_listen;  ///< tcplisten=HOST:PORT (preview 1, as --tcplisten)
};

/// Applies one `-S` value ("inherit-network", "tcp=n", "tcplisten=HOST:PORT")
/// to `switches`. A boolean's value may be y, n, yes, no, true or false
/// (absent: yes); any other option is a Usage error naming it.
Status apply_wasi_switch(std::string_view spec, WasiSwitches& switches);

/// argv[0] for the guest: the module's base name, as `wasmtime run` passes
/// it, so the guest does not learn the host's directory layout.
std::string guest_argv0(std::string_view module_path);

}  // namespace flint::cli
