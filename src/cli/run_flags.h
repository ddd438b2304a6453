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

/// `--timeout 1.5s`: a duration in s, ms, us, m or h (seconds when bare).
Result<std::chrono::nanoseconds> parse_duration(std::string_view spec);

/// argv[0] for the guest: the module's base name, as `wasmtime run` passes
/// it, so the guest does not learn the host's directory layout.
std::string guest_argv0(std::string_view module_path);

}  // namespace flint::cli
