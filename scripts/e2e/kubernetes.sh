#!/usr/bin/env bash
# By hand, not in CI (issue 15): a real single-node Kubernetes running a Spin
# app through containerd-shim-flint-v1. etcd (Debian's etcd-server), and
# kube-apiserver, kube-controller-manager and kubelet v1.34.2 built from the
# Go module proxy with ../shared/orchestration-lab/k8s (build.sh, plus
# `go build k8s.io/kubernetes/cmd/kube-controller-manager` in the same
# wrapper module), containerd 2.4.2 (containerd/build-c2.sh), all under
# $ORCH/bin (default /tmp/orch/bin). Loopback only; no scheduler (the pods
# name their node) and no CNI (host network).
#
# It pushes examples/hello-spin to a local docker-registry with
# `flint push --image`, applies a RuntimeClass `flint`, a Deployment and a
# Service, waits for the pod to answer HTTP on the node's :80, shows the
# shim processes, then `kubectl delete`s the Deployment and checks that the
# pods, their shims and their mounts are gone. Everything started is stopped
# by PID.
#
#   scripts/e2e/kubernetes.sh [BUILD_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$here/build}" && pwd)
orch=${ORCH:-/tmp/orch}
bin=$orch/bin
work=$(mktemp -d /tmp/flint-k8s-XXXX)
export KUBECONFIG=$work/kubeconfig
pids=()
crictl=$(command -v crictl || echo "$HOME/go/bin/crictl")
cr() { "$crictl" --config /dev/null --runtime-endpoint "unix://$work/c2/containerd.sock" --image-endpoint "unix://$work/c2/containerd.sock" "$@" 2>&1 | grep -v level=warning; }
cleanup() {
  kubectl delete deployment hello-spin --wait=false > /dev/null 2>&1 || true
  for s in $(cr pods -q 2> /dev/null); do cr stopp "$s" > /dev/null 2>&1; cr rmp -f "$s" > /dev/null 2>&1; done
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[$i]}" 2> /dev/null || true; sleep 1; done
  sleep 2
  grep " $work" /proc/mounts | awk '{print $2}' | sort -r | xargs -r -n1 umount -l || true
  [ "${KEEP:-0}" = 1 ] || rm -rf "$work"  # KEEP=1 keeps the logs
}
trap cleanup EXIT
mkdir -p "$work/pki" "$work/c2" "$work/kubelet" "$work/manifests" "$work/cni/bin" "$work/cni/conf"

# PKI: a service-account key pair and a static token with node and admin rights.
openssl genrsa -out "$work/pki/sa.key" 2048 2> /dev/null
openssl rsa -in "$work/pki/sa.key" -pubout -out "$work/pki/sa.pub" 2> /dev/null
token=flint-e2e-token-$(openssl rand -hex 8)
echo "$token,system:node:flint-node,system:node:flint-node,\"system:nodes,system:masters\"" > "$work/pki/tokens.csv"
cat > "$KUBECONFIG" <<EOC
apiVersion: v1
kind: Config
clusters: [{name: flint, cluster: {server: "https://127.0.0.1:6443", insecure-skip-tls-verify: true}}]
users: [{name: flint, user: {token: "$token"}}]
contexts: [{name: flint, context: {cluster: flint, user: flint}}]
current-context: flint
EOC

# shellcheck source=scripts/e2e/common.sh
. "$here/scripts/e2e/common.sh"
registry_port=5056
start_registry $registry_port

start_containerd "$bin/c2/containerd" <<TOML
[plugins."io.containerd.cri.v1.images"]
  snapshotter = "overlayfs"
  [plugins."io.containerd.cri.v1.images".pinned_images]
    sandbox = "127.0.0.1:$registry_port/flint/hello-spin:v1"
