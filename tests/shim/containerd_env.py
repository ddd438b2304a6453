"""A private containerd for the shim's end-to-end tests (ctr_test.py,
cri_test.py): its own root, state and sockets under a temporary directory,
the build directory first on the PATH it hands to shims, stopped by PID."""
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request

RUNTIME = "io.containerd.flint.v1"


def skip(why):
    print(f"skipped: {why}")
    sys.exit(77)


def add_containerd_bin_args(ap):
    """The options choosing the containerd under test: Debian's on PATH, a
    directory (--containerd-bin), or one an environment variable names
    (--containerd-bin-env: ctest's containerd 2.x variants, skipped when
    the variable is unset)."""
    ap.add_argument("--containerd-bin", help="a directory holding another containerd and ctr "
                    "(e.g. 2.4 built from the Go proxy); default: Debian's on PATH")
    ap.add_argument("--containerd-bin-env", help="the environment variable naming such a directory "
                    "(its containerd must be 2.x); the test skips when it is unset")


def containerd_bin_dir(a):
    """The directory --containerd-bin or --containerd-bin-env names; None:
    Debian's containerd on PATH. Skips when the variable names nothing."""
    if not a.containerd_bin_env:
        return a.containerd_bin
    d = os.environ.get(a.containerd_bin_env)
    if not d:
        skip(f"${a.containerd_bin_env} is not set (a directory holding containerd 2.x and ctr; "
             "../shared/orchestration-lab/FACTS.md builds 2.4 from the Go module proxy)")
    if not os.access(os.path.join(d, "containerd"), os.X_OK):
        skip(f"no containerd in ${a.containerd_bin_env} ({d})")
    return d


CNI_PLUGIN_DIRS = ("/usr/lib/cni", "/opt/cni/bin")  # Debian's containernetworking-plugins, upstream's


class PodNetwork:
    """A CNI bridge network for the CRI plugin's pods, set up under `tmp`
    before containerd starts: Debian's bridge, host-local and loopback
    plugins linked into tmp/cni/bin, a conflist naming a bridge and a /24 of
    this process's own (tests may run side by side). `available` is False
    when the plugins are missing; `remove()` deletes the bridge."""

    def __init__(self, tmp):
        plugins = next((d for d in CNI_PLUGIN_DIRS if os.access(os.path.join(d, "bridge"), os.X_OK)), None)
        self.available = plugins is not None
        self.bridge = f"flint{os.getpid() % 100000}"
        self.subnet_prefix = f"10.233.{os.getpid() % 250}."
        bin_dir, conf_dir = os.path.join(tmp, "cni", "bin"), os.path.join(tmp, "cni", "conf")
        os.makedirs(bin_dir, exist_ok=True)
        os.makedirs(conf_dir, exist_ok=True)
        if not self.available:
            return
        for plugin in ("bridge", "host-local", "loopback", "portmap"):
            if os.path.exists(os.path.join(plugins, plugin)):
                os.symlink(os.path.join(plugins, plugin), os.path.join(bin_dir, plugin))
        with open(os.path.join(conf_dir, "10-flint-test.conflist"), "w") as f:
            json.dump({"cniVersion": "0.4.0", "name": "flint-test", "plugins": [{
                "type": "bridge", "bridge": self.bridge, "isGateway": True, "ipMasq": False,
                "ipam": {"type": "host-local", "ranges": [[{"subnet": self.subnet_prefix + "0/24"}]],
                         "dataDir": os.path.join(tmp, "cni", "ipam")}}]}, f)

    def remove(self):
        if self.available:
            subprocess.run(["ip", "link", "del", self.bridge], capture_output=True)


