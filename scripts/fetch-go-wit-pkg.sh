#!/usr/bin/env bash
# Fetches the Go runtime package that `wit-bindgen go` output imports,
# go.bytecodealliance.org/pkg (wit/runtime, wit/types). The Go module proxy
# does not serve that module path, so it is taken from the copy the crates.io
# crate wit-bindgen-go ships in src/pkg, the same way fetch-wasi-adapters.sh
# takes the adapters: a throw-away Cargo project depends on the crate and
# `cargo metadata` downloads and unpacks it. Nothing is compiled.
#
#   scripts/fetch-go-wit-pkg.sh [DEST]     (default ~/.cache/flint-deps/go-wit-pkg)
#
# The version matches the wit-bindgen-cli that install-deps.sh installs.
set -euo pipefail

version=0.63.0
dest=${1:-${FLINT_DEPS_DIR:-$HOME/.cache/flint-deps}/go-wit-pkg}

if [ -f "$dest/VERSION" ] && [ "$(cat "$dest/VERSION")" = "$version" ] && [ -f "$dest/go.mod" ]; then
  exit 0
fi
command -v cargo > /dev/null || { echo "fetch-go-wit-pkg: no cargo on PATH" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src"
cat > "$work/Cargo.toml" <<TOML
[package]
name = "fetch-go-wit-pkg"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
wit-bindgen-go = "=$version"
TOML
: > "$work/src/lib.rs"

manifest=$(cd "$work" && cargo metadata --format-version 1 --quiet |
  python3 -c 'import json, sys
for p in json.load(sys.stdin)["packages"]:
    if p["name"] == "wit-bindgen-go":
        print(p["manifest_path"])')
rm -rf "$dest"
mkdir -p "$dest"
cp -r "$(dirname "$manifest")/src/pkg/." "$dest/"
chmod -R u+w "$dest"
echo "$version" > "$dest/VERSION"
echo "fetch-go-wit-pkg: go.bytecodealliance.org/pkg (wit-bindgen-go $version) in $dest"
