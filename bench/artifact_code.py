#!/usr/bin/env python3
"""Extracts the shared object from a Flint artifact (.fwasm), to read the
machine code `flint compile` produced next to the native build's:

    python3 bench/artifact_code.py bench/out/matmul.fwasm -o /tmp/matmul.so
    objdump -d --no-show-raw-insn /tmp/matmul.so | less

The layout is src/aot/artifact.h's: magic, format version, three
length-prefixed strings (Flint version, triple, CPU features), options
(from format 2),
two SHA-256 hashes, then the wasm module and the shared object, each
preceded by its u64 length. Integers are little-endian."""

from __future__ import annotations

import argparse
import struct
import sys
from pathlib import Path

MAGIC = b"FLINTAOT"


class ArtifactError(ValueError):
    pass


def split_artifact(data: bytes) -> dict:
    """The artifact's fields: version, flint, triple, features, options,
    wasm and shared_object (bytes). Raises ArtifactError when truncated."""
    position = 0

    def take(count: int) -> bytes:
        nonlocal position
        if count > len(data) - position:
            raise ArtifactError(f"truncated artifact: {count} bytes wanted at offset {position}")
        chunk = data[position:position + count]
        position += count
        return chunk

    if take(len(MAGIC)) != MAGIC:
        raise ArtifactError("not a Flint artifact (no FLINTAOT magic)")
    fields = {"version": struct.unpack("<I", take(4))[0]}
    for name in ("flint", "triple", "features"):
        fields[name] = take(struct.unpack("<I", take(4))[0]).decode(errors="replace")
    # Format 1 had no options word (artifact.h's kArtifactVersion history).
    fields["options"] = struct.unpack("<I", take(4))[0] if fields["version"] >= 2 else 0
    take(64)  # the two SHA-256 hashes
    for name in ("wasm", "shared_object"):
        fields[name] = take(struct.unpack("<Q", take(8))[0])
    return fields


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("artifact", type=Path)
    parser.add_argument("-o", "--output", type=Path, required=True, help="where to write the .so")
    args = parser.parse_args(argv)
    try:
        fields = split_artifact(args.artifact.read_bytes())
    except (OSError, ArtifactError) as error:
        sys.exit(f"artifact_code.py: {args.artifact}: {error}")
    args.output.write_bytes(fields["shared_object"])
    print(f"format {fields['version']}, {fields['flint']}, {fields['triple']}, "
          f"features {fields['features'] or '(baseline)'}; wasm {len(fields['wasm'])} B, "
          f"code {len(fields['shared_object'])} B -> {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
