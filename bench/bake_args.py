"""Bake call arguments into a copy of a wasm module.

Some runtimes can only call exports that take no parameters; wabt 1.0.32's
`wasm-interp --run-all-exports`, for one, calls every exported function with
no way to pass N. For those, run.py makes a copy of the kernel module in which
the export (say `run`) names a new function with no parameters that pushes
the baked constants and calls the original: `run()` = `run(35)`. The extra
call frame is the only difference, one call per process.

The rewrite touches the type, function, export and code sections only
(binary format, spec section 5.5); every other section, custom sections
included, is copied byte for byte. Only i32 and i64 parameters can be baked,
which is all the kernels use.
"""

from __future__ import annotations

from dataclasses import dataclass

WASM_HEADER = b"\0asm\x01\0\0\0"

# Section ids (spec 5.5.2).
SECTION_TYPE, SECTION_IMPORT, SECTION_FUNCTION = 1, 2, 3
SECTION_EXPORT, SECTION_CODE = 7, 10

EXTERN_FUNC, EXTERN_TABLE, EXTERN_MEMORY, EXTERN_GLOBAL = 0, 1, 2, 3
FUNC_TYPE_TAG = 0x60
I32, I64 = 0x7F, 0x7E
OP_I32_CONST, OP_I64_CONST, OP_CALL, OP_END = 0x41, 0x42, 0x10, 0x0B


class BakeError(ValueError):
    """The module cannot be rewritten (malformed, or an unsupported shape)."""


@dataclass(frozen=True)
class FuncType:
    params: bytes  # one byte per value type
    results: bytes

    def encode(self) -> bytes:
        return (bytes([FUNC_TYPE_TAG]) + encode_u32(len(self.params)) + self.params
                + encode_u32(len(self.results)) + self.results)


def encode_u32(value: int) -> bytes:
    """Unsigned LEB128 (spec 5.2.2)."""
    if not 0 <= value < 1 << 32:
        raise BakeError(f"u32 out of range: {value}")
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def encode_signed(value: int, bits: int) -> bytes:
    """Signed LEB128 of a `bits`-wide integer; accepts unsigned spellings too
    (4294967295 is i32 -1), since a checksum or N may be written either way."""
    if not -(1 << (bits - 1)) <= value < 1 << bits:
        raise BakeError(f"{value} does not fit in i{bits}")
    if value >= 1 << (bits - 1):
        value -= 1 << bits
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7  # arithmetic shift: Python ints keep their sign
        done = (value == 0 and not byte & 0x40) or (value == -1 and byte & 0x40)
        out.append(byte | (0 if done else 0x80))
        if done:
            return bytes(out)


class Reader:
    """Bounds-checked cursor over one section's bytes."""

    def __init__(self, data: bytes):
        self.data, self.pos = data, 0

    def byte(self) -> int:
        if self.pos >= len(self.data):
            raise BakeError("unexpected end of section")
        self.pos += 1
        return self.data[self.pos - 1]

    def u32(self) -> int:
        result = shift = 0
        while True:
            byte = self.byte()
            result |= (byte & 0x7F) << shift
            if not byte & 0x80:
                break
            shift += 7
            if shift >= 35:
                raise BakeError("integer representation too long")
        if result >= 1 << 32:
            raise BakeError("integer too large")
        return result

    def take(self, count: int) -> bytes:
        if count > len(self.data) - self.pos:
            raise BakeError("unexpected end of section")
        self.pos += count
        return self.data[self.pos - count:self.pos]

    def name(self) -> bytes:
        return self.take(self.u32())

    def at_end(self) -> bool:
        return self.pos == len(self.data)


def split_sections(module: bytes) -> list[tuple[int, bytes]]:
    if not module.startswith(WASM_HEADER):
        raise BakeError("not a wasm binary module (bad magic or version)")
    reader, sections = Reader(module[len(WASM_HEADER):]), []
    while not reader.at_end():
        section_id = reader.byte()
        sections.append((section_id, reader.take(reader.u32())))
    return sections


def join_sections(sections: list[tuple[int, bytes]]) -> bytes:
    return WASM_HEADER + b"".join(
        bytes([sid]) + encode_u32(len(body)) + body for sid, body in sections)


def read_vector(body: bytes, read_item) -> list:
    reader = Reader(body)
    items = [read_item(reader) for _ in range(reader.u32())]
    if not reader.at_end():
        raise BakeError("section size mismatch")
    return items


