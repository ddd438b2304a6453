// Keeping LLVM from folding away the NaN quieting wasm requires.
//
// Spec 4.3.3: an arithmetic instruction given a NaN returns an arithmetic
// (quiet) NaN, so `x - 0.0`, `x * 1.0`, `x / 1.0`, `x * -1.0`, `-0.0 - x` and
// `demote(promote x)` must quiet a signalling NaN x. LLVM's default
// floating-point model ignores signalling NaNs and folds these to `x`,
// `fneg x` or `x`, which return the signalling NaN unchanged (the spec's
// float_exprs.wast checks each). The hardware instructions quiet it, so it
// is enough that the fold does not happen:
//   - the constants that enable these folds (+-0.0, +-1.0) are passed
//     through llvm.arithmetic.fence, which LLVM does not look through and
//     which emits no instruction, so the operation stays an operation;
//   - the result of a promotion is fenced, so a demotion does not cancel it;
//   - a float that LLVM may learn is such a constant only after optimising
//     is fenced where it is made: the zero of a float local never set, the
//     result of a conversion or reinterpretation from integers (of an
//     integer constant, perhaps through locals), a float lane extracted
//     from a vector; and every operand of a vector float operation, since
//     any integer vector arithmetic can make a constant vector.
// All other values and operations are untouched, so code keeps its speed:
// a fence emits no instruction, and a fenced constant is materialised in a
// register rather than folded.
//
// What stays exact without help: fneg, fabs and copysign are LLVM's bitwise
// operations (payload kept, as the spec wants); min/max quiet through fadd
// (numeric_codegen.cc); nearest/ceil/floor/trunc/sqrt and conversions are
// instructions that quiet. tests/aot/float_semantics_test.cc pins these.
#pragma once

#include <llvm/IR/IRBuilder.h>

namespace flint::aot {

/// `c`, or a fenced copy when it is a value LLVM would fold an operation on
/// a NaN away with (+-0.0, +-1.0; for a vector of floats, any such lane).
llvm::Value* nan_preserving_constant(llvm::IRBuilder<>& b, llvm::Constant* c);
/// f64.promote_f32 whose result no later demotion folds away.
llvm::Value* nan_preserving_promote(llvm::IRBuilder<>& b, llvm::Value* x);
/// A float value (scalar or vector) LLVM cannot see through, whatever it
/// later learns about `x`.
llvm::Value* nan_opaque(llvm::IRBuilder<>& b, llvm::Value* x);

}  // namespace flint::aot
