"""The container contenders of `flint bench` (issue 6): the same static native
binary run in a fresh container by

  - docker (scratch):  an image `FROM scratch` holding only the binaries;
  - docker (debian):   a Debian bookworm image built locally with debootstrap
                       from the configured apt mirror, plus the binaries;
  - runc, crun:        OCI bundles generated here (config.json in the shape
                       of `runc spec`, a rootfs holding the binaries); on a
                       hybrid cgroup v1/v2 machine crun runs in a mount
                       namespace without the v2 mount (HiddenMountNamespace).

Every container uses the host's network (no bridge, no iptables), so a
server in it listens on the host's loopback like every other contender.
Nothing is pulled from a registry: images and bundles are built locally,
once, and cached (see `default_cache_dir`).

Memory of a container is what its cgroup is charged (cgroup v1
memory.usage_in_bytes, or v2 memory.current) plus the resident memory of the
per-container processes that exist only because it is a container (the
containerd shim, a runc or crun still waiting for it); daemons shared by all
containers (dockerd, containerd) are reported apart by `daemons()`.

Everything that touches the machine goes through `Runner` (commands) and
`ProcFs` (/proc, cgroup files), so the logic is tested with fakes; the real
paths are exercised by the opt-in test in test_containers.py.
"""

from __future__ import annotations

import atexit
import hashlib
import itertools
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .http_load import wait_for_port

DEBIAN_SUITE = "bookworm"
DEBIAN_BASE_IMAGE = f"flintbench-debian-base:{DEBIAN_SUITE}"
DEFAULT_DEBIAN_MIRROR = "http://deb.debian.org/debian"
# Loopback-only settings for a Docker engine started here: no bridge, no
# iptables rules, so the host's network is left exactly as it was.
DOCKERD_FLAGS = ("--iptables=false", "--bridge=none", "--storage-driver", "overlay2")
# Processes that exist per container, between the engine and the container's
# first process (/proc/PID/comm is cut at 15 characters).
RUNTIME_PROCESS_NAMES = ("containerd-shim", "runc", "crun", "conmon")
DAEMON_NAMES = ("dockerd", "containerd")
# Where a mount namespace for crun is kept (see HiddenMountNamespace).
NAMESPACE_DIR = Path("/run/flintbench")
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class ContainerError(Exception):
    """A container runtime could not build, start or measure a container;
    the message says what failed and how to fix it where that is known."""


@dataclass
class MemoryReading:
    container_bytes: int  # the container's cgroup memory usage
    runtime_bytes: int  # RSS of its shim/runtime processes


def default_cache_dir(environ: dict[str, str] | None = None) -> Path:
    """$FLINT_BENCH_CACHE, else $XDG_CACHE_HOME/flint-bench, else
    ~/.cache/flint-bench; containers keep their images and bundles in
    `containers/` under it."""
    environ = os.environ if environ is None else environ
    if environ.get("FLINT_BENCH_CACHE"):
        return Path(environ["FLINT_BENCH_CACHE"]) / "containers"
    base = environ.get("XDG_CACHE_HOME") or str(Path(environ.get("HOME", str(Path.home()))) / ".cache")
    return Path(base) / "flint-bench" / "containers"


def default_search_path(environ: dict[str, str] | None = None) -> str:
    """PATH plus the sbin directories, where Debian puts dockerd, runc and
    debootstrap (a user's PATH often lacks them)."""
    environ = os.environ if environ is None else environ
    extra = ["/usr/local/sbin", "/usr/sbin", "/sbin"]
    return os.pathsep.join([environ.get("PATH", ""), *extra])


def content_digest(binaries: dict[str, Path], salt: str) -> str:
    """A short hash of the binaries' names and bytes: the cache key of an
    image or rootfs, so a rebuilt binary gets a new one."""
    h = hashlib.sha256(salt.encode())
    for name in sorted(binaries):
        h.update(name.encode() + b"\0")
        h.update(Path(binaries[name]).read_bytes())
    return h.hexdigest()[:16]


def check_binaries(binaries: dict[str, Path]) -> None:
    for name, path in binaries.items():
        if not SAFE_NAME.match(name):
            raise ContainerError(f"binary name {name!r} is not a plain file name")
        if not Path(path).is_file():
            raise ContainerError(f"binary {name}: {path} does not exist")


# ---- Commands ------------------------------------------------------------------

