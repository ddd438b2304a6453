# Shared by the by-hand end-to-end scripts (docker-run.sh, kubernetes.sh):
# a containerd 2.x and a docker-registry of their own under $work, on
# loopback and unix sockets only. Source it after setting `work`, `build`
# and `pids` (the PIDs to stop at the end).

# Starts containerd `$1` (a 2.x binary) with the build directory first on
# its PATH (so it finds containerd-shim-flint-v1), everything under
# $work/c2, and the config text on stdin appended (the CRI plugin's, say).
start_containerd() {
  local containerd=$1
  mkdir -p "$work/c2"
  {
    cat <<TOML
version = 3
root = "$work/c2/root"
state = "$work/c2/state"
imports = []
[grpc]
  address = "$work/c2/containerd.sock"
[ttrpc]
  address = "$work/c2/containerd.sock.ttrpc"
[debug]
  address = "$work/c2/debug.sock"
[plugins."io.containerd.internal.v1.opt"]
  path = "$work/c2/opt"
TOML
    cat
  } > "$work/containerd.toml"
  PATH="$build:$PATH" "$containerd" --config "$work/containerd.toml" > "$work/containerd.log" 2>&1 &
  pids+=($!)
}

# Starts Debian's docker-registry on 127.0.0.1:$1, storage under $work.
start_registry() {
  cat > "$work/registry.yml" <<YML
version: 0.1
storage:
  filesystem:
    rootdirectory: $work/registry
http:
  addr: 127.0.0.1:$1
YML
  docker-registry serve "$work/registry.yml" > "$work/registry.log" 2>&1 &
  pids+=($!)
}
