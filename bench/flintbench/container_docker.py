"""The docker contenders: `docker run --rm --network host IMAGE /BINARY`
on images built here, FROM scratch or FROM a Debian base image made with
debootstrap from the configured apt mirror; and the Docker engine they
share, started here (loopback-only) when installed but not running."""

from __future__ import annotations

import atexit
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from .container_base import (ContainerError, ContainerRuntime, Runner, RunningServer, check_binaries, checked,
                             content_digest, server_name)
from .container_procfs import DAEMON_NAMES, PeakCgroup, ProcFs
from .http_load import wait_for_port

DEBIAN_SUITE = "bookworm"
DEBIAN_BASE_IMAGE = f"flintbench-debian-base:{DEBIAN_SUITE}"
DEFAULT_DEBIAN_MIRROR = "http://deb.debian.org/debian"
# Loopback-only settings for a Docker engine started here: no bridge, no
# iptables rules, so the host's network is left exactly as it was.
DOCKERD_FLAGS = ("--iptables=false", "--bridge=none", "--storage-driver", "overlay2")


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
        self._cgroup_driver: str | None = None

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

    def cgroup_driver(self) -> str:
        if self._cgroup_driver is None:
            result = self.runner.run([self.docker, "info", "--format", "{{.CgroupDriver}}"], timeout_s=30)
            self._cgroup_driver = checked(result, "docker info").strip()
        return self._cgroup_driver


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

    def peak_memory(self, binary: str, args: list[str]) -> int:
        driver = self.engine.cgroup_driver()
        if driver != "cgroupfs":
            raise ContainerError(f"peak memory needs Docker's cgroupfs cgroup driver, not {driver}")
        with PeakCgroup(self.engine.procfs, server_name(binary, "peak-")) as parent:
            argv = [self.engine.docker, "run", "--rm", "--network", "host", "--cgroup-parent", parent.path,
                    self.image(binary), f"/{binary}", *args]
            return parent.peak_of(self.engine.runner.run(argv, timeout_s=300))

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
