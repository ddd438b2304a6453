// `--no-cache` and the compilation cache of `flint run --engine aot` and
// `flint wast --engine aot` (src/aot/artifact_cache.h).
#pragma once

namespace flint::cli {

/// The help text of --no-cache, naming where the cache lives.
inline constexpr const char* kNoCacheHelp =
    "With --engine aot or tiered, compile without the compilation cache (neither read nor "
    "written). The cache "
    "is $FLINT_CACHE_DIR, else $XDG_CACHE_HOME/flint, else ~/.cache/flint";

/// Installs the on-disk cache for compile() unless `no_cache`; problems
/// writing it are printed once as warnings on stderr.
void use_artifact_cache(bool no_cache);

}  // namespace flint::cli
