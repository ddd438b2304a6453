"""Reading processes and cgroups from /proc: a container's cgroup memory
charge, the resident memory of its shim/runtime processes and of the shared
daemons, and the cgroup layout (v1, v2 or hybrid). The root is a parameter,
so tests run on a fake tree."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .container_base import ContainerError

# Processes that exist per container, between the engine and the container's
# first process (/proc/PID/comm is cut at 15 characters).
RUNTIME_PROCESS_NAMES = ("containerd-shim", "runc", "crun", "conmon")
DAEMON_NAMES = ("dockerd", "containerd")


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


class PeakCgroup:
    """A parent cgroup made for one container run, to read the run's peak
    memory: the runtime deletes the container's own cgroup when it exits, but
    this parent outlives it, and its peak is hierarchical, so it holds the
    container's (cgroup v1 memory.max_usage_in_bytes, v2 memory.peak; both
    include the page cache the container's run charged)."""

    def __init__(self, procfs: ProcFs, name: str):
        self.procfs, self.path = procfs, f"/{name}"  # the path in the hierarchy
        mounts = procfs.cgroup_mounts()
        v1 = [m for m in mounts if m.version == 1 and "memory" in m.controllers and m.root == "/"]
        v2 = [m for m in mounts if m.version == 2 and m.root == "/"]
        if v1:
            self.memory_dir, self.peak_file = v1[0].mountpoint / name, "memory.max_usage_in_bytes"
        elif v2 and not any(m.version == 1 and "memory" in m.controllers for m in mounts):
            self.memory_dir, self.peak_file = v2[0].mountpoint / name, "memory.peak"
        else:
            raise ContainerError("no cgroup memory hierarchy mounted from its root: cannot read a peak")
        # Every hierarchy the runtime may put the container in, to clean up.
        self.all_dirs = [m.mountpoint / name for m in mounts if m.root == "/"]

    def __enter__(self) -> "PeakCgroup":
        self.memory_dir.mkdir(exist_ok=True)
        return self

    def peak_bytes(self) -> int:
        file = self.memory_dir / self.peak_file
        try:
            return int(file.read_text().split()[0])
        except (OSError, ValueError, IndexError) as error:
            raise ContainerError(f"cannot read the peak memory in {file}: {error} (memory.peak needs "
                                 "Linux 5.19 on cgroup v2)") from error

    def peak_of(self, run: subprocess.CompletedProcess) -> int:
        """The peak of the run that `run` reports. The program's exit status
        is its own business; a run that charged nothing never started."""
        try:
            peak = self.peak_bytes()
        except ContainerError:
            peak = 0
        if peak <= 0:
            raise ContainerError(f"the container never ran (exit {run.returncode}: "
                                 f"{(run.stderr or run.stdout or '').strip()[-300:]}) [{' '.join(map(str, run.args))}]")
        return peak

    def __exit__(self, *exc) -> None:
        for d in self.all_dirs:  # children first: the runtime removed the container's
            for child in sorted((c for c in d.glob("*") if c.is_dir()), reverse=True) if d.is_dir() else []:
                try:
                    child.rmdir()
                except OSError:
                    pass
            try:
                d.rmdir()
            except OSError:
                pass  # absent, or still in use: left as it is
