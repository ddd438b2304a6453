// The tiered engine (issue 16): a module starts at once in the interpreter;
// once it is hot (Config::tier_up_after calls and loop iterations, by
// default after an amount that grows with the module's size) the
// compiler works on it on a background thread; once the compiled code is
// ready, each instance switches to it at its next function call
// (runtime/tier_up.h), and instances made later start compiled. A module
// the artifact cache already holds starts compiled from its first
// instruction, and a compile that ends goes to the cache, so the next
// start does.
#pragma once

#include <vector>

#include "aot/artifact.h"
#include "module/module.h"
#include "runtime/engine.h"

namespace flint::tiered {

/// The tiered engine (engine.h). compile() returns at interpreter speed;
/// the compile it starts is abandoned, never waited for, if the process
/// ends first. Without a compiler (none installed, or it fails on the
/// module) the module stays interpreted.
const Engine& engine();

/// The hotness after which a module's compile starts when
/// Config::tier_up_after is unset: 10 units per instruction of its code,
/// at least 10,000 and at most 500,000. What a compile costs grows with
/// the code; what waiting costs does not: every unit interpreted before
/// the compile starts is one the compiled code would have run 6-17 times
/// faster. So a small module (the kernels: 300-2,600 instructions,
/// compiled in 30-70 ms) starts its compile after a fraction of a
/// millisecond, which still spares a command that ends at once, and a
/// module of 50,000 instructions or more (a Go binary, a Python
/// component: a compile of seconds and hundreds of megabytes) waits for
/// about 4-40 ms of interpreted work.
uint64_t default_hot_after(const Module& module);

/// Whether `module` runs machine code: for a module this engine compiled,
/// once its compile is done (tests and diagnostics wait on this).
bool machine_code_ready(const CompiledModule& module);

/// Whether `module`'s background compile has started: the module was found
/// hot (or its hotness threshold is 0). False for any other module.
bool compile_started(const CompiledModule& module);

/// Whether `module`'s background compile has ended, with machine code or
/// without (no compiler, or it failed); true for any other module.
bool compile_finished(const CompiledModule& module);

/// How many calls of `module`'s functions moved from the interpreter to
/// compiled code inside a loop they were running (on-stack replacement);
/// 0 for any other module. For tests and diagnostics.
uint64_t loops_entered(const CompiledModule& module);

/// The loop entries `module`'s first compile was given, per defined
/// function (src/tiered/README.md: planned from the frames that had run
/// long when the module became hot), once machine_code_ready(module); empty
/// before, and for any other module. For tests and diagnostics.
std::vector<aot::LoopEntry> first_loop_entries(const CompiledModule& module);

}  // namespace flint::tiered
