"""The runc and crun contenders: `runc run --bundle B ID` on OCI bundles
generated here (config.json in the shape of `runc spec`, host network, a
read-only rootfs holding the binaries). On a hybrid cgroup v1/v2 machine
crun runs in a mount namespace without the v2 mount."""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import shlex
import shutil
import subprocess
import tempfile
from pathlib import Path

from .container_base import (ContainerError, ContainerRuntime, Runner, RunningServer, check_binaries, checked,
                             content_digest, server_name)
from .container_procfs import PeakCgroup, ProcFs
from .http_load import wait_for_port

# Where a mount namespace for crun is kept (see HiddenMountNamespace).
NAMESPACE_DIR = Path("/run/flintbench")


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
            return False, ("crun needs unshare and nsenter (util-linux) to hide the cgroup v2 mount "
                           "of this hybrid machine")
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
        if result.returncode != 0:
            return
        try:
            entries = json.loads(result.stdout or "null")  # runc prints null for none
        except ValueError:
            return
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, dict) and str(entry.get("id", "")).startswith("flintbench-") \
                    and entry.get("status") == "stopped":
                self.runner.run(self.wrap([self.path, "delete", str(entry["id"])]), timeout_s=30)

    def bundle(self, binary: str, args: list[str], container_id: str, cpu: int | None = None,
               cgroup_parent: str = "/flintbench") -> Path:
        if binary not in self.rootfs:
            raise ContainerError(f"{self.name}: {binary} was not prepared")
        config = oci_config([f"/{binary}", *args], self.rootfs[binary], f"{cgroup_parent}/{container_id}",
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

    def peak_memory(self, binary: str, args: list[str]) -> int:
        container_id = server_name(binary, "peak-")
        with PeakCgroup(self.procfs, container_id) as parent:
            bundle = self.bundle(binary, args, container_id, cgroup_parent=parent.path)
            try:
                argv = self.wrap([self.path, "run", "--bundle", str(bundle), container_id])
                return parent.peak_of(self.runner.run(argv, timeout_s=300))
            finally:
                shutil.rmtree(bundle, ignore_errors=True)

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