def cri_section(version, tmp, sandbox_image):
    """The CRI plugin's configuration: a `flint` runtime handler (the
    default), CNI from tmp/cni (PodNetwork; without it only host-network
    pods run), `sandbox_image` as the pod sandbox image; in containerd 1.x's schema (version 2) or 2.x's (3)."""
    if version == 2:
        return f"""[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "{sandbox_image}"
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "{tmp}/cni/bin"
    conf_dir = "{tmp}/cni/conf"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "flint"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.flint]
      runtime_type = "io.containerd.flint.v1"
"""
    return f"""[plugins."io.containerd.cri.v1.images"]
  snapshotter = "overlayfs"
  [plugins."io.containerd.cri.v1.images".pinned_images]
    sandbox = "{sandbox_image}"
[plugins."io.containerd.cri.v1.runtime"]
  restrict_oom_score_adj = true
  [plugins."io.containerd.cri.v1.runtime".cni]
    bin_dirs = ["{tmp}/cni/bin"]
    conf_dir = "{tmp}/cni/conf"
  [plugins."io.containerd.cri.v1.runtime".containerd]
    default_runtime_name = "flint"
    [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.flint]
      runtime_type = "io.containerd.flint.v1"
[plugins."io.containerd.grpc.v1.cri"]
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
"""


class Containerd:
    """containerd (Debian's on PATH, or the one in `bin_dir`), with its CRI
    plugin configured for `sandbox_image` when given, else with it off."""

    def __init__(self, tmp, path_dirs, bin_dir=None, sandbox_image=None):
        self.tmp = tmp
        self.sock = os.path.join(tmp, "containerd.sock")
        self.containerd = os.path.join(bin_dir, "containerd") if bin_dir else "containerd"
        self.ctr_path = os.path.join(bin_dir, "ctr") if bin_dir else "ctr"
        version_text = subprocess.run([self.containerd, "--version"], capture_output=True, text=True).stdout
        self.major = 2 if " v2." in version_text or " 2." in version_text else 1
        self.version = version_text.strip()
        schema = 3 if self.major >= 2 else 2
        config = os.path.join(tmp, "containerd.toml")
        cri = cri_section(schema, tmp, sandbox_image) if sandbox_image else ""
        disabled = "" if sandbox_image else (
            'disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.cri.v1.runtime", '
            '"io.containerd.cri.v1.images"]' if schema == 3 else 'disabled_plugins = ["io.containerd.grpc.v1.cri"]')
        with open(config, "w") as f:
            f.write(f"""version = {schema}
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
{cri}
""")
        env = dict(os.environ)
        env["PATH"] = ":".join(path_dirs + [env.get("PATH", "/usr/bin:/bin")])
        self.log_path = os.path.join(tmp, "containerd.log")
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen([self.containerd, "--config", config], stdout=self.log,
                                     stderr=subprocess.STDOUT, env=env)
        for _ in range(100):
            if self.ctr("version").returncode == 0:
                return
            time.sleep(0.1)
        self.stop()
        raise SystemExit("containerd did not start: " + open(self.log_path).read()[-2000:])

    def ctr(self, *args, timeout=120):
        return subprocess.run([self.ctr_path, "-a", self.sock, *args], capture_output=True, text=True,
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


def shims_left_after(before, seconds=10):
    """The shim daemons running that were not in `before`, once they are all
    gone or `seconds` have passed: a shim exits shortly after containerd
    deletes its last task, later on a loaded machine."""
    deadline = time.monotonic() + seconds
    while True:
        left = set(shim_pids()) - before
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.1)


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


def get_http(url, tries=300):
    """(status, body) of GET `url`, retried while the server comes up; None."""
    for _ in range(tries):
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                return r.status, r.read().decode()
        except Exception:
            time.sleep(0.1)
    return None


def tear_down(containerd, registry, tmp, failures):
    """Stops containerd and the registry, undoes mounts, removes `tmp`, and
    returns the test's exit code (printing the containerd log on failure)."""
    containerd.stop()
    registry.terminate()
    registry.wait(timeout=10)
    unmount_under(tmp)
    if failures:
        print("containerd log tail:\n" + containerd.log_tail())
    shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        print(f"{len(failures)} failure(s)")
        return 1
    print("all passed")
    return 0
