#include "cli/artifact_cache_flag.h"

#include <fmt/format.h>

#include <cstdio>
#include <memory>

#include "aot/artifact_cache.h"

namespace flint::cli {

void use_artifact_cache(bool no_cache) {
  if (no_cache) {
    aot::set_artifact_cache(nullptr);
    return;
  }
  std::optional<std::string> dir = aot::default_cache_dir();
  if (!dir) return;  // no HOME or cache variable: nowhere to keep it
  aot::set_artifact_cache(std::make_shared<aot::ArtifactCache>(
      *dir, [](const std::string& message) { fmt::print(stderr, "flint: warning: {}\n", message); }));
}

}  // namespace flint::cli
