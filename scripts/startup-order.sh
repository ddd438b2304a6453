#!/bin/sh
# Regenerates src/cli/startup_order.txt: the functions `flint run` executes
# on its start-up path, in first-use order, which the link of `flint` places
# first in .text (lld --symbol-ordering-file). The code a start touches then
# sits in a few contiguous pages instead of being spread over 2 MB: fewer
# page faults, and a third of the resident set of `flint run hello.fwasm`
# (issue 4). Stale names are ignored by the linker; rerun after large changes.
#
#   scripts/startup-order.sh BUILD_DIR     (needs valgrind, clang-19 with wasi-libc)
set -eu
build=${1:?usage: scripts/startup-order.sh BUILD_DIR}
src=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
objcopy --strip-debug "$build/flint" "$work/flint"  # valgrind cannot read clang 19's DWARF 5
cp "$build/flint-compile" "$work/flint-compile"
clang-19 --target=wasm32-wasi -O2 "$src/guests/c/hello.c" -o "$work/hello.wasm"
"$work/flint" compile "$work/hello.wasm" -o "$work/hello.fwasm"
for args in "run $work/hello.fwasm" "run $work/hello.wasm" "run --engine aot $work/hello.wasm"; do
  FLINT_CACHE_DIR="$work/cache" valgrind --tool=callgrind --demangle=no --callgrind-out-file="$work/cg.%p" \
    "$work/flint" $args > /dev/null 2>&1
done
python3 - "$work" "$src/src/cli/startup_order.txt" <<'PY'
import glob, re, subprocess, sys
work, out = sys.argv[1], sys.argv[2]
nm = subprocess.run(["nm", "--defined-only", f"{work}/flint"], capture_output=True, text=True).stdout
defined = {l.split()[2] for l in nm.splitlines() if len(l.split()) == 3 and l.split()[1] in "tTwW"}
order, seen = [], set()
for f in sorted(glob.glob(f"{work}/cg.*")):
    names = {}
    for line in open(f):
        m = re.match(r"^c?fn=\((\d+)\)(?: (.*))?$", line.rstrip("\n"))
        if not m:
            continue
        if m.group(2):
            names[m.group(1)] = m.group(2)
        name = names.get(m.group(1))
        if name in defined and name not in seen:
            seen.add(name)
            order.append(name)
# Valgrind's CPU has no SHA extensions: add the code real CPUs run instead.
order += [s for s in sorted(defined) if "sha_ni" in s and s not in seen]
open(out, "w").write("\n".join(order) + "\n")
print(f"{len(order)} functions -> {out}")
PY
