#!/usr/bin/env python3
"""containerd-shim-flint-v1 through containerd's CRI plugin, as kubelet
drives it (issue 15): crictl against a private Debian containerd whose CRI
has a `flint` runtime handler.

A host-network pod is run with `--runtime flint`: its sandbox container
runs nothing (the pause image is never executed; here the sandbox image is
a wasm image, which the shim does not even look at). Into the pod:
  * a WASI program whose output `crictl logs` shows and whose exit code is
    the container's;
  * a Spin app that answers HTTP, whose memory `crictl stats` reports, and
    that stops on `crictl stop`;
and both containers are served by the pod's one shim process. Then, with
Debian's CNI plugins, a pod with a network namespace of its own (a bridge):
its Spin app answers on the pod's IP, port 80. With containerd 2.x, images
read from the content store (the CNCF Wasm artifact, Spin's layout). Then
the pods are stopped and removed and no shim or mount is left.
Exits 77 (skipped) without root, containerd, ctr, crictl, docker-registry or
the shim.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "registry"))
from registry_test import check, failures, free_port, start_registry  # noqa: E402
from containerd_env import (Containerd, PodNetwork, add_containerd_bin_args,  # noqa: E402
                            containerd_bin_dir, get_http, push_image, shim_pids, shims_left_after,
                            skip, tear_down)


def find_crictl():
    for candidate in (shutil.which("crictl"), os.path.expanduser("~/go/bin/crictl")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def pod_network_app(cr, network, spin_ref, tmp, write_json):
    """A pod with a network namespace of its own (CNI's bridge): the Spin
    app's guest joins it, listens on the default 0.0.0.0:80 there and
    answers on the pod's IP, and the pod's deletion ends it."""
    pod_json = write_json("netpod.json", {
        "metadata": {"name": "flint-netpod", "namespace": "default", "uid": "flint-netpod-uid", "attempt": 0},
        "log_directory": os.path.join(tmp, "netpodlogs"),
        "linux": {}})  # namespace_options.network POD: a namespace of its own
    p = cr("runp", "--runtime", "flint", pod_json)
    check(p.returncode == 0, f"crictl runp of a pod on the CNI network: {p.stderr.strip()[-300:]}")
    if p.returncode != 0:
        return
    netpod = p.stdout.strip()
    try:
        inspected = cr("inspectp", netpod)
        ip = json.loads(inspected.stdout)["status"]["network"]["ip"] if inspected.returncode == 0 else ""
        check(ip.startswith(network.subnet_prefix), f"the pod has an address on the bridge: {ip!r}")
        spin_json = write_json("netspin.json", {
            "metadata": {"name": "netspin"}, "image": {"image": spin_ref}, "log_path": "netspin.log",
            "linux": {}})
        p = cr("create", netpod, spin_json, pod_json)
        check(p.returncode == 0, f"crictl create (Spin app, pod network): {p.stderr.strip()[-300:]}")
        p = cr("start", p.stdout.strip())
        check(p.returncode == 0, f"crictl start (Spin app, pod network): {p.stderr.strip()[-300:]}")
        body = get_http(f"http://{ip}:80/hello")
        check(body is not None and body[0] == 200 and "Hello from Flint" in body[1],
              f"the Spin app answers on the pod's IP, port 80 of its own namespace: {body}")
    finally:
        p = cr("stopp", netpod)
        check(p.returncode == 0, f"crictl stopp (pod network): {p.stderr.strip()[-300:]}")
        p = cr("rmp", netpod)
        check(p.returncode == 0, f"crictl rmp (pod network): {p.stderr.strip()[-300:]}")


def content_store_images(cr, flint, guest, example, port, pod, pod_json, write_json, container_state):
    """Images whose wasm is not in a tar layer, pulled by the CRI plugin:
    the CNCF Wasm artifact and a Spin app in Spin's layout, as `flint push`
    writes them. The rootfs is empty; the shim reads containerd's content
    store."""
    artifact_ref = f"127.0.0.1:{port}/flint-cri/artifact:v1"
    spin_ref = f"127.0.0.1:{port}/flint-cri/spin-layout:v1"
    for source, ref in ((guest, artifact_ref), (example, spin_ref)):
        p = subprocess.run([flint, "push", "-f", source, ref], capture_output=True, text=True, timeout=120)
        check(p.returncode == 0, f"flint push {os.path.basename(source)}: {p.stderr.strip()}")
        p = cr("pull", ref)
        check(p.returncode == 0, f"crictl pull {ref}: {p.stderr.strip()[-300:]}")
    art_json = write_json("artifact.json", {
        "metadata": {"name": "artifact"}, "image": {"image": artifact_ref},
        "command": ["/args_env.wasm"], "args": ["from-artifact"],
        "envs": [{"key": "GREETING", "value": "content-store"}], "log_path": "artifact.log", "linux": {}})
    p = cr("create", pod, art_json, pod_json)
    check(p.returncode == 0, f"crictl create (CNCF Wasm artifact): {p.stderr.strip()[-300:]}")
    art_id = p.stdout.strip()
    cr("start", art_id)
    state = (None, None)
    for _ in range(300):
        state = container_state(art_id)
        if state[0] == "CONTAINER_EXITED":
            break
        time.sleep(0.1)
    logs = cr("logs", art_id).stdout
    check(state == ("CONTAINER_EXITED", 0) and 'argv[1] = "from-artifact"' in logs and
          "GREETING is content-store" in logs,
          f"a CNCF Wasm artifact runs from the content store: {state} {logs.strip()[-200:]}")
    http_port = free_port()
    layout_json = write_json("spin-layout.json", {
        "metadata": {"name": "spin-layout"}, "image": {"image": spin_ref}, "command": ["/"],
        "envs": [{"key": "SPIN_HTTP_LISTEN_ADDR", "value": f"127.0.0.1:{http_port}"}],
        "log_path": "spin-layout.log", "linux": {}})
    p = cr("create", pod, layout_json, pod_json)
    check(p.returncode == 0, f"crictl create (Spin's layout): {p.stderr.strip()[-300:]}")
    layout_id = p.stdout.strip()
    cr("start", layout_id)
    body = get_http(f"http://127.0.0.1:{http_port}/hello")
    check(body is not None and body[0] == 200 and "Hello from Flint" in body[1],
          f"a Spin app in Spin's OCI layout answers from the content store: {body}")
    cr("stop", "--timeout", "10", layout_id)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    add_containerd_bin_args(ap)
    ap.add_argument("--example", required=True)
    a = ap.parse_args()
    a.containerd_bin = containerd_bin_dir(a)
    flint = os.path.join(a.build, "flint")
    shim = os.path.join(a.build, "containerd-shim-flint-v1")
    guest = os.path.join(a.build, "guests", "c", "args_env.wasm")
    crictl = find_crictl()
    if os.geteuid() != 0:
        skip("containerd and the shim's mounts need root")
    for tool in ("docker-registry",) if a.containerd_bin else ("containerd", "ctr", "docker-registry"):
        if not shutil.which(tool):
            skip(f"no {tool} (scripts/install-deps.sh installs it)")
    if not crictl:
        skip("no crictl (scripts/install-deps.sh: go install sigs.k8s.io/cri-tools/cmd/crictl)")
    if not os.access(shim, os.X_OK):
        skip("containerd-shim-flint-v1 was not built")
    if not os.path.exists(guest):
        skip("no C guest args_env.wasm (needs wasi-libc)")

    tmp = tempfile.mkdtemp(prefix="flint-cri-")
    registry, port = start_registry(tmp)
    args_ref = f"127.0.0.1:{port}/flint-cri/args-env:v1"
    spin_ref = f"127.0.0.1:{port}/flint-cri/hello-spin:v1"
    network = PodNetwork(tmp)
    containerd = Containerd(tmp, [os.path.abspath(a.build)], bin_dir=a.containerd_bin, sandbox_image=args_ref)
    print(f"containerd: {containerd.version}")
    if a.containerd_bin_env and containerd.major < 2:
        check(False, f"${a.containerd_bin_env} names containerd 2.x, not {containerd.version}")
    crictl_config = os.path.join(tmp, "crictl.yaml")
    with open(crictl_config, "w") as f:
        f.write(f"runtime-endpoint: unix://{containerd.sock}\nimage-endpoint: unix://{containerd.sock}\n"
                "timeout: 30\n")

    def cr(*args, timeout=60):
        return subprocess.run([crictl, "--config", crictl_config, *args], capture_output=True, text=True,
                              timeout=timeout)

    def write_json(name, value):
        path = os.path.join(tmp, name)
        with open(path, "w") as f:
            json.dump(value, f)
        return path

    def container_state(cid):
        p = cr("inspect", cid)
        if p.returncode != 0:
            return None, None
        status = json.loads(p.stdout)["status"]
        return status["state"], status.get("exitCode")

    shims_before = set(shim_pids())
    pod = None
    try:
        push_image(flint, containerd.ctr, guest, args_ref, "k8s.io", check)
        push_image(flint, containerd.ctr, a.example, spin_ref, "k8s.io", check)
        pod_json = write_json("pod.json", {
            "metadata": {"name": "flint-pod", "namespace": "default", "uid": "flint-pod-uid", "attempt": 0},
            "log_directory": os.path.join(tmp, "podlogs"),
            "linux": {"security_context": {"namespace_options": {"network": 2}}},  # NODE: host network
        })
        p = cr("runp", "--runtime", "flint", pod_json)
        check(p.returncode == 0, f"crictl runp --runtime flint: {p.stderr.strip()[-300:]}")
        pod = p.stdout.strip()

        args_json = write_json("args.json", {
            "metadata": {"name": "args"}, "image": {"image": args_ref},
            "command": ["/args_env.wasm"], "args": ["from-cri"],
            "envs": [{"key": "GREETING", "value": "hello-cri"}], "log_path": "args.log", "linux": {}})
        p = cr("create", pod, args_json, pod_json)
        check(p.returncode == 0, f"crictl create (WASI program): {p.stderr.strip()[-300:]}")
        args_id = p.stdout.strip()
        p = cr("start", args_id)
        check(p.returncode == 0, f"crictl start: {p.stderr.strip()[-300:]}")
        state = (None, None)
        for _ in range(300):
            state = container_state(args_id)
            if state[0] == "CONTAINER_EXITED":
                break
            time.sleep(0.1)
        check(state == ("CONTAINER_EXITED", 0), f"the WASI program ran and exited 0: {state}")
        logs = cr("logs", args_id)
        check('argv[1] = "from-cri"' in logs.stdout and "GREETING is hello-cri" in logs.stdout,
              f"crictl logs shows its output: {logs.stdout.strip()[-300:]}")

        http_port = free_port()
        spin_json = write_json("spin.json", {
            "metadata": {"name": "spin"}, "image": {"image": spin_ref},
            "envs": [{"key": "SPIN_HTTP_LISTEN_ADDR", "value": f"127.0.0.1:{http_port}"}],
            "log_path": "spin.log", "linux": {}})
        p = cr("create", pod, spin_json, pod_json)
        check(p.returncode == 0, f"crictl create (Spin app): {p.stderr.strip()[-300:]}")
        spin_id = p.stdout.strip()
        p = cr("start", spin_id)
        check(p.returncode == 0, f"crictl start (Spin app): {p.stderr.strip()[-300:]}")
        body = get_http(f"http://127.0.0.1:{http_port}/hello")
        check(body is not None and body[0] == 200 and "Hello from Flint" in body[1],
              f"the Spin app in the pod answers HTTP: {body}")
        pod_shims = set(shim_pids()) - shims_before
        check(len(pod_shims) == 1, f"one shim process serves the pod's containers: {sorted(pod_shims)}")
        memory = 0
        for _ in range(50):  # the CRI plugin collects stats about once a second
            p = cr("stats", "-o", "json", spin_id)
            if p.returncode == 0 and p.stdout.strip():
                stats = json.loads(p.stdout).get("stats", [])
                if stats:
                    memory = int(stats[0].get("memory", {}).get("workingSetBytes", {}).get("value", 0) or 0)
                    if memory:
                        break
            time.sleep(0.2)
        check(memory > 1_000_000, f"crictl stats reports the app's memory: {memory} bytes")
        p = cr("stop", "--timeout", "10", spin_id)
        check(p.returncode == 0, f"crictl stop (SIGTERM): {p.stderr.strip()[-300:]}")
        state = container_state(spin_id)
        check(state[0] == "CONTAINER_EXITED", f"the Spin app stopped: {state}")

        if network.available:
            pod_network_app(cr, network, spin_ref, tmp, write_json)
        else:
            print("skip the pod-network pod: no CNI plugins (Debian's containernetworking-plugins)")

        if containerd.major >= 2:
            content_store_images(cr, flint, guest, a.example, port, pod, pod_json, write_json, container_state)
        else:
            print("skip content-store images: containerd 1.6 cannot pull wasm-typed layers "
                  "(1.6.25/1.7.7/2.0 can); run with --containerd-bin for 2.x")

        p = cr("stopp", pod)
        check(p.returncode == 0, f"crictl stopp: {p.stderr.strip()[-300:]}")
        p = cr("rmp", pod)
        check(p.returncode == 0, f"crictl rmp: {p.stderr.strip()[-300:]}")
        pod = None
        leftover = shims_left_after(shims_before)
        check(not leftover, f"the pod's shim exited: {sorted(leftover)}")
        mounts = [l for l in open("/proc/mounts") if tmp in l]
        check(not mounts, f"no rootfs mount is left: {mounts}")
    finally:
        if pod:
            cr("stopp", pod)
            cr("rmp", "-f", pod)
        code = tear_down(containerd, registry, tmp, failures)
        network.remove()
    return code


if __name__ == "__main__":
    sys.exit(main())
