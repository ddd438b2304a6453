#!/usr/bin/env python3
"""Resident memory of one `flint up` serving N apps that use the same
component, after every route has served one request (so every component is
loaded): the per-extra-app figure of issue 13.

Usage: up_memory.py FLINT COMPONENT.wasm [N...]   (default N: 1 100)
`flint bench --workloads serve` measures the same with its own report; this
is the quick form.
"""
import http.client
import os
import re
import subprocess
import sys
import tempfile
import time


def rss_after_serving(flint, wasm, n, root):
    d = os.path.join(root, f"n{n}")
    os.makedirs(d)
    with open(os.path.join(d, "spin.toml"), "w") as f:
        f.write('spin_manifest_version = 2\n[application]\nname = "many"\n')
        for i in range(n):
            f.write(f'[[trigger.http]]\nroute = "/r{i}"\ncomponent = "c{i}"\n'
                    f'[component.c{i}]\nsource = "{wasm}"\n')
    p = subprocess.Popen([flint, "up", "--from", d, "--listen", "127.0.0.1:0"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        port = int(re.match(r"Serving http://127.0.0.1:(\d+)", p.stdout.readline()).group(1))
        for i in range(n):
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            c.request("GET", f"/r{i}")
            r = c.getresponse()
            r.read()
            if r.status != 200:
                raise SystemExit(f"/r{i} answered {r.status}")
        time.sleep(1)
        with open(f"/proc/{p.pid}/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmRSS"))
    finally:
        p.terminate()
        p.wait()


def main():
    flint, wasm = sys.argv[1], os.path.abspath(sys.argv[2])
    counts = [int(a) for a in sys.argv[3:]] or [1, 100]
    with tempfile.TemporaryDirectory() as root:
        rss = {n: rss_after_serving(flint, wasm, n, root) for n in counts}
    for n in counts:
        print(f"{n} apps: {rss[n]} KiB resident after every route served")
    lo, hi = min(counts), max(counts)
    if hi > lo:
        print(f"per extra app: {(rss[hi] - rss[lo]) / (hi - lo):.1f} KiB")


if __name__ == "__main__":
    main()
