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
symbols = [l.split() for l in nm.splitlines() if len(l.split()) == 3]
defined = {name for _, kind, name in symbols if kind in "tTwW"}
# First the resolvers of glibc's IFUNCs (static: run by the start-up code
# before main, one for each string function, scattered over libc's pages),
# under the names of the functions at their addresses.
resolvers = {address for address, kind, _ in symbols if kind == "i"}
order = sorted({name for address, kind, name in symbols if address in resolvers and kind in "tT"})
seen = set(order)
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
# Nor AVX-512: where glibc's string functions (linked in: flint is static)
# ran their AVX2 or SSE versions, add the EVEX and AVX-512 versions glibc
# picks on CPUs that have them.
families = {m.group(1) for s in order if (m := re.match(r"^__([a-z]+)_(avx2|avx|sse2|sse4_2|ssse3)", s))}
order += [s for s in sorted(defined) if s not in seen
          and (m := re.match(r"^__([a-z]+)_(evex|avx512)", s)) and m.group(1) in families
          and "_rtm" not in s and "no_vzeroupper" not in s]
open(out, "w").write("\n".join(order) + "\n")
print(f"{len(order)} functions -> {out}")
PY
