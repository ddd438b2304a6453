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

This module is the entry point (discover() and every public name); the
parts live in container_base.py (the interface), container_procfs.py
(memory and cgroups), container_docker.py and container_oci.py.
"""

from __future__ import annotations

from pathlib import Path

from .container_base import (ContainerError, ContainerRuntime, MemoryReading, Runner, RunningServer,  # noqa: F401
                             check_binaries, content_digest, default_cache_dir, default_search_path)
from .container_docker import (DEBIAN_BASE_IMAGE, DEBIAN_SUITE, DEFAULT_DEBIAN_MIRROR, DOCKERD_FLAGS,  # noqa: F401
                               DockerEngine, DockerRuntime, debian_mirror, remove_rootfs)
from .container_oci import NAMESPACE_DIR, HiddenMountNamespace, OciRuntime, oci_config  # noqa: F401
from .container_procfs import DAEMON_NAMES, RUNTIME_PROCESS_NAMES, CgroupMount, PeakCgroup, ProcFs  # noqa: F401


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
