#!/usr/bin/env bash
# Installs what building and testing Flint needs on Debian 12 (as root).
# Idempotent: packages already present are left alone.
set -euo pipefail

packages=(
  cmake ninja-build
  clang-19 lld-19 llvm-19-dev libclang-rt-19-dev   # the compiler, and libFuzzer for fuzz builds
  libfmt-dev libcli11-dev                          # formatting, command line
  libgtest-dev libbenchmark-dev                    # unit tests, micro-benchmarks
  wabt                                             # an oracle for tests only
  wasi-libc libclang-rt-19-dev-wasm32              # C guest programs (guests/)
  rustc libstd-rust-dev-wasm32                     # Rust guest programs
  python3 hyperfine                                # benchmarks
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi

# Wasmtime's Python package: the reference the WASI differential test
# compares `flint run` against (tests/wasi; skipped when absent).
python3 -c 'import wasmtime' 2> /dev/null || python3 -m pip install --quiet --user wasmtime || \
  echo "install-deps: could not pip install wasmtime; the WASI differential test will skip"
