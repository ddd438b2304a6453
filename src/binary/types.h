// Decoding types (spec 5.3 "Types"): value, reference, function, table,
// memory and global types, and limits.
#pragma once

#include "binary/reader.h"
#include "flint/result.h"
#include "flint/types.h"

namespace flint::binary {

/// valtype (5.3.4): a number, vector or reference type byte ("malformed value type").
Result<ValType> read_value_type(Reader& r);
/// reftype (5.3.3): 0x70 funcref or 0x6F externref ("malformed reference type").
Result<ValType> read_reference_type(Reader& r);
/// functype (5.3.6): 0x60 followed by the parameter and result vectors.
Result<FuncType> read_function_type(Reader& r);
/// limits (5.3.7): a flag (a 1-bit LEB128, as the reference decodes it),
/// the minimum and, when the flag is 1, the maximum.
Result<Limits> read_limits(Reader& r);
Result<TableType> read_table_type(Reader& r);
/// memtype (5.3.8): limits; with Features::shared_memory, a flag byte whose
/// bit 1 marks a shared memory ("malformed limits flags" above 0x03).
Result<MemoryType> read_memory_type(Reader& r);
/// globaltype (5.3.10): a value type and a mutability byte, 0x00 or 0x01.
Result<GlobalType> read_global_type(Reader& r);
/// tagtype (exception handling): the attribute byte 0 and a type index.
Result<uint32_t> read_tag_type(Reader& r);

}  // namespace flint::binary
