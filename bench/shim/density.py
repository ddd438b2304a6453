#!/usr/bin/env python3
"""Density of Spin apps under containerd through containerd-shim-flint-v1
(issue 15), run by hand (not in CI: it starts many servers):

  python3 bench/shim/density.py --build build --apps 50 [--containerd-bin DIR]

Starts a private containerd and docker-registry (as tests/shim does), pushes
examples/hello-spin with `flint push --image`, starts --apps containers of
it with `ctr run -d --runtime io.containerd.flint.v1`, each serving on its
own port, checks that every one answers, and reports the memory they hold
while idle: the resident set (RSS) and proportional set (PSS, shared pages
split among their users) of each app's shim and `flint up` processes, from
/proc/PID/smaps_rollup. For comparison it runs the same number of idle
containers under containerd-shim-runc-v2 (Debian's runc shim) with a static
native program that sleeps, when --native-image (an OCI tarball, e.g. from
../shared/orchestration-lab/images/mkoci.py) is given.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "tests", "shim"))
sys.path.insert(0, os.path.join(here, "..", "..", "tests", "registry"))
from containerd_env import RUNTIME, Containerd, push_image, unmount_under  # noqa: E402
from registry_test import check, failures, free_port, start_registry  # noqa: E402


def memory_kib(pid):
    """(RSS, PSS) of `pid` in KiB."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


def processes_named(word):
    """Pids whose command line's first word contains `word`."""
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as f:
                    argv0 = f.read().split(b"\0")[0]
                if word.encode() in argv0:
                    out.append(int(entry))
            except OSError:
                pass
    return out


def total(pids):
    rss = pss = 0
    for pid in pids:
        r, p = memory_kib(pid)
        rss += r
        pss += p
    return rss, pss


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--apps", type=int, default=20)
    ap.add_argument("--containerd-bin")
    ap.add_argument("--native-image", help="an OCI image tarball of a static native program")
    ap.add_argument("--native-ref", default="localhost/flint/pause:local")
    ap.add_argument("--native-args", default="/pause")
    a = ap.parse_args()
    flint = os.path.abspath(os.path.join(a.build, "flint"))
    example = os.path.join(here, "..", "..", "examples", "hello-spin")
    tmp = tempfile.mkdtemp(prefix="flint-density-")
    registry, port = start_registry(tmp)
    containerd = Containerd(tmp, [os.path.abspath(a.build)], bin_dir=a.containerd_bin)
    ns = "density"
    ids = []
    try:
        ref = f"127.0.0.1:{port}/density/hello-spin:v1"
        push_image(flint, containerd.ctr, example, ref, ns, check)
        ports = []
        start = time.monotonic()
        for i in range(a.apps):
            http_port = free_port()
            p = containerd.ctr("-n", ns, "run", "-d", "--net-host", "--runtime", RUNTIME, "--env",
                               f"SPIN_HTTP_LISTEN_ADDR=127.0.0.1:{http_port}", ref, f"app{i}")
            check(p.returncode == 0, f"app{i} started: {p.stderr.strip()[-200:]}")
            ids.append(f"app{i}")
            ports.append(http_port)
        answered = 0
        for http_port in ports:
            for _ in range(300):
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{http_port}/hello", timeout=2) as r:
                        answered += r.status == 200
                    break
                except Exception:
                    time.sleep(0.1)
        elapsed = time.monotonic() - start
        check(answered == a.apps, f"{answered}/{a.apps} apps answered HTTP")
        time.sleep(2)  # idle
        shims = processes_named("containerd-shim-flint-v1")
        flints = [pid for pid in processes_named("flint") if pid not in shims]
        shim_rss, shim_pss = total(shims)
        app_rss, app_pss = total(flints)
        per_shim = [memory_kib(pid)[0] for pid in shims]
        print(f"containerd: {containerd.version}")
        print(f"{a.apps} idle Spin apps (examples/hello-spin) started and answering in {elapsed:.1f} s")
        print(f"shim processes: {len(shims)}, RSS {shim_rss / 1024:.1f} MiB (median per shim "
              f"{statistics.median(per_shim) / 1024:.2f} MiB), PSS {shim_pss / 1024:.1f} MiB")
        print(f"flint up processes: {len(flints)}, RSS {app_rss / 1024:.1f} MiB, PSS {app_pss / 1024:.1f} MiB")
        print(f"per app (shim + flint up): RSS {(shim_rss + app_rss) / a.apps / 1024:.2f} MiB, "
              f"PSS {(shim_pss + app_pss) / a.apps / 1024:.2f} MiB")
        with open("/proc/meminfo") as f:
            available = int([l for l in f if l.startswith("MemAvailable:")][0].split()[1])
        print(f"MemAvailable now {available / 1024 / 1024:.1f} GiB: room for about "
              f"{int(available / ((shim_pss + app_pss) / a.apps))} more such apps by PSS")
        for cid in ids:
            containerd.ctr("-n", ns, "task", "kill", "-s", "SIGKILL", cid)
        time.sleep(1)
        for cid in ids:
            containerd.ctr("-n", ns, "task", "delete", cid)
            containerd.ctr("-n", ns, "containers", "delete", cid)
        ids = []

        if a.native_image:
            p = containerd.ctr("-n", ns, "images", "import", a.native_image)
            check(p.returncode == 0, f"import {a.native_image}: {p.stderr.strip()[-200:]}")
            for i in range(a.apps):
                p = containerd.ctr("-n", ns, "run", "-d", "--net-host", a.native_ref, f"native{i}",
                                   *a.native_args.split())
                check(p.returncode == 0, f"native{i} started: {p.stderr.strip()[-200:]}")
                ids.append(f"native{i}")
            time.sleep(2)
            shims = processes_named("containerd-shim-runc-v2")
            rss, pss = total(shims)
            per_shim = [memory_kib(pid)[0] for pid in shims]
            print(f"runc: {len(shims)} containerd-shim-runc-v2 processes for {a.apps} idle native containers, "
                  f"RSS {rss / 1024:.1f} MiB (median per shim {statistics.median(per_shim) / 1024:.2f} MiB), "
                  f"PSS {pss / 1024:.1f} MiB")
    finally:
        for cid in ids:
            containerd.ctr("-n", ns, "task", "kill", "-s", "SIGKILL", cid)
        time.sleep(1)
        for cid in ids:
            containerd.ctr("-n", ns, "task", "delete", cid)
        containerd.stop()
        registry.terminate()
        unmount_under(tmp)
        subprocess.run(["rm", "-rf", tmp])
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