def read_func_type(reader: Reader) -> FuncType:
    if reader.byte() != FUNC_TYPE_TAG:
        raise BakeError("only function types are supported in the type section")
    params = reader.take(reader.u32())
    return FuncType(params, reader.take(reader.u32()))


def skip_limits(reader: Reader) -> None:
    flags = reader.byte()
    if flags not in (0, 1):
        raise BakeError(f"unsupported limits flags {flags:#x}")
    reader.u32()
    if flags == 1:
        reader.u32()


def read_import_is_func(reader: Reader) -> bool:
    reader.name()
    reader.name()
    kind = reader.byte()
    if kind == EXTERN_FUNC:
        reader.u32()
    elif kind == EXTERN_TABLE:
        reader.byte()
        skip_limits(reader)
    elif kind == EXTERN_MEMORY:
        skip_limits(reader)
    elif kind == EXTERN_GLOBAL:
        reader.take(2)  # value type, mutability
    else:
        raise BakeError(f"unknown import kind {kind:#x}")
    return kind == EXTERN_FUNC


def read_export(reader: Reader) -> tuple[bytes, int, int]:
    name = reader.name()
    return name, reader.byte(), reader.u32()


def vector(items: list[bytes]) -> bytes:
    return encode_u32(len(items)) + b"".join(items)


def bake_arguments(module: bytes, export: str, args: list[int]) -> bytes:
    """Returns a copy of `module` whose function export `export` takes no
    parameters and calls the original export with `args`."""
    sections = split_sections(module)
    by_id = {}
    for index, (sid, body) in enumerate(sections):
        if sid != 0:
            by_id[sid] = index
    for required in (SECTION_TYPE, SECTION_FUNCTION, SECTION_EXPORT, SECTION_CODE):
        if required not in by_id:
            raise BakeError(f"module has no section with id {required}")

    types = read_vector(sections[by_id[SECTION_TYPE]][1], read_func_type)
    imported_funcs = 0
    if SECTION_IMPORT in by_id:
        imported_funcs = sum(read_vector(sections[by_id[SECTION_IMPORT]][1], read_import_is_func))
    func_types = read_vector(sections[by_id[SECTION_FUNCTION]][1], Reader.u32)
    exports = read_vector(sections[by_id[SECTION_EXPORT]][1], read_export)

    wanted = export.encode()
    matches = [i for i, (name, kind, _) in enumerate(exports) if name == wanted and kind == EXTERN_FUNC]
    if not matches:
        raise BakeError(f"no function export named {export!r}")
    target = exports[matches[0]][2]
    if target < imported_funcs:
        raise BakeError(f"export {export!r} is an imported function")
    if target - imported_funcs >= len(func_types) or func_types[target - imported_funcs] >= len(types):
        raise BakeError(f"export {export!r} names an unknown function or type")
    signature = types[func_types[target - imported_funcs]]
    if len(signature.params) != len(args):
        raise BakeError(f"export {export!r} takes {len(signature.params)} argument(s), got {len(args)}")

    # The wrapper body: push each argument as a constant, call, end (5.4).
    code = bytearray(b"\0")  # no local declarations
    for value_type, value in zip(signature.params, args):
        if value_type == I32:
            code += bytes([OP_I32_CONST]) + encode_signed(value, 32)
        elif value_type == I64:
            code += bytes([OP_I64_CONST]) + encode_signed(value, 64)
        else:
            raise BakeError(f"cannot bake a parameter of value type {value_type:#x}")
    code += bytes([OP_CALL]) + encode_u32(target) + bytes([OP_END])

    nullary = FuncType(b"", signature.results)
    if nullary not in types:
        types.append(nullary)
    wrapper_index = imported_funcs + len(func_types)
    func_types.append(types.index(nullary))
    exports[matches[0]] = (wanted, EXTERN_FUNC, wrapper_index)
    code_reader = Reader(sections[by_id[SECTION_CODE]][1])
    bodies = [code_reader.name() for _ in range(code_reader.u32())]
    if not code_reader.at_end():
        raise BakeError("section size mismatch")
    bodies.append(bytes(code))

    replaced = {
        SECTION_TYPE: vector([t.encode() for t in types]),
        SECTION_FUNCTION: vector([encode_u32(t) for t in func_types]),
        SECTION_EXPORT: vector([encode_u32(len(n)) + n + bytes([k]) + encode_u32(i) for n, k, i in exports]),
        SECTION_CODE: vector([encode_u32(len(b)) + b for b in bodies]),
    }
    return join_sections([(sid, replaced.get(sid, body) if sid else body) for sid, body in sections])
