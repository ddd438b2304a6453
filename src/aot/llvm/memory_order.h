// Out-of-bounds accesses trap where the wasm program has them (spec 4.4.7:
// a load or store whose effective address is out of bounds traps, and
// nothing after it happens), although compiled code has no bounds checks
// and relies on the fault (src/aot/README.md, "Trap ordering").
//
// LLVM treats a load as free of side effects and a store as removable: it
// deletes a load whose value does not matter (unused, multiplied by zero,
// selected away, compared where the range decides), reduces a loop of loads
// to its last one, sinks a load into the branch that uses it, and deletes a
// store that a later store overwrites -- each of which loses or moves an
// out-of-bounds fault, or the memory effects that must precede it. Every
// linear-memory access of compiled code is therefore volatile: LLVM keeps
// each one, in program order relative to the others, and moves no other side
// effect across it. What this costs: no load/store elimination, hoisting or
// vectorisation of wasm memory accesses by LLVM. A producer that optimises
// has done the first two at the wasm level, and with -msimd128 clang
// vectorises too: those kernels of bench/ measured within noise of the
// non-volatile code. A loop the producer left scalar stays scalar (matmul
// built without -msimd128: 1.7x native before, lanes gathered one by one
// behind overlap checks; 2.9x now, where wasmtime is 3.2x;
// docs/runtime-comparison.md). Correct traps come first.
#pragma once
