#!/usr/bin/env bash
# Fetches the protocol definitions containerd's shim API is made of, for
# containerd-shim-flint-v1 (src/shim, issue 15). They are the Go modules'
# own .proto files, from the Go module proxy (`go mod download`, ~2 s):
#   github.com/containerd/containerd/api  the task service (v2 and v3), the
#       bootstrap parameters, mounts, events and the event forwarder; and the
#       gRPC services the shim reads images through (containers, images,
#       content);
#   github.com/containerd/ttrpc           ttrpc's request and response;
#   github.com/containerd/cgroups/v3      the cgroup v1 metrics Stats answers.
# ttrpc's request.proto imports google/rpc/status.proto, which Debian's
# libprotobuf-dev does not ship; that three-field message is written here.
# Versions: the API containerd 2.4.2 uses (its messages are unchanged since
# 1.6 for everything the shim sends), ttrpc 1.2.10, cgroups 3.1.0.
#
#   scripts/fetch-containerd-protos.sh [DEST]   (default ~/.cache/flint-deps/containerd-protos)
#
# The layout of DEST is the import root the .proto files expect: types/,
# events/, runtime/, services/ (containerd's api module), ttrpc/,
# google/rpc/ and cgroups/.
set -euo pipefail

api_version=v1.12.0
ttrpc_version=v1.2.10
cgroups_version=v3.1.0
dest=${1:-${FLINT_DEPS_DIR:-$HOME/.cache/flint-deps}/containerd-protos}
stamp="$api_version $ttrpc_version $cgroups_version content"

if [ -f "$dest/VERSION" ] && [ "$(cat "$dest/VERSION")" = "$stamp" ]; then
  exit 0
fi
command -v go > /dev/null || { echo "fetch-containerd-protos: no go on PATH" >&2; exit 1; }

module_dir() {
  go mod download -json "$1@$2" | python3 -c 'import json, sys; print(json.load(sys.stdin)["Dir"])'
}
api=$(module_dir github.com/containerd/containerd/api "$api_version")
ttrpc=$(module_dir github.com/containerd/ttrpc "$ttrpc_version")
cgroups=$(module_dir github.com/containerd/cgroups/v3 "$cgroups_version")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for f in runtime/task/v2/shim.proto runtime/task/v3/shim.proto runtime/bootstrap/v1/bootstrap.proto \
         types/mount.proto types/task/task.proto types/event.proto types/fieldpath.proto \
         events/task.proto services/ttrpc/events/v1/events.proto types/descriptor.proto \
         services/containers/v1/containers.proto services/images/v1/images.proto \
         services/content/v1/content.proto; do
  install -D -m 644 "$api/$f" "$work/$f"
done
install -D -m 644 "$ttrpc/request.proto" "$work/ttrpc/request.proto"
install -D -m 644 "$cgroups/cgroup1/stats/metrics.proto" "$work/cgroups/v1/metrics.proto"
mkdir -p "$work/google/rpc"
cat > "$work/google/rpc/status.proto" <<'PROTO'
// google.rpc.Status (googleapis), as ttrpc's responses carry it.
syntax = "proto3";
package google.rpc;
import "google/protobuf/any.proto";
message Status {
  int32 code = 1;
  string message = 2;
  repeated google.protobuf.Any details = 3;
}
PROTO
echo "$stamp" > "$work/VERSION"
rm -rf "$dest"
mkdir -p "$(dirname "$dest")"
cp -r "$work" "$dest"
chmod 755 "$dest"
