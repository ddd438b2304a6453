"""A private containerd for the shim's end-to-end tests (ctr_test.py,
cri_test.py): its own root, state and sockets under a temporary directory,
the build directory first on the PATH it hands to shims, stopped by PID."""
import os
import subprocess
import sys
import time

RUNTIME = "io.containerd.flint.v1"


def skip(why):
    print(f"skipped: {why}")
    sys.exit(77)


class Containerd:
    """containerd with `cri` (a CRI plugin section) or with the CRI plugin off."""

    def __init__(self, tmp, path_dirs, cri=None):
        self.tmp = tmp
        self.sock = os.path.join(tmp, "containerd.sock")
        config = os.path.join(tmp, "containerd.toml")
        disabled = "" if cri else 'disabled_plugins = ["io.containerd.grpc.v1.cri"]'
        with open(config, "w") as f:
            f.write(f"""version = 2
root = "{tmp}/root"
state = "{tmp}/state"
{disabled}
imports = []
[grpc]
  address = "{self.sock}"
[ttrpc]
  address = "{self.sock}.ttrpc"
[debug]
  address = "{tmp}/debug.sock"
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "{tmp}/opt"
{cri or ""}
""")
        env = dict(os.environ)
        env["PATH"] = ":".join(path_dirs + [env.get("PATH", "/usr/bin:/bin")])
        self.log_path = os.path.join(tmp, "containerd.log")
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(["containerd", "--config", config], stdout=self.log,
                                     stderr=subprocess.STDOUT, env=env)
        for _ in range(100):
            if self.ctr("version").returncode == 0:
                return
            time.sleep(0.1)
        self.stop()
        raise SystemExit("containerd did not start: " + open(self.log_path).read()[-2000:])

    def ctr(self, *args, timeout=120):
        return subprocess.run(["ctr", "-a", self.sock, *args], capture_output=True, text=True,
                              timeout=timeout)

    def log_tail(self, size=3000):
        return open(self.log_path).read()[-size:]

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def shim_pids():
    """The pids of running containerd-shim-flint-v1 daemons: not counting
    their children that have not executed flint yet (a pod sandbox's parked
    process never does)."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as f:
                    if b"containerd-shim-flint-v1" not in f.read().split(b"\0")[0]:
                        continue
                with open(f"/proc/{entry}/stat") as f:
                    parents[int(entry)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    return [pid for pid, parent in parents.items() if parent not in parents]


def unmount_under(path):
    """Lazily unmounts whatever a failed run left mounted under `path`."""
    for line in open("/proc/mounts"):
        if path in line:
            subprocess.run(["umount", "-l", line.split()[1]])


def push_image(flint, ctr, source, ref, ns, check):
    """`flint push --image` of `source` to `ref`, then `ctr images pull` into `ns`."""
    p = subprocess.run([flint, "push", "--image", "-f", source, ref], capture_output=True,
                       text=True, timeout=120)
    check(p.returncode == 0, f"flint push --image {os.path.basename(source)}: {p.stderr.strip()}")
    p = ctr("-n", ns, "images", "pull", "--plain-http", ref)
    check(p.returncode == 0, f"ctr images pull {ref}: {p.stderr.strip()[-300:]}")
