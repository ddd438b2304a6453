#!/usr/bin/env bash
# Fetches the WASI preview-1 -> preview-2 component adapters (the wasm
# modules `wasm-tools component new --adapt` wraps a wasip1 program with)
# from the crates.io crate wasi-preview1-component-adapter-provider, which
# ships them as data files. No code is compiled: a throw-away Cargo project
# depends on the crate, `cargo metadata` downloads it and says where it was
# unpacked, and the three .wasm files are copied out.
#
#   scripts/fetch-wasi-adapters.sh [DEST]     (default ~/.cache/flint-deps/adapters)
#
# Writes DEST/wasi_snapshot_preview1.{command,reactor,proxy}.wasm and
# DEST/VERSION. The version matches the reference Wasmtime (48) so that the
# adapted components import the WASI 0.2 interfaces that Wasmtime provides.
set -euo pipefail

version=48.0.8
dest=${1:-${FLINT_DEPS_DIR:-$HOME/.cache/flint-deps}/adapters}

if [ -f "$dest/VERSION" ] && [ "$(cat "$dest/VERSION")" = "$version" ] &&
   [ -f "$dest/wasi_snapshot_preview1.command.wasm" ]; then
  exit 0
fi
command -v cargo > /dev/null || { echo "fetch-wasi-adapters: no cargo on PATH" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src"
cat > "$work/Cargo.toml" <<TOML
[package]
name = "fetch-adapters"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
wasi-preview1-component-adapter-provider = "=$version"
TOML
: > "$work/src/lib.rs"

manifest=$(cd "$work" && cargo metadata --format-version 1 --quiet |
  python3 -c 'import json, sys
for p in json.load(sys.stdin)["packages"]:
    if p["name"] == "wasi-preview1-component-adapter-provider":
        print(p["manifest_path"])')
src=$(dirname "$manifest")/artefacts
mkdir -p "$dest"
for kind in command reactor proxy; do
  cp "$src/wasi_snapshot_preview1.$kind.wasm" "$dest/"
done
echo "$version" > "$dest/VERSION"
echo "fetch-wasi-adapters: adapters $version in $dest"