class Runner:
    """Runs commands; tests replace it with a fake that records them."""

    def run(self, argv: list[str], timeout_s: float = 120, env: dict[str, str] | None = None,
            input_file: Path | None = None) -> subprocess.CompletedProcess:
        stdin = open(input_file, "rb") if input_file else subprocess.DEVNULL
        try:
            return subprocess.run(argv, stdin=stdin, capture_output=True, text=True, timeout=timeout_s,
                                  env=None if env is None else {**os.environ, **env})
        except (OSError, subprocess.TimeoutExpired) as error:
            return subprocess.CompletedProcess(argv, 127, "", str(error))
        finally:
            if input_file:
                stdin.close()

    def popen(self, argv: list[str], log: Path) -> subprocess.Popen:
        with open(log, "wb") as out:
            return subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                    start_new_session=True)


def checked(result: subprocess.CompletedProcess, what: str) -> str:
    if result.returncode != 0:
        detail = (result.stderr or result.stdout or "").strip().splitlines()[-5:]
        raise ContainerError(f"{what} failed (exit {result.returncode}): {' / '.join(detail) or 'no output'}"
                             f" [{' '.join(map(str, result.args))}]")
    return result.stdout


# ---- /proc and cgroups ---------------------------------------------------------

@dataclass
class CgroupMount:
    mountpoint: Path
    root: str  # the hierarchy path mounted there (mountinfo field 4)
    version: int  # 1 or 2
    controllers: frozenset[str]


def unescape_mount_path(text: str) -> str:
    """mountinfo writes space, tab, newline and backslash as \\ooo."""
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), text)


class ProcFs:
    """Reads processes and cgroups under `proc` (a fake tree in tests)."""

    def __init__(self, proc: Path = Path("/proc")):
        self.proc = Path(proc)

    def status_field(self, pid: int, field: str) -> str | None:
        try:
            text = (self.proc / str(pid) / "status").read_text()
        except OSError:
            return None
        for line in text.splitlines():
            key, _, value = line.partition(":")
            if key == field:
                return value.strip()
        return None

    def comm(self, pid: int) -> str:
        try:
            return (self.proc / str(pid) / "comm").read_text().strip()
        except OSError:
            return ""

    def ppid(self, pid: int) -> int:
        value = self.status_field(pid, "PPid")
        return int(value) if value and value.isdigit() else 0

    def rss_bytes(self, pid: int) -> int:
        value = self.status_field(pid, "VmRSS")  # "3212 kB"; absent for kernel threads
        return int(value.split()[0]) * 1024 if value else 0

    def pids(self) -> list[int]:
        try:
            return sorted(int(p.name) for p in self.proc.iterdir() if p.name.isdigit())
        except OSError:
            return []

    def mountpoints(self) -> list[Path]:
        """Every mountpoint of this mount namespace (mountinfo field 5)."""
        return [Path(unescape_mount_path(line.split()[4]))
                for line in (self.proc / "self" / "mountinfo").read_text().splitlines() if len(line.split()) > 4]

    def cgroup_mounts(self) -> list[CgroupMount]:
        """cgroup mounts from mountinfo (proc(5)): fields 4 and 5 are the
        mounted root and the mountpoint; after " - " come the filesystem type,
        the source and the super options (v1 lists its controllers there)."""
        mounts = []
        for line in (self.proc / "self" / "mountinfo").read_text().splitlines():
            left, sep, right = line.partition(" - ")
            fields, tail = left.split(), right.split()
            if not sep or len(fields) < 5 or len(tail) < 3 or tail[0] not in ("cgroup", "cgroup2"):
                continue
            mountpoint = Path(unescape_mount_path(fields[4]))
            options = frozenset(tail[2].split(","))
            mounts.append(CgroupMount(mountpoint, fields[3], 1 if tail[0] == "cgroup" else 2, options))
        return mounts

    def memory_cgroup_file(self, pid: int) -> Path:
        """The file holding the memory charged to PID's cgroup: v1's memory
        controller when the machine has one (on a hybrid v1/v2 machine the v2
        tree has no memory controller), else v2's memory.current."""
        try:
            lines = (self.proc / str(pid) / "cgroup").read_text().splitlines()
        except OSError as error:
            raise ContainerError(f"cannot read the cgroup of process {pid}: {error}") from error
        paths = {}
        for line in lines:
            _, controllers, path = line.split(":", 2)
            if controllers == "":
                paths[2] = path
            elif "memory" in controllers.split(","):
                paths[1] = path
        mounts = self.cgroup_mounts()
        candidates = []
        if 1 in paths:
            candidates += [(m, paths[1], "memory.usage_in_bytes") for m in mounts
                           if m.version == 1 and "memory" in m.controllers]
        if 2 in paths:
            candidates += [(m, paths[2], "memory.current") for m in mounts if m.version == 2]
        for mount, path, name in candidates:
            root = mount.root.rstrip("/")
            if path != root and not path.startswith(root + "/"):
                continue  # that hierarchy is mounted from elsewhere
            file = mount.mountpoint / path[len(root):].lstrip("/") / name
            if file.exists():
                return file
        raise ContainerError(f"no memory cgroup file found for process {pid} (cgroup: {paths})")

    def cgroup_memory_bytes(self, pid: int) -> int:
        file = self.memory_cgroup_file(pid)
        try:
            return int(file.read_text().split()[0])
        except (OSError, ValueError, IndexError) as error:
            raise ContainerError(f"cannot read {file}: {error}") from error

    def runtime_process_bytes(self, container_pid: int) -> int:
        """RSS of the container's ancestors that are per-container runtime
        processes (shim, runc/crun, conmon), stopping at the first that is
        not (the engine, init, or the benchmark itself)."""
        total, pid, seen = 0, self.ppid(container_pid), set()
        while pid > 1 and pid not in seen and self.comm(pid) in RUNTIME_PROCESS_NAMES:
            seen.add(pid)
            total += self.rss_bytes(pid)
            pid = self.ppid(pid)
        return total

    def daemon_bytes(self, names=DAEMON_NAMES) -> dict[str, int]:
        found: dict[str, int] = {}
        for pid in self.pids():
            comm = self.comm(pid)
            if comm in names:
                found[comm] = found.get(comm, 0) + self.rss_bytes(pid)
        return found

    def hybrid_cgroup2_mounts(self) -> list[Path]:
        """The cgroup v2 mounts of a hybrid v1/v2 machine (crun refuses to run
        there: "cgroups in hybrid mode not supported")."""
        mounts = self.cgroup_mounts()
        if not any(m.version == 1 for m in mounts):
            return []
        return [m.mountpoint for m in mounts if m.version == 2]


