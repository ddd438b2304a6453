#include "cli/engine_flag.h"

#include "aot/aot_module.h"
#include "cli/artifact_cache_flag.h"

namespace flint::cli {

void add_engine_flags(CLI::App* cmd, EngineFlags& flags, const std::string& note) {
  cmd->add_option("--engine", flags.engine,
                  "interp: the interpreter; aot: compile to machine code first; tiered: "
                  "interpreted at once, compiled in the background once hot, each function "
                  "switching to machine code at its next call. Default: tiered where "
                  "flint-compile is installed, else interp" +
                      note)
      ->check(CLI::IsMember({"interp", "aot", "tiered"}));
  cmd->add_option("--tier-up-after", flags.tier_up_after,
                  "With the tiered engine, the calls and loop iterations interpreted on a "
                  "thread before the module then running is compiled (default: 10 per "
                  "instruction of the module, from 10,000 to 500,000, under a millisecond "
                  "to a few; 0: compile at once)")
      ->type_name("COUNT");
  cmd->add_flag("--no-cache", flags.no_cache, kNoCacheHelp);
}

EngineKind default_engine() {
  return aot::compiler_available() ? EngineKind::Tiered : EngineKind::Interpreter;
}

void apply_engine_flags(const EngineFlags& flags, Config& config) {
  if (flags.engine == "interp")
    config.engine = EngineKind::Interpreter;
  else if (flags.engine == "aot")
    config.engine = EngineKind::Aot;
  else if (flags.engine == "tiered")
    config.engine = EngineKind::Tiered;
  else
    config.engine = default_engine();
  if (flags.tier_up_after) config.tier_up_after = flags.tier_up_after;
  if (config.engine != EngineKind::Interpreter) use_artifact_cache(flags.no_cache);
}

}  // namespace flint::cli