[plugins."io.containerd.cri.v1.runtime"]
  restrict_oom_score_adj = true
  [plugins."io.containerd.cri.v1.runtime".cni]
    bin_dirs = ["$work/cni/bin"]
    conf_dir = "$work/cni/conf"
  [plugins."io.containerd.cri.v1.runtime".containerd]
    default_runtime_name = "runc"
    [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
    [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.flint]
      runtime_type = "io.containerd.flint.v1"
[plugins."io.containerd.grpc.v1.cri"]
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
TOML
etcd --name default --data-dir "$work/etcd" --listen-client-urls http://127.0.0.1:2379 \
  --advertise-client-urls http://127.0.0.1:2379 --listen-peer-urls http://127.0.0.1:2380 \
  --initial-advertise-peer-urls http://127.0.0.1:2380 --initial-cluster default=http://127.0.0.1:2380 \
  --listen-metrics-urls http://127.0.0.1:2381 > "$work/etcd.log" 2>&1 &
pids+=($!)
sleep 2
"$bin/k8s/kube-apiserver" --etcd-servers=http://127.0.0.1:2379 --bind-address=127.0.0.1 \
  --advertise-address=127.0.0.1 --secure-port=6443 --cert-dir="$work/pki" \
  --token-auth-file="$work/pki/tokens.csv" --authorization-mode=AlwaysAllow \
  --disable-admission-plugins=ServiceAccount --service-account-issuer=https://kubernetes.default.svc.cluster.local \
  --service-account-key-file="$work/pki/sa.pub" --service-account-signing-key-file="$work/pki/sa.key" \
  --service-cluster-ip-range=10.96.0.0/24 --allow-privileged=true --v=1 > "$work/apiserver.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 90); do kubectl get --raw /readyz > /dev/null 2>&1 && break; sleep 1; done
"$bin/k8s/kube-controller-manager" --kubeconfig="$KUBECONFIG" --controllers=deployment,replicaset,garbagecollector,endpoint,endpointslice \
  --use-service-account-credentials=false --leader-elect=false --bind-address=127.0.0.1 --secure-port=0 \
  > "$work/controller-manager.log" 2>&1 &
pids+=($!)
cat > "$work/kubelet.yaml" <<YML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: 127.0.0.1
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
authentication: {anonymous: {enabled: true}, webhook: {enabled: false}}
authorization: {mode: AlwaysAllow}
cgroupDriver: cgroupfs
failCgroupV1: false
failSwapOn: false
cgroupsPerQOS: false
enforceNodeAllocatable: []
staticPodPath: $work/manifests
containerRuntimeEndpoint: unix://$work/c2/containerd.sock
imageServiceEndpoint: unix://$work/c2/containerd.sock
resolvConf: ""
oomScoreAdj: 0
evictionHard: {"memory.available": "1Mi", "nodefs.available": "1%", "imagefs.available": "1%"}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
localStorageCapacityIsolation: false
serializeImagePulls: false
YML
"$bin/k8s/kubelet" --config="$work/kubelet.yaml" --root-dir="$work/kubelet" --cert-dir="$work/kubelet/pki" \
  --hostname-override=flint-node --kubeconfig="$KUBECONFIG" --v=2 > "$work/kubelet.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 90); do kubectl get node flint-node > /dev/null 2>&1 && break; sleep 1; done

set -x
"$build/flint" push --image -f "$here/examples/hello-spin" 127.0.0.1:$registry_port/flint/hello-spin:v1
kubectl version 2> /dev/null | tail -1
kubectl get nodes -o wide
kubectl apply -f - <<YML
apiVersion: node.k8s.io/v1
kind: RuntimeClass
metadata:
  name: flint
handler: flint
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: hello-spin
spec:
  replicas: 1                           # host network (no CNI): one :80 per node
  selector:
    matchLabels: {app: hello-spin}
  template:
    metadata:
      labels: {app: hello-spin}
    spec:
      nodeName: flint-node              # no scheduler in this cluster
      runtimeClassName: flint
      hostNetwork: true                 # no CNI in this cluster
      automountServiceAccountToken: false
      containers:
        - name: hello
          image: 127.0.0.1:$registry_port/flint/hello-spin:v1
          imagePullPolicy: Always
          command: ["/"]
          ports:
            - containerPort: 80
---
apiVersion: v1
kind: Service
metadata:
  name: hello-spin
spec:
  selector: {app: hello-spin}
  ports:
    - {port: 80, targetPort: 80}
YML
for _ in $(seq 1 120); do
  ready=$(kubectl get deployment hello-spin -o jsonpath='{.status.readyReplicas}' 2> /dev/null || true)
  [ "${ready:-0}" -ge 1 ] && break
  sleep 1
done
kubectl get pods -o wide
kubectl get deployment hello-spin
cr pods
cr ps
curl -fsS http://127.0.0.1:80/hello
ps -eo pid,rss,args | grep -E "containerd-shim-flint-v1|flint-serve up" | grep -v grep | cut -c1-160
time kubectl delete deployment hello-spin --wait=true
set +x
for _ in $(seq 1 90); do [ -z "$(kubectl get pods -o name)" ] && break; sleep 1; done
set -x
kubectl get pods
cr pods
set +x
sleep 3
left=$(ps -eo args | grep -c "^[^ ]*containerd-shim-flint-v1 .*$work" || true)
echo "shim processes left: $left; mounts left under $work: $(grep -c " $work/c2/state" /proc/mounts || true)"
echo "kubernetes: done"