# ---- Running servers ---------------------------------------------------------

class RunningServer:
    """A server in a container; a context manager that stops it on exit."""

    def __init__(self, container_pid, stop, procfs: ProcFs, description: str):
        self._container_pid, self._stop, self.procfs = container_pid, stop, procfs
        self.description = description
        self._stopped = False

    def pid(self) -> int:
        """The container's first process, as the host sees it."""
        return self._container_pid()

    def memory(self) -> MemoryReading:
        pid = self.pid()
        return MemoryReading(self.procfs.cgroup_memory_bytes(pid), self.procfs.runtime_process_bytes(pid))

    def stop(self) -> None:
        if not self._stopped:
            self._stopped = True
            self._stop()

    def __enter__(self) -> "RunningServer":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


class ContainerRuntime:
    """One container contender; see the module docstring."""

    name: str = ""

    def probe(self) -> tuple[bool, str]:
        raise NotImplementedError

    def prepare(self, binaries: dict[str, Path]) -> None:
        raise NotImplementedError

    def argv(self, binary: str, args: list[str]) -> list[str]:
        raise NotImplementedError

    def start_server(self, binary: str, args: list[str], port: int, cpu: int | None = None) -> RunningServer:
        """Starts `binary args` as a server in a fresh container (on CPU `cpu`
        only, when given, as the other contenders' servers are pinned with
        taskset) and returns once PORT accepts connections."""
        raise NotImplementedError

    def daemons(self) -> dict[str, int]:
        return {}


_server_ids = itertools.count()


def server_name(binary: str) -> str:
    """A container name unique to this process and server."""
    return f"flintbench-{binary}-{os.getpid()}-{next(_server_ids)}".replace("_", "-").lower()


# ---- Docker --------------------------------------------------------------------

