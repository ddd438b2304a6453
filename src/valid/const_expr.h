// Constant expressions (spec 3.3.10): global initialisers, segment offsets
// and element items.
#pragma once

#include "flint/result.h"
#include "module/module.h"
#include "valid/module_context.h"

namespace flint::valid {

/// Checks that `expr` is constant and produces exactly one `expected` value.
/// In WebAssembly 2.0 a constant `global.get` may read only an immutable
/// imported global (spec 3.4.10: globals are validated in a context holding
/// just the imported ones). A trailing `end` is optional.
Status validate_const_expr(const ModuleContext& context, const ConstExpr& expr, ValType expected);

}  // namespace flint::valid
