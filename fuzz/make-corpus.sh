#!/usr/bin/env bash
# Seeds a fuzz corpus with every module of the spec suite, extracted by wabt's
# wast2json (an oracle, used here only to split scripts into .wasm files).
# usage: fuzz/make-corpus.sh [SPEC_DIR] [CORPUS_DIR]
set -euo pipefail
spec=${1:-"$(dirname "$0")/../../shared/spec-testsuite/wasm-2.0"}
corpus=${2:-build-fuzz/corpus}
mkdir -p "$corpus"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for f in "$spec"/*.wast; do
  name=$(basename "$f" .wast)
  wast2json --enable-all "$f" -o "$work/$name.json" >/dev/null 2>&1 || true
done
for m in "$work"/*.wasm; do
  [ -e "$m" ] || continue
  cp "$m" "$corpus/$(sha1sum "$m" | cut -c1-16).wasm"
done
echo "corpus: $(ls "$corpus" | wc -l) modules in $corpus"
