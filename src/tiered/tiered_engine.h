// The tiered engine (issue 16): a module starts at once in the interpreter;
// once it is hot (Config::tier_up_after calls and loop iterations) the
// compiler works on it on a background thread; once the compiled code is
// ready, each instance switches to it at its next function call
// (runtime/tier_up.h), and instances made later start compiled. A module
// the artifact cache already holds starts compiled from its first
// instruction, and a compile that ends goes to the cache, so the next
// start does.
#pragma once

#include "runtime/engine.h"

namespace flint::tiered {

/// The tiered engine (engine.h). compile() returns at interpreter speed;
/// the compile it starts is abandoned, never waited for, if the process
/// ends first. Without a compiler (none installed, or it fails on the
/// module) the module stays interpreted.
const Engine& engine();

/// Whether `module` runs machine code: for a module this engine compiled,
/// once its compile is done (tests and diagnostics wait on this).
bool machine_code_ready(const CompiledModule& module);

/// Whether `module`'s background compile has started: the module was found
/// hot (or Config::tier_up_after is 0). False for any other module.
bool compile_started(const CompiledModule& module);

/// Whether `module`'s background compile has ended, with machine code or
/// without (no compiler, or it failed); true for any other module.
bool compile_finished(const CompiledModule& module);

/// How many calls of `module`'s functions moved from the interpreter to
/// compiled code inside a loop they were running (on-stack replacement);
/// 0 for any other module. For tests and diagnostics.
uint64_t loops_entered(const CompiledModule& module);

}  // namespace flint::tiered
