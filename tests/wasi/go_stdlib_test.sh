#!/usr/bin/env bash
# Runs one Go standard-library package's own tests under `flint run`:
#   go_stdlib_test.sh PACKAGE FLINT CACHE_DIR
# The test binary is built with GOOS=wasip1 GOARCH=wasm go test -c (and
# cached in CACHE_DIR), then run in the package's source directory with
# the grants Go's own wasip1 runner (lib/wasm/go_wasip1_wasm_exec) gives
# Wasmtime: the host root as "/", PWD and PATH. Exits 77 (skipped) without Go.
set -euo pipefail
package=$1 flint=$2 cache=$3
if ! command -v go > /dev/null; then
  echo "go is not on PATH: skipping the Go standard library tests"
  exit 77
fi
mkdir -p "$cache"
binary="$cache/$(echo "$package" | tr / _).test.wasm"
goroot=$(go env GOROOT)
if [ ! -f "$binary" ] || [ "$(command -v go)" -nt "$binary" ]; then
  GOOS=wasip1 GOARCH=wasm go test -c -o "$binary" "$package"
fi
cd "$goroot/src/$package"
exec "$flint" run --dir / --env PWD="$PWD" --env PATH="$PATH" --timeout 600s "$binary" -test.short