class DockerEngine:
    """The Docker engine both docker contenders share. When `docker` is
    installed but no engine answers, and we are root, it starts dockerd with
    loopback-only settings and stops it when the benchmark exits."""

    def __init__(self, search_path: str, cache_dir: Path, runner: Runner, procfs: ProcFs):
        self.docker = shutil.which("docker", path=search_path)
        self.dockerd = shutil.which("dockerd", path=search_path)
        self.cache_dir, self.runner, self.procfs = cache_dir, runner, procfs
        self.started: subprocess.Popen | None = None
        self._status: tuple[bool, str] | None = None

    def server_version(self) -> tuple[bool, str]:
        result = self.runner.run([self.docker, "version", "--format", "{{.Server.Version}}"], timeout_s=30)
        text = (result.stdout or "").strip()
        if result.returncode == 0 and text:
            return True, text
        lines = (result.stderr or result.stdout or "").strip().splitlines()
        return False, lines[-1] if lines else "no answer"

    def ensure_running(self) -> tuple[bool, str]:
        """(True, "docker ENGINE_VERSION (client CLIENT_VERSION)") or (False, why)."""
        if self._status is not None:
            return self._status
        self._status = self._ensure_running()
        return self._status

    def _ensure_running(self) -> tuple[bool, str]:
        if not self.docker:
            return False, "docker not found on PATH (Debian: apt-get install docker.io)"
        ok, version = self.server_version()
        if not ok:
            if not self.dockerd:
                return False, f"the Docker engine is not running and dockerd is not installed ({version})"
            if os.geteuid() != 0:
                return False, f"the Docker engine is not running, and starting dockerd needs root ({version})"
            ok, version = self.start_dockerd()
            if not ok:
                return False, version
        client = self.runner.run([self.docker, "version", "--format", "{{.Client.Version}}"], timeout_s=30)
        started = ", started by flint bench" if self.started else ""
        return True, f"docker {version} (client {client.stdout.strip() or 'unknown'}{started})"

    def start_dockerd(self, timeout_s: float = 60) -> tuple[bool, str]:
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        log = self.cache_dir / "dockerd.log"
        self.started = self.runner.popen([self.dockerd, *DOCKERD_FLAGS], log)
        atexit.register(self.stop_dockerd)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.started.poll() is not None:
                tail = log.read_text(errors="replace").strip().splitlines()[-3:]
                self.started = None
                return False, f"dockerd exited at start ({' / '.join(tail)}; log: {log})"
            ok, version = self.server_version()
            if ok:
                return True, version
            time.sleep(0.25)
        self.stop_dockerd()
        return False, f"dockerd did not answer within {timeout_s:.0f} s (log: {log})"

    def stop_dockerd(self) -> None:
        process, self.started = self.started, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)  # dockerd stops its containerd itself
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def image_exists(self, tag: str) -> bool:
        return self.runner.run([self.docker, "image", "inspect", "--format", "{{.Id}}", tag],
                               timeout_s=30).returncode == 0

    def daemons(self) -> dict[str, int]:
        return self.procfs.daemon_bytes(DAEMON_NAMES)


def debian_mirror(sources_dir: Path = Path("/etc/apt")) -> str:
    """The Debian mirror apt is configured with (deb822 .sources files or
    one-line sources.list), so debootstrap uses the same one."""
    files = sorted((sources_dir / "sources.list.d").glob("*.sources")) + [sources_dir / "sources.list"]
    files += sorted((sources_dir / "sources.list.d").glob("*.list"))
    for file in files:
        try:
            text = file.read_text()
        except OSError:
            continue
        if file.suffix == ".sources":
            for stanza in re.split(r"\n\s*\n", text):
                fields = dict(re.findall(r"^([A-Za-z-]+):\s*(.*)$", stanza, re.M))
                suites = fields.get("Suites", "").split()
                if DEBIAN_SUITE in suites and fields.get("Enabled", "yes") != "no":
                    return fields.get("URIs", "").split()[0]
        else:
            for line in text.splitlines():
                m = re.match(r"^\s*deb\s+(?:\[[^]]*\]\s+)?(\S+)\s+(\S+)", line)
                if m and m.group(2) == DEBIAN_SUITE:
                    return m.group(1)
    return DEFAULT_DEBIAN_MIRROR


def remove_rootfs(target: Path, runner: Runner, procfs: ProcFs) -> None:
    """Deletes a debootstrap target. debootstrap mounts /proc and /sys (and
    may bind /dev) inside it and leaves them mounted when it fails, so those
    are unmounted first, deepest first, and the delete never crosses into
    another filesystem: deleting through a bound /dev would hit the host."""
    target = target.resolve()
    if not target.exists():
        return
    inside = [m for m in procfs.mountpoints() if m == target or target in m.parents]
    for mountpoint in sorted(inside, key=lambda m: len(m.parts), reverse=True):
        runner.run(["umount", "--lazy", str(mountpoint)], timeout_s=60)
    if any(m == target or target in m.parents for m in procfs.mountpoints()):
        raise ContainerError(f"cannot unmount what debootstrap mounted under {target}; remove it by hand")
    checked(runner.run(["rm", "-rf", "--one-file-system", str(target)], timeout_s=600), f"removing {target}")


