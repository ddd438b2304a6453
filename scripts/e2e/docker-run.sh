#!/usr/bin/env bash
# By hand, not in CI (issue 15): `docker run --runtime io.containerd.flint.v1`
# through a Docker engine that drives containerd shims. Debian's Docker 20.10
# cannot (it ignores shim runtimes); this uses the Engine-29 dockerd and the
# containerd 2.4.2 that ../shared/orchestration-lab builds from the Go proxy:
#   bash ../shared/orchestration-lab/containerd/build-c2.sh    # -> /tmp/orch/bin/c2
#   bash ../shared/orchestration-lab/docker/build-dockerd.sh   # -> /tmp/orch/bin/moby
# and a Docker client (any 28.x). Starts containerd (the build directory on
# its PATH), dockerd and docker-registry on loopback, pushes a WASI program
# and examples/hello-spin with `flint push --image`, runs both with the
# flint runtime, and stops everything by PID.
#
#   scripts/e2e/docker-run.sh [BUILD_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$here/build}" && pwd)
orch=${ORCH:-/tmp/orch}
work=$(mktemp -d /tmp/flint-docker-XXXX)
c2=$orch/bin/c2
pids=()
cleanup() {
  [ -S "$work/docker/docker.sock" ] && DOCKER_HOST="unix://$work/docker/docker.sock" docker rm -f hello-spin > /dev/null 2>&1
  for pid in "${pids[@]}"; do kill "$pid" 2> /dev/null || true; done
  sleep 2
  grep " $work" /proc/mounts | awk '{print $2}' | sort -r | xargs -r -n1 umount -l || true
  [ "${KEEP:-0}" = 1 ] || rm -rf "$work"  # KEEP=1 keeps the logs
}
trap cleanup EXIT

# shellcheck source=scripts/e2e/common.sh
. "$here/scripts/e2e/common.sh"
start_containerd "$c2/containerd" < /dev/null
mkdir -p "$work/docker"
port=5055
start_registry $port
echo '{}' > "$work/docker/daemon.json"
"$orch/bin/moby/dockerd" --config-file "$work/docker/daemon.json" -H "unix://$work/docker/docker.sock" \
  --containerd "$work/c2/containerd.sock" --data-root "$work/docker/root" --exec-root "$work/docker/exec" \
  --pidfile "$work/docker/docker.pid" --iptables=false --ip6tables=false --ip-masq=false \
  --ip-forward=false --bridge=none --userland-proxy=false > "$work/dockerd.log" 2>&1 &
pids+=($!)
export DOCKER_HOST="unix://$work/docker/docker.sock"
for _ in $(seq 1 100); do docker version > /dev/null 2>&1 && break; sleep 0.2; done
set -x
docker version --format 'client {{.Client.Version}}, server {{.Server.Version}} (API {{.Server.APIVersion}})'
"$build/flint" push --image -f "$build/guests/c/args_env.wasm" 127.0.0.1:$port/flint/args-env:v1
"$build/flint" push --image -f "$here/examples/hello-spin" 127.0.0.1:$port/flint/hello-spin:v1
docker pull -q 127.0.0.1:$port/flint/args-env:v1
docker pull -q 127.0.0.1:$port/flint/hello-spin:v1
time docker run --rm --runtime io.containerd.flint.v1 -e GREETING=from-docker \
  127.0.0.1:$port/flint/args-env:v1 hello docker
docker run -d --name hello-spin --runtime io.containerd.flint.v1 --network host \
  -e SPIN_HTTP_LISTEN_ADDR=127.0.0.1:3344 127.0.0.1:$port/flint/hello-spin:v1
for _ in $(seq 1 100); do curl -fsS http://127.0.0.1:3344/hello && break; sleep 0.1; done
docker ps --format '{{.Names}} {{.Image}} {{.Status}}'
sleep 2
docker stats --no-stream --format '{{.Name}} mem {{.MemUsage}} cpu {{.CPUPerc}}' hello-spin
time docker stop hello-spin
docker inspect -f 'exit code {{.State.ExitCode}}' hello-spin
docker logs hello-spin 2>&1 | tail -5
docker rm hello-spin
# docker stop of a computing wasm program: SIGTERM stops it through the
# engine's interruption (flint run --stop-on-signal); its log ends with the
# trap and the wasm backtrace, and the exit code is 143.
"$build/flint" push --image -f "$build/guests/c/exit_code.wasm" 127.0.0.1:$port/flint/exit-code:v1
docker pull -q 127.0.0.1:$port/flint/exit-code:v1
docker run -d --name spinner --runtime io.containerd.flint.v1 127.0.0.1:$port/flint/exit-code:v1 spin
sleep 1
time docker stop spinner
docker inspect -f 'exit code {{.State.ExitCode}}' spinner
docker logs spinner 2>&1 | tail -8
docker rm spinner
set +x
echo "docker-run: done"
