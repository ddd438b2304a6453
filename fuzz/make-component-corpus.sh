#!/usr/bin/env bash
# Seeds fuzz_component's corpus with every component (and core module) of the
# component-model spec suite, async/ included (tasks, subtasks, waitable
# sets, streams, futures and the other async built-ins), split out of the scripts by
# `wasm-tools json-from-wast` (only used to extract binaries). Each seed is
# the binary followed by fuzz_component's trailer (fuzz_component.cc): 64
# choice bytes drawn from the binary's hash, so the first calls already get
# varied argument values, and their count as two little-endian bytes.
# usage: fuzz/make-component-corpus.sh [SUITE_DIR] [CORPUS_DIR]
set -euo pipefail
suite=${1:-"$(dirname "$0")/../../shared/spec-testsuite/component-model"}
corpus=${2:-build-fuzz/ccorpus}
mkdir -p "$corpus"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0
while IFS= read -r -d '' f; do
  n=$((n + 1))
  out="$work/$n"
  mkdir -p "$out"
  wasm-tools json-from-wast "$f" -o "$out/script.json" --wasm-dir "$out" >/dev/null 2>&1 || true
done < <(find "$suite" -name '*.wast' -print0)
for m in "$work"/*/*.wasm; do
  [ -e "$m" ] || continue
  hash=$(sha1sum "$m" | cut -c1-16)
  {
    cat "$m"
    # 64 choice bytes: the binary's hash, repeated.
    for _ in 1 2; do sha256sum "$m" | cut -c1-64 | xxd -r -p; done
    printf '\x40\x00'
  } > "$corpus/$hash"
done
echo "corpus: $(ls "$corpus" | wc -l) inputs in $corpus"