class DockerRuntime(ContainerRuntime):
    """`docker run --rm --network host IMAGE /BINARY ARGS` on an image built
    here: FROM scratch, or FROM a Debian base image made with debootstrap."""

    def __init__(self, engine: DockerEngine, flavor: str, search_path: str):
        if flavor not in ("scratch", "debian"):
            raise ValueError(flavor)
        self.engine, self.flavor = engine, flavor
        self.name = f"docker ({flavor})"
        self.debootstrap = shutil.which("debootstrap", path=search_path)
        self.images: dict[str, str] = {}

    def probe(self) -> tuple[bool, str]:
        ok, version = self.engine.ensure_running()
        if ok and self.flavor == "debian" and not self.debootstrap and not self.engine.image_exists(DEBIAN_BASE_IMAGE) \
                and not self.base_tarball().exists():
            return False, "debootstrap not found on PATH (Debian: apt-get install debootstrap)"
        return ok, version

    def base_tarball(self) -> Path:
        return self.engine.cache_dir / f"debian-{DEBIAN_SUITE}-minbase.tar"

    def dockerfile(self, binaries: dict[str, Path]) -> str:
        base = "scratch" if self.flavor == "scratch" else DEBIAN_BASE_IMAGE
        lines = [f"FROM {base}"] + [f"COPY {name} /{name}" for name in sorted(binaries)]
        return "\n".join(lines) + "\n"

    def build_commands(self, tag: str, context: Path) -> list[list[str]]:
        # The classic builder: it needs neither BuildKit nor buildx, which
        # Debian's docker.io may lack (DOCKER_BUILDKIT=0 in the environment).
        return [[self.engine.docker, "build", "--quiet", "--tag", tag, str(context)]]

    def prepare(self, binaries: dict[str, Path]) -> None:
        check_binaries(binaries)
        ok, why = self.engine.ensure_running()
        if not ok:
            raise ContainerError(why)
        if not binaries:
            return
        tag = f"flintbench-{self.flavor}:{content_digest(binaries, self.flavor)}"
        if not self.engine.image_exists(tag):
            self.engine.cache_dir.mkdir(parents=True, exist_ok=True)
            if self.flavor == "debian":
                self.ensure_debian_base()
            with tempfile.TemporaryDirectory(dir=self.engine.cache_dir, prefix="context-") as tmp:
                context = Path(tmp)
                for name, path in binaries.items():
                    shutil.copy2(path, context / name)
                (context / "Dockerfile").write_text(self.dockerfile(binaries))
                for argv in self.build_commands(tag, context):
                    checked(self.engine.runner.run(argv, timeout_s=600, env={"DOCKER_BUILDKIT": "0"}),
                            f"building image {tag}")
        for name in binaries:
            self.images[name] = tag

    def debootstrap_commands(self, target: Path, mirror: str) -> list[list[str]]:
        return [[self.debootstrap, "--variant=minbase", DEBIAN_SUITE, str(target), mirror],
                ["tar", "--numeric-owner", "-C", str(target), "-cf", str(self.base_tarball()) + ".part", "."]]

    def ensure_debian_base(self) -> None:
        """The Debian base image, imported from a debootstrap tarball kept in
        the cache (so a wiped Docker store does not mean a new debootstrap)."""
        if self.engine.image_exists(DEBIAN_BASE_IMAGE):
            return
        tarball = self.base_tarball()
        if not tarball.exists():
            if not self.debootstrap:
                raise ContainerError("debootstrap not found on PATH (Debian: apt-get install debootstrap)")
            if os.geteuid() != 0:
                raise ContainerError("building the Debian image with debootstrap needs root")
            target = self.engine.cache_dir / f"debian-{DEBIAN_SUITE}-rootfs"
            remove_rootfs(target, self.engine.runner, self.engine.procfs)
            try:
                for argv in self.debootstrap_commands(target, debian_mirror()):
                    checked(self.engine.runner.run(argv, timeout_s=1800), "building the Debian rootfs")
                os.replace(str(tarball) + ".part", tarball)
            finally:
                remove_rootfs(target, self.engine.runner, self.engine.procfs)
        checked(self.engine.runner.run([self.engine.docker, "import", str(tarball), DEBIAN_BASE_IMAGE],
                                       timeout_s=600), "importing the Debian base image")

    def image(self, binary: str) -> str:
        if binary not in self.images:
            raise ContainerError(f"{self.name}: {binary} was not prepared")
        return self.images[binary]

    def argv(self, binary: str, args: list[str]) -> list[str]:
        return [self.engine.docker, "run", "--rm", "--network", "host", self.image(binary), f"/{binary}", *args]

    def start_server(self, binary: str, args: list[str], port: int, cpu: int | None = None) -> RunningServer:
        name = server_name(binary)
        run = self.engine.runner.run
        pin = ["--cpuset-cpus", str(cpu)] if cpu is not None else []
        argv = [self.engine.docker, "run", "--detach", "--rm", "--network", "host", *pin, "--name", name,
                self.image(binary), f"/{binary}", *args]
        container = checked(run(argv, timeout_s=120), f"starting {binary} in docker").strip()

        def stop() -> None:
            run([self.engine.docker, "rm", "--force", container], timeout_s=60)

        def pid() -> int:
            out = checked(run([self.engine.docker, "inspect", "--format", "{{.State.Pid}}", container]),
                          "docker inspect")
            if not out.strip().isdigit() or int(out) == 0:
                raise ContainerError(f"container {name} is not running")
            return int(out)

        def alive() -> bool:
            out = run([self.engine.docker, "inspect", "--format", "{{.State.Running}}", container])
            return out.stdout.strip() == "true"

        server = RunningServer(pid, stop, self.engine.procfs, " ".join(argv))
        try:
            wait_for_port("127.0.0.1", port, 30, alive=alive)
        except Exception as error:
            logs = run([self.engine.docker, "logs", container])
            server.stop()
            raise ContainerError(f"{self.name}: server did not start: {error}; output: "
                                 f"{(logs.stdout + logs.stderr).strip()[-500:]}") from error
        return server

    def daemons(self) -> dict[str, int]:
        return self.engine.daemons()


