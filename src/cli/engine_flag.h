// `--engine` and `--tier-up-after` of flint run, serve and up: which engine
// runs the guest. Tiered by default where the compiler is installed, so a
// long run or a busy server reaches machine code while a short run never
// waits for (or spawns) a compile.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "flint/runtime.h"

namespace flint::cli {

/// The flags as given.
struct EngineFlags {
  std::string engine;  ///< interp, aot, tiered; empty: the default
  std::optional<uint64_t> tier_up_after;
  bool no_cache = false;
};

/// Adds --engine, --tier-up-after and --no-cache to `cmd`; `note` ends the
/// --engine help.
void add_engine_flags(CLI::App* cmd, EngineFlags& flags, const std::string& note = {});

/// The engine a run without --engine gets: tiered where the compiler
/// (aot::compiler_path) can run, the interpreter elsewhere.
EngineKind default_engine();

/// Sets config.engine and config.tier_up_after from the flags, and installs
/// the compilation cache for the engines that compile (unless --no-cache).
void apply_engine_flags(const EngineFlags& flags, Config& config);

}  // namespace flint::cli
