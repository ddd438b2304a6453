// How compiled wasm functions call one another (never the host: the host
// enters through the C-convention entry wrappers, and compiled code calls
// the runtime's helpers with the C convention).
//
// Every wasm function takes its instance's VmCtx as the first argument and
// needs it after each call it makes (memory base, globals, stack limit).
// With the C convention the context arrives in a caller-saved register, so
// a function that calls anything first copies it to a callee-saved one and
// saves and restores that register around its body. Swift's convention
// passes a `swiftself` argument in a callee-saved register (r13 on x86-64,
// x20 on aarch64): a callee that leaves the context where it arrived keeps
// it there across its own calls at no cost, which removes a copy, a push
// and a pop from every call of recursive code such as fib. Targets without
// swiftcc in LLVM (riscv64, ...) keep the C convention.
#pragma once

#include <llvm/IR/CallingConv.h>
#include <llvm/IR/Function.h>
#include <llvm/IR/Instructions.h>
#include <llvm/TargetParser/Triple.h>

namespace flint::aot {

/// The convention of wasm-to-wasm calls on this target.
llvm::CallingConv::ID wasm_calling_convention(const llvm::Triple& target);

/// Gives a wasm function, or a call to one, the convention `cc`: for
/// swiftcc the context (argument 0) becomes `swiftself`. A call and its
/// callee must agree, or the call is undefined behaviour.
void use_wasm_calling_convention(llvm::Function& function, llvm::CallingConv::ID cc);
void use_wasm_calling_convention(llvm::CallInst& call, llvm::CallingConv::ID cc);

}  // namespace flint::aot
