// Case labels for whole families of opcodes, generated from the opcode table,
// so that a switch over Opcode can name what it leaves to another function
// instead of ending in a silent `default`. Every consumer's dispatch is such a
// switch, compiled with -Werror=switch (CMakeLists.txt): a row added to
// opcodes.def and handled nowhere fails the build with "enumeration value
// 'X' not handled in switch".
//
// A family is chosen by the row's columns, inside a switch:
//
//   switch (op) {
//     case Opcode::Block: ...
//   #define FLINT_OP FLINT_CASE_VECTOR
//   #include "module/opcodes.def"
//   #undef FLINT_OP
//       return emit_simd(in);
//   }
//
// The families:
//   FLINT_CASE_VECTOR        the 0xFD rows (spec 5.4.8)
//   FLINT_CASE_SCALAR        every other row
//   FLINT_CASE_OPERATOR      scalar operators: no immediate and a fixed
//                            signature (numeric, conversion, sign extension)
//   FLINT_CASE_NOT_OPERATOR  every other row
//   FLINT_CASE_MEMORY_ACCESS scalar loads and stores (a memarg immediate)
//   FLINT_CASE_MEMORY_BULK   memory.size/grow/fill/copy/init, data.drop (an
//                            immediate naming a memory or a data segment)
//   FLINT_CASE_TABLE         the table instructions and elem.drop (an
//                            immediate naming a table or an elem segment)
#pragma once

// Whether a column holds one token: FLINT_PROBE_<token> expands to `~, 1`,
// which shifts a 1 into the second argument; any other token leaves the 0.
#define FLINT_PP_CAT(a, b) FLINT_PP_CAT_(a, b)
#define FLINT_PP_CAT_(a, b) a##b
#define FLINT_PP_SECOND(a, b, ...) b
#define FLINT_PP_IS_PROBE(...) FLINT_PP_SECOND(__VA_ARGS__, 0, ~)
#define FLINT_PP_NOT(c) FLINT_PP_CAT(FLINT_PP_NOT_, c)
#define FLINT_PP_NOT_0 1
#define FLINT_PP_NOT_1 0
#define FLINT_PP_AND(a, b) FLINT_PP_CAT(FLINT_PP_AND_, FLINT_PP_CAT(a, b))
#define FLINT_PP_AND_00 0
#define FLINT_PP_AND_01 0
#define FLINT_PP_AND_10 0
#define FLINT_PP_AND_11 1
#define FLINT_PP_IF(c) FLINT_PP_CAT(FLINT_PP_IF_, c)
#define FLINT_PP_IF_0(...)
#define FLINT_PP_IF_1(...) __VA_ARGS__

#define FLINT_PROBE_PREFIX_0xFD ~, 1
#define FLINT_PROBE_NO_IMM_None ~, 1
#define FLINT_PROBE_MEMARG_MemArg ~, 1
#define FLINT_PROBE_SIG_Special ~, 1
#define FLINT_PROBE_MEMORY_BULK_Memory ~, 1
#define FLINT_PROBE_MEMORY_BULK_MemoryInit ~, 1
#define FLINT_PROBE_MEMORY_BULK_MemoryCopy ~, 1
#define FLINT_PROBE_MEMORY_BULK_Data ~, 1
#define FLINT_PROBE_TABLE_Table ~, 1
#define FLINT_PROBE_TABLE_TableInit ~, 1
#define FLINT_PROBE_TABLE_TableCopy ~, 1
#define FLINT_PROBE_TABLE_Elem ~, 1

#define FLINT_OP_IS_VECTOR(prefix) FLINT_PP_IS_PROBE(FLINT_PROBE_PREFIX_##prefix)
#define FLINT_OP_IS_OPERATOR(prefix, imm, sig)                            \
  FLINT_PP_AND(FLINT_PP_AND(FLINT_PP_NOT(FLINT_OP_IS_VECTOR(prefix)),     \
                            FLINT_PP_IS_PROBE(FLINT_PROBE_NO_IMM_##imm)), \
               FLINT_PP_NOT(FLINT_PP_IS_PROBE(FLINT_PROBE_SIG_##sig)))
#define FLINT_OP_IS_MEMORY_ACCESS(prefix, imm)           \
  FLINT_PP_AND(FLINT_PP_NOT(FLINT_OP_IS_VECTOR(prefix)), \
               FLINT_PP_IS_PROBE(FLINT_PROBE_MEMARG_##imm))

#define FLINT_CASE_VECTOR(id, text, prefix, code, imm, sig, align) \
  FLINT_PP_IF(FLINT_OP_IS_VECTOR(prefix))(case Opcode::id:)
#define FLINT_CASE_SCALAR(id, text, prefix, code, imm, sig, align) \
  FLINT_PP_IF(FLINT_PP_NOT(FLINT_OP_IS_VECTOR(prefix)))(case Opcode::id:)
#define FLINT_CASE_OPERATOR(id, text, prefix, code, imm, sig, align) \
  FLINT_PP_IF(FLINT_OP_IS_OPERATOR(prefix, imm, sig))(case Opcode::id:)
#define FLINT_CASE_NOT_OPERATOR(id, text, prefix, code, imm, sig, align) \
  FLINT_PP_IF(FLINT_PP_NOT(FLINT_OP_IS_OPERATOR(prefix, imm, sig)))(case Opcode::id:)
#define FLINT_CASE_MEMORY_ACCESS(id, text, prefix, code, imm, sig, align) \
  FLINT_PP_IF(FLINT_OP_IS_MEMORY_ACCESS(prefix, imm))(case Opcode::id:)
#define FLINT_CASE_MEMORY_BULK(id, text, prefix, code, imm, sig, align) \
  FLINT_PP_IF(FLINT_PP_IS_PROBE(FLINT_PROBE_MEMORY_BULK_##imm))(case Opcode::id:)
#define FLINT_CASE_TABLE(id, text, prefix, code, imm, sig, align) \
  FLINT_PP_IF(FLINT_PP_IS_PROBE(FLINT_PROBE_TABLE_##imm))(case Opcode::id:)
