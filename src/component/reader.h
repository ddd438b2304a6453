// The small productions shared by every component section (component-model
// Binary.md): names, flags, optional values, sorts, value types, extern
// names and extern descriptions, read through the core decoder's Reader.
//
// The reader of a component reports a read past the end as "unexpected
// end-of-file", and a byte that selects no alternative as "invalid leading
// byte (0x..) for <production>", the words of the reference scripts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "binary/reader.h"
#include "component/sort.h"
#include "component/types.h"
#include "flint/result.h"

namespace flint::component {

using binary::Reader;

/// "invalid leading byte (0x6) for component external kind", at `at`.
Error leading_byte_error(uint8_t byte, size_t at, const char* production);

/// A name: a u32 length and that many bytes of UTF-8. Unlike Reader::name,
/// a length past the end is "unexpected end-of-file".
Result<std::string> read_string(Reader& r);
/// A one-byte boolean, 0x00 or 0x01 ("invalid boolean value").
Result<bool> read_flag(Reader& r);
/// The presence byte of `<T>?`: false for 0x00, true for 0x01 (then T
/// follows); any other byte is an invalid leading byte for `production`.
Result<bool> read_presence(Reader& r, const char* production);

/// sort: 0x00 and a core:sort, or a component-level sort.
Result<Sort> read_sort(Reader& r);
/// core:sort alone.
Result<CoreSort> read_core_sort(Reader& r);
/// sortidx.
Result<SortIndex> read_sort_index(Reader& r);

/// valtype: a primvaltype byte or a non-negative s33 type index.
Result<ValType> read_val_type(Reader& r);
/// `valtype?`.
Result<std::optional<ValType>> read_optional_val_type(Reader& r);

/// resultlist: 0x00 and one type, or 0x01 0x00 for none (named results are
/// gone); `production` names it in the error of another leading byte.
Result<std::optional<ValType>> read_result_list(Reader& r, const char* production);

/// Whether `byte` is a core:sort.
bool is_core_sort(uint8_t byte);

/// An extern name: 0x00 or 0x01 and a name, or 0x02, a name and attributes.
Result<RawName> read_extern_name(Reader& r);
/// externdesc.
Result<ExternDesc> read_extern_desc(Reader& r);

}  // namespace flint::component