# ---- runc and crun ---------------------------------------------------------------

def oci_config(args: list[str], rootfs: Path, cgroups_path: str, hostname: str, cpu: int | None = None) -> dict:
    """An OCI runtime config (runtime-spec config.md) in the shape `runc spec`
    writes, without a terminal and without a network namespace: the process
    uses the host's network, as `docker run --network host` does."""
    caps = ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]
    return {
        "ociVersion": "1.0.2",
        "process": {
            "terminal": False,
            "user": {"uid": 0, "gid": 0},
            "args": list(args),
            "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
            "cwd": "/",
            "capabilities": {k: caps for k in ("bounding", "effective", "permitted", "ambient")},
            "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 4096, "soft": 4096}],
            "noNewPrivileges": True,
        },
        "root": {"path": str(rootfs), "readonly": True},
        "hostname": hostname,
        "mounts": [
            {"destination": "/proc", "type": "proc", "source": "proc"},
            {"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
             "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
            {"destination": "/dev/pts", "type": "devpts", "source": "devpts",
             "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]},
            {"destination": "/dev/shm", "type": "tmpfs", "source": "shm",
             "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
            {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue",
             "options": ["nosuid", "noexec", "nodev"]},
            {"destination": "/sys", "type": "sysfs", "source": "sysfs",
             "options": ["nosuid", "noexec", "nodev", "ro"]},
        ],
        "linux": {
            "cgroupsPath": cgroups_path,
            "resources": {"devices": [{"allow": False, "access": "rwm"}],
                          **({"cpu": {"cpus": str(cpu)}} if cpu is not None else {})},
            "namespaces": [{"type": t} for t in ("pid", "ipc", "uts", "mount")],
            "maskedPaths": ["/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
                            "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware",
                            "/proc/scsi"],
            "readonlyPaths": ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"],
        },
    }


class HiddenMountNamespace:
    """A persistent mount namespace in which some mounts are gone, kept as a
    bind mount of its nsfs file under `directory` (a tmpfs under /run, so a
    reboot forgets it) and removed at exit if made here. The directory is
    bound onto itself and made private first, as `ip netns` does, because a
    namespace file cannot be bound onto a shared mount."""

    def __init__(self, directory: Path, hidden: list[Path], runner: Runner, procfs: ProcFs, unshare: str):
        self.directory, self.hidden, self.runner, self.procfs = Path(directory), hidden, runner, procfs
        self.unshare = unshare
        self.file = self.directory / "crun-mnt"
        self.ready = False
        self.bound = False  # the directory's bind mount is ours to remove

    def setup_commands(self) -> list[list[str]]:
        d = str(self.directory)
        umounts = " && ".join(f"umount {shlex.quote(str(m))}" for m in self.hidden)
        bind = [] if self.directory in self.procfs.mountpoints() else \
            [["mount", "--bind", d, d], ["mount", "--make-private", d]]
        return bind + [[self.unshare, f"--mount={self.file}", "--propagation", "private", "sh", "-c", umounts]]

    def ensure(self) -> Path:
        if self.ready or self.file in self.procfs.mountpoints():
            self.ready = True
            return self.file
        self.directory.mkdir(parents=True, exist_ok=True)
        commands = self.setup_commands()
        self.bound = len(commands) > 1
        self.file.touch()
        atexit.register(self.remove)
        for argv in commands:
            checked(self.runner.run(argv, timeout_s=30), "making a mount namespace without the cgroup v2 mount")
        self.ready = True
        return self.file

    def remove(self) -> None:
        self.runner.run(["umount", str(self.file)], timeout_s=30)
        if self.bound:
            self.runner.run(["umount", str(self.directory)], timeout_s=30)
        try:
            self.file.unlink()
            self.directory.rmdir()
        except OSError:
            pass  # still mounted or not ours alone: left as it is
        self.ready = False


class OciRuntime(ContainerRuntime):
    """`runc run --bundle B ID` (or crun) on a bundle generated here; the
    bundle's config.json holds the command, so each (binary, args) pair gets
    its own bundle, all sharing one read-only rootfs."""

    def __init__(self, tool: str, search_path: str, cache_dir: Path, runner: Runner, procfs: ProcFs,
                 namespace_dir: Path = NAMESPACE_DIR):
        self.name = tool
        self.path = shutil.which(tool, path=search_path)
        self.unshare = shutil.which("unshare", path=search_path)
        self.nsenter = shutil.which("nsenter", path=search_path)
        self.namespace_dir = namespace_dir
        self.namespace: HiddenMountNamespace | None = None
        self.cache_dir, self.runner, self.procfs = cache_dir / tool, runner, procfs
        self.rootfs: dict[str, Path] = {}
        self.swept = False

    def hidden_mounts(self) -> list[Path]:
        """Mounts to hide from this runtime: crun refuses a hybrid v1/v2
        cgroup setup ("cgroups in hybrid mode not supported"), so it runs in
        a mount namespace where the v2 mount is gone and only v1 is left."""
        return self.procfs.hybrid_cgroup2_mounts() if self.name == "crun" else []

    def wrap(self, argv: list[str]) -> list[str]:
        """argv, entering the namespace of hidden_mounts() first when there
        is one. A namespace made once and entered with nsenter costs one exec
        (about 1 ms) per command, where unshare + umount per command cost
        several; that cost is in crun's startup figure either way."""
        if not self.hidden_mounts():
            return argv
        if self.namespace is None:
            self.namespace = HiddenMountNamespace(self.namespace_dir, self.hidden_mounts(), self.runner,
                                                  self.procfs, self.unshare or "unshare")
        return [self.nsenter or "nsenter", f"--mount={self.namespace.ensure()}", *argv]

    def probe(self) -> tuple[bool, str]:
        if not self.path:
            return False, f"{self.name} not found on PATH (Debian: apt-get install {self.name})"
        if os.geteuid() != 0:
            return False, f"{self.name} needs root here (rootless containers are not set up)"
        if self.hidden_mounts() and not (self.unshare and self.nsenter):
            return False, "crun needs unshare and nsenter (util-linux) to hide the cgroup v2 mount of this hybrid machine"
        result = self.runner.run([self.path, "--version"], timeout_s=30)
        if result.returncode != 0:
            return False, f"{self.name} --version failed: {(result.stderr or result.stdout).strip()}"
        return True, result.stdout.strip().splitlines()[0] if result.stdout.strip() else self.name

    def prepare(self, binaries: dict[str, Path]) -> None:
        check_binaries(binaries)
        if not self.path:
            raise ContainerError(f"{self.name} not found on PATH")
        if not self.swept:
            self.swept = True
            self.delete_stopped()
        if not binaries:
            return
        rootfs = self.cache_dir / f"rootfs-{content_digest(binaries, 'oci')}"
        if not rootfs.is_dir():
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(dir=self.cache_dir, prefix="rootfs-staging-"))
            try:
                for d in ("proc", "dev", "sys", "tmp"):  # the mountpoints of oci_config
                    (staging / d).mkdir()
                for name, path in binaries.items():
                    shutil.copy2(path, staging / name)
                    os.chmod(staging / name, 0o755)
                staging.chmod(0o755)
                os.replace(staging, rootfs)  # atomic: a half-built rootfs is never used
            except Exception:
                shutil.rmtree(staging, ignore_errors=True)
                if not rootfs.is_dir():
                    raise
        for name in binaries:
            self.rootfs[name] = rootfs

    def delete_stopped(self) -> None:
        """Deletes stopped containers of ours that a killed run left behind:
        argv() reuses one container id per command, which `run` would
        otherwise refuse as taken. Running ones are left alone."""
        result = self.runner.run(self.wrap([self.path, "list", "--format", "json"]), timeout_s=30)
        try:
            entries = json.loads(result.stdout or "null") or [] if result.returncode == 0 else []
        except ValueError:
            return
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, dict) and str(entry.get("id", "")).startswith("flintbench-") \
                    and entry.get("status") == "stopped":
                self.runner.run(self.wrap([self.path, "delete", str(entry["id"])]), timeout_s=30)

    def bundle(self, binary: str, args: list[str], container_id: str, cpu: int | None = None) -> Path:
        if binary not in self.rootfs:
            raise ContainerError(f"{self.name}: {binary} was not prepared")
        config = oci_config([f"/{binary}", *args], self.rootfs[binary], f"/flintbench/{container_id}",
                            self.name, cpu)
        text = json.dumps(config, indent=1, sort_keys=True)
        bundle = self.cache_dir / "bundles" / f"{container_id}"
        bundle.mkdir(parents=True, exist_ok=True)
        path = bundle / "config.json"
        if not path.exists() or path.read_text() != text:
            tmp = bundle / "config.json.part"
            tmp.write_text(text)
            os.replace(tmp, path)
        return bundle

    def argv(self, binary: str, args: list[str]) -> list[str]:
        # One bundle and container id per command: runs of it are sequential,
        # and `run` deletes the container when it exits.
        key = hashlib.sha256(json.dumps([binary, args]).encode()).hexdigest()[:10]
        container_id = f"flintbench-{binary}-{key}".lower()
        bundle = self.bundle(binary, args, container_id)
        return self.wrap([self.path, "run", "--bundle", str(bundle), container_id])

    def start_server(self, binary: str, args: list[str], port: int, cpu: int | None = None) -> RunningServer:
        container_id = server_name(binary)
        bundle = self.bundle(binary, args, container_id, cpu)
        argv = self.wrap([self.path, "run", "--bundle", str(bundle), container_id])
        log = bundle / "server.log"
        process = self.runner.popen(argv, log)

        def stop() -> None:
            self.runner.run(self.wrap([self.path, "kill", container_id, "KILL"]), timeout_s=30)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            self.runner.run(self.wrap([self.path, "delete", "--force", container_id]), timeout_s=30)
            shutil.rmtree(bundle, ignore_errors=True)

        def pid() -> int:
            out = checked(self.runner.run(self.wrap([self.path, "state", container_id]), timeout_s=30),
                          f"{self.name} state")
            try:
                return int(json.loads(out)["pid"])
            except (ValueError, KeyError, TypeError) as error:
                raise ContainerError(f"{self.name} state: no pid in {out.strip()[:200]!r}") from error

        server = RunningServer(pid, stop, self.procfs, " ".join(argv))
        try:
            wait_for_port("127.0.0.1", port, 30, alive=lambda: process.poll() is None)
        except Exception as error:
            output = log.read_text(errors="replace").strip()[-500:] if log.exists() else ""
            server.stop()
            raise ContainerError(f"{self.name}: server did not start: {error}; output: {output}") from error
        return server


# ---- Discovery ----------------------------------------------------------------

def discover(cache_dir: Path | None = None, search_path: str | None = None, runner: Runner | None = None,
             procfs: ProcFs | None = None) -> list[ContainerRuntime]:
    """All four container contenders, available or not (probe() tells)."""
    cache_dir = Path(cache_dir) if cache_dir else default_cache_dir()
    search_path = default_search_path() if search_path is None else search_path
    runner, procfs = runner or Runner(), procfs or ProcFs()
    engine = DockerEngine(search_path, cache_dir / "docker", runner, procfs)
    return [DockerRuntime(engine, "scratch", search_path), DockerRuntime(engine, "debian", search_path),
            OciRuntime("runc", search_path, cache_dir, runner, procfs),
            OciRuntime("crun", search_path, cache_dir, runner, procfs)]
