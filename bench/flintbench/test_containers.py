"""Tests of containers.py with fakes: a fake /proc and cgroup tree in a temp
dir, a fake command runner, PATH in a temp dir. No root, no Docker needed.

    python3 -m unittest discover -s bench -p 'test_*.py'

The real thing (images, bundles, containers run by docker, runc and crun)
is checked by RealContainersTest, which runs only when asked:

    FLINT_BENCH_REAL_CONTAINERS=1 python3 -m unittest flintbench.test_containers   # in bench/, as root
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import stat
import subprocess
import tempfile
import unittest
from contextlib import contextmanager
from pathlib import Path

from flintbench import containers, http_load
from flintbench.containers import ContainerError, ProcFs

# A hybrid v1/v2 machine as this repository's machine has it, plus a v1
# hierarchy mounted from a sub-cgroup (as inside a cgroup namespace).
MOUNTINFO = """\
25 30 0:22 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw
30 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
31 25 0:26 / {root}/sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:27 / {root}/sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
33 31 0:28 / {root}/sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
34 31 0:29 / {root}/sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
35 31 0:30 /outer {root}/sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
36 30 0:31 / {root}/with\\040space rw,relatime - tmpfs tmpfs rw
"""


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


class FakeMachine:
    """A fake /proc under a temp dir, with the cgroup mounts of MOUNTINFO."""

    def __init__(self, root: Path, mountinfo: str = MOUNTINFO):
        self.root = root
        write(root / "proc" / "self" / "mountinfo", mountinfo.format(root=root))
        self.procfs = ProcFs(root / "proc")

    def process(self, pid: int, comm: str, ppid: int, rss_kb: int | None, cgroup: str = "0::/\n") -> None:
        d = self.root / "proc" / str(pid)
        write(d / "comm", comm + "\n")
        rss = f"VmRSS:\t{rss_kb} kB\n" if rss_kb is not None else ""
        write(d / "status", f"Name:\t{comm}\nState:\tS (sleeping)\nPPid:\t{ppid}\n{rss}Threads:\t1\n")
        write(d / "cgroup", cgroup)


@contextmanager
def listening():
    """A loopback port that accepts connections (the fake server)."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


class CgroupMemoryTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.root = Path(self.tmp.name)
        self.machine = FakeMachine(self.root)

    def tearDown(self):
        self.tmp.cleanup()

    def test_v1_memory_controller_on_a_hybrid_machine(self):
        self.machine.process(100, "http_server", 90, 900,
                             "4:memory:/docker/abc\n1:cpu:/docker/abc\n0::/\n")
        write(self.root / "sys/fs/cgroup/memory/docker/abc/memory.usage_in_bytes", "602112\n")
        write(self.root / "sys/fs/cgroup/unified/memory.current", "999\n")  # not this one
        self.assertEqual(self.machine.procfs.cgroup_memory_bytes(100), 602112)

    def test_v2_memory_current_on_a_unified_machine(self):
        machine = FakeMachine(self.root, "40 30 0:40 / {root}/sys/fs/cgroup rw - cgroup2 cgroup2 rw\n")
        machine.process(100, "http_server", 90, 900, "0::/system.slice/docker-abc.scope\n")
        write(self.root / "sys/fs/cgroup/system.slice/docker-abc.scope/memory.current", "4096\n")
        self.assertEqual(machine.procfs.cgroup_memory_bytes(100), 4096)

    def test_hierarchy_mounted_from_a_sub_cgroup(self):
        machine = FakeMachine(self.root, "32 31 0:27 /outer {root}/mem rw - cgroup cgroup rw,memory\n")
        machine.process(100, "srv", 1, 100, "4:memory:/outer/flintbench/x\n")
        write(self.root / "mem/flintbench/x/memory.usage_in_bytes", "123\n")
        self.assertEqual(machine.procfs.cgroup_memory_bytes(100), 123)

    def test_missing_cgroup_file_is_a_container_error(self):
        self.machine.process(100, "http_server", 90, 900, "4:memory:/gone\n0::/\n")
        with self.assertRaisesRegex(ContainerError, "no memory cgroup file"):
            self.machine.procfs.cgroup_memory_bytes(100)
        with self.assertRaisesRegex(ContainerError, "cannot read the cgroup"):
            self.machine.procfs.cgroup_memory_bytes(4242)

    def test_runtime_processes_are_the_shim_and_runtime_ancestors(self):
        # docker: container <- containerd-shim <- init
        self.machine.process(100, "http_server", 90, 900)
        self.machine.process(90, "containerd-shim", 1, 13320)
        self.assertEqual(self.machine.procfs.runtime_process_bytes(100), 13320 * 1024)
        # runc: container <- runc <- the benchmark (not counted)
        self.machine.process(200, "http_server", 190, 900)
        self.machine.process(190, "runc", 180, 10148)
        self.machine.process(180, "python3", 1, 50000)
        self.assertEqual(self.machine.procfs.runtime_process_bytes(200), 10148 * 1024)
        # a process with no runtime parent
        self.machine.process(300, "http_server", 180, 900)
        self.assertEqual(self.machine.procfs.runtime_process_bytes(300), 0)

    def test_daemons_are_summed_by_name(self):
        self.machine.process(10, "dockerd", 1, 80000)
        self.machine.process(11, "containerd", 10, 40000)
        self.machine.process(12, "kworker/0:1", 2, None)
        self.assertEqual(self.machine.procfs.daemon_bytes(),
                         {"dockerd": 80000 * 1024, "containerd": 40000 * 1024})

    def test_hybrid_detection_and_mountpoints(self):
        self.assertEqual(self.machine.procfs.hybrid_cgroup2_mounts(), [self.root / "sys/fs/cgroup/unified"])
        self.assertIn(self.root / "with space", self.machine.procfs.mountpoints())
        unified = FakeMachine(self.root, "40 30 0:40 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n")
        self.assertEqual(unified.procfs.hybrid_cgroup2_mounts(), [])


class FakeRunner(containers.Runner):
    """Records commands; `answer(argv)` returns (exit status, stdout)."""

    def __init__(self, answer=None):
        self.calls: list[tuple[list[str], dict | None]] = []
        self.answer = answer or (lambda argv: (0, ""))

    def run(self, argv, timeout_s=120, env=None):
        self.calls.append((list(argv), env))
        status, out = self.answer(list(argv))
        return subprocess.CompletedProcess(argv, status, out, "" if status == 0 else "fake failure")

    def commands(self) -> list[list[str]]:
        return [argv for argv, _ in self.calls]


def static_binaries(directory: Path) -> dict[str, Path]:
    for name in ("hello", "http_server"):
        write(directory / name, f"#!/bin/sh\necho {name}\n")
    return {"hello": directory / "hello", "http_server": directory / "http_server"}


class OciBundleTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.root = Path(self.tmp.name)
        self.machine = FakeMachine(self.root)
        self.binaries = static_binaries(self.root / "bin")
        self.runner = FakeRunner()

    def tearDown(self):
        self.tmp.cleanup()

    def runtime(self, tool: str) -> containers.OciRuntime:
        rt = containers.OciRuntime(tool, "/usr/bin:/bin", self.root / "cache", self.runner, self.machine.procfs,
                                   namespace_dir=self.root / "run" / "flintbench")
        rt.path, rt.unshare, rt.nsenter = f"/usr/sbin/{tool}", "/usr/bin/unshare", "/usr/bin/nsenter"
        return rt

    def test_config_uses_the_host_network_and_no_terminal(self):
        config = containers.oci_config(["/hello", "a b"], Path("/cache/rootfs"), "/flintbench/x", "runc")
        self.assertEqual(config["process"]["args"], ["/hello", "a b"])
        self.assertFalse(config["process"]["terminal"])
        self.assertEqual(config["root"], {"path": "/cache/rootfs", "readonly": True})
        self.assertEqual(config["linux"]["cgroupsPath"], "/flintbench/x")
        namespaces = {n["type"] for n in config["linux"]["namespaces"]}
        self.assertNotIn("network", namespaces)
        self.assertTrue({"pid", "mount", "ipc", "uts"} <= namespaces)
        self.assertIn("/proc", [m["destination"] for m in config["mounts"]])

    def test_prepare_builds_a_rootfs_once(self):
        rt = self.runtime("runc")
        rt.prepare(self.binaries)
        rootfs = rt.rootfs["hello"]
        self.assertEqual(rootfs, rt.rootfs["http_server"])
        self.assertEqual((rootfs / "hello").read_text(), "#!/bin/sh\necho hello\n")
        self.assertTrue(os.stat(rootfs / "hello").st_mode & stat.S_IXUSR)
        for mountpoint in ("proc", "dev", "sys"):
            self.assertTrue((rootfs / mountpoint).is_dir())
        marker = rootfs / "marker"
        marker.write_text("kept")
        rt.prepare(self.binaries)  # cached: the same rootfs, not rebuilt
        self.assertEqual(rt.rootfs["hello"], rootfs)
        self.assertTrue(marker.exists())
        write(self.binaries["hello"], "changed\n")  # a new binary: a new rootfs
        rt.prepare(self.binaries)
        self.assertNotEqual(rt.rootfs["hello"], rootfs)

    def test_argv_writes_the_bundle_of_that_command(self):
        rt = self.runtime("runc")
        rt.prepare(self.binaries)
        argv = rt.argv("hello", ["40"])
        self.assertEqual(argv[:3], ["/usr/sbin/runc", "run", "--bundle"])
        config = json.loads((Path(argv[3]) / "config.json").read_text())
        self.assertEqual(config["process"]["args"], ["/hello", "40"])
        self.assertEqual(config["root"]["path"], str(rt.rootfs["hello"]))
        self.assertEqual(config["linux"]["cgroupsPath"], f"/flintbench/{argv[4]}")
        self.assertEqual(rt.argv("hello", ["40"]), argv)  # stable: the same command every run
        self.assertNotEqual(rt.argv("hello", ["41"])[4], argv[4])

    def test_crun_enters_a_namespace_without_the_cgroup2_mount(self):
        rt = self.runtime("crun")
        rt.prepare(self.binaries)
        argv = rt.argv("hello", [])
        ns_dir = self.root / "run" / "flintbench"
        ns_file = ns_dir / "crun-mnt"
        self.assertEqual(argv[:5], ["/usr/bin/nsenter", f"--mount={ns_file}", "/usr/sbin/crun", "run", "--bundle"])
        setup = [a for a in self.runner.commands() if "list" not in a]
        self.assertEqual(setup, [
            ["mount", "--bind", str(ns_dir), str(ns_dir)],
            ["mount", "--make-private", str(ns_dir)],
            ["/usr/bin/unshare", f"--mount={ns_file}", "--propagation", "private", "sh", "-c",
             f"umount {self.root}/sys/fs/cgroup/unified"],
        ])
        self.assertEqual(rt.argv("hello", []), argv)  # made once
        self.assertEqual(len(self.runner.commands()), len(setup) + 1)
        rt.namespace.remove()  # what atexit runs
        self.assertEqual(self.runner.commands()[-2:], [["umount", str(ns_file)], ["umount", str(ns_dir)]])
        self.assertFalse(ns_dir.exists())
        self.assertEqual(self.runtime("runc").wrap(["x"]), ["x"])  # runc copes with hybrid itself

    def test_stopped_leftovers_of_ours_are_deleted_once(self):
        listing = json.dumps([{"id": "flintbench-hello-1", "status": "stopped"},
                              {"id": "flintbench-srv-2", "status": "running"},
                              {"id": "someone-else", "status": "stopped"}])
        self.runner.answer = lambda argv: (0, listing if "list" in argv else "")
        rt = self.runtime("runc")
        rt.prepare(self.binaries)
        rt.prepare(self.binaries)
        deletes = [a for a in self.runner.commands() if "delete" in a]
        self.assertEqual(deletes, [["/usr/sbin/runc", "delete", "flintbench-hello-1"]])
        self.assertEqual(len([a for a in self.runner.commands() if "list" in a]), 1)

    def test_server_is_pinned_measured_and_cleaned_up(self):
        self.machine.process(100, "http_server", 90, 800, "4:memory:/flintbench/s\n0::/\n")
        self.machine.process(90, "runc", 80, 10000)
        self.machine.process(80, "python3", 1, 60000)
        write(self.root / "sys/fs/cgroup/memory/flintbench/s/memory.usage_in_bytes", "548864\n")
        self.runner.answer = lambda argv: (0, json.dumps({"id": argv[-1], "pid": 100}) if "state" in argv else "")
        started = []
        self.runner.popen = lambda argv, log: started.append(argv) or FakeProcess()
        rt = self.runtime("runc")
        rt.prepare(self.binaries)
        with listening() as port:
            with rt.start_server("http_server", [str(port)], port, cpu=1) as server:
                bundle = Path(started[0][3])
                config = json.loads((bundle / "config.json").read_text())
                self.assertEqual(config["linux"]["resources"]["cpu"], {"cpus": "1"})
                self.assertEqual(config["process"]["args"], ["/http_server", str(port)])
                self.assertEqual(server.memory(), containers.MemoryReading(548864, 10000 * 1024))
        container_id = started[0][4]
        self.assertIn(["/usr/sbin/runc", "kill", container_id, "KILL"], self.runner.commands())
        self.assertIn(["/usr/sbin/runc", "delete", "--force", container_id], self.runner.commands())
        self.assertFalse(bundle.exists())

    def test_peak_memory_runs_a_bundle_under_its_own_parent_cgroup(self):
        memory_root = self.root / "sys/fs/cgroup/memory"
        memory_root.mkdir(parents=True)
        configs = []

        def answer(argv):
            if "run" in argv:
                config = json.loads((Path(argv[argv.index("--bundle") + 1]) / "config.json").read_text())
                configs.append(config)
                parent = config["linux"]["cgroupsPath"].rsplit("/", 1)[0]
                write(memory_root / parent.lstrip("/") / "memory.max_usage_in_bytes", "2011136\n")
            return 0, ""

        self.runner.answer = answer
        rt = self.runtime("runc")
        rt.prepare(self.binaries)
        self.assertEqual(rt.peak_memory("hello", []), 2011136)
        self.assertEqual(configs[0]["process"]["args"], ["/hello"])
        self.assertRegex(configs[0]["linux"]["cgroupsPath"], r"^/flintbench-peak-hello-\d+-\d+/flintbench-peak-")
        self.runner.answer = lambda argv: (1, "")  # the runtime failed: nothing was charged
        with self.assertRaisesRegex(ContainerError, "never ran"):
            rt.peak_memory("hello", [])

    def test_peak_cgroup_needs_a_memory_hierarchy(self):
        machine = FakeMachine(self.root, "33 31 0:28 / {root}/cpu rw - cgroup cgroup rw,cpu\n")
        with self.assertRaisesRegex(ContainerError, "no cgroup memory hierarchy"):
            containers.PeakCgroup(machine.procfs, "x")
        unified = FakeMachine(self.root, "40 30 0:40 / {root}/cg rw - cgroup2 cgroup2 rw\n")
        peak = containers.PeakCgroup(unified.procfs, "x")
        self.assertEqual((peak.memory_dir, peak.peak_file), (self.root / "cg" / "x", "memory.peak"))

    def test_unprepared_binary_is_an_error(self):
        with self.assertRaisesRegex(ContainerError, "not prepared"):
            self.runtime("runc").argv("hello", [])
        with self.assertRaisesRegex(ContainerError, "plain file name"):
            self.runtime("runc").prepare({"../x": self.binaries["hello"]})


class DockerImageTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.root = Path(self.tmp.name)
        self.machine = FakeMachine(self.root)
        self.binaries = static_binaries(self.root / "bin")
        self.images: set[str] = set()
        self.dockerfiles: list[str] = []
        self.runner = FakeRunner(self.answer)
        self.engine = containers.DockerEngine("", self.root / "cache", self.runner, self.machine.procfs)
        self.engine.docker = "/usr/bin/docker"
        self.engine._status = (True, "docker 20.10 (client 28.2)")

    def tearDown(self):
        self.tmp.cleanup()

    def answer(self, argv):
        if argv[1:3] == ["image", "inspect"]:
            return (0, "sha256:x") if argv[-1] in self.images else (1, "")
        if argv[1] == "build":
            self.dockerfiles.append((Path(argv[-1]) / "Dockerfile").read_text())
            self.images.add(argv[argv.index("--tag") + 1])
        if argv[1] == "import":
            self.images.add(argv[-1])
        return 0, ""

    def test_scratch_image_is_built_once_with_the_classic_builder(self):
        rt = containers.DockerRuntime(self.engine, "scratch", "")
        rt.prepare(self.binaries)
        builds = [(argv, env) for argv, env in self.runner.calls if argv[1] == "build"]
        self.assertEqual(len(builds), 1)
        argv, env = builds[0]
        tag = argv[argv.index("--tag") + 1]
        self.assertRegex(tag, r"^flintbench-scratch:[0-9a-f]{16}$")
        self.assertEqual(env, {"DOCKER_BUILDKIT": "0"})
        self.assertEqual(self.dockerfiles, ["FROM scratch\nCOPY hello /hello\nCOPY http_server /http_server\n"])
        self.assertEqual(rt.argv("hello", ["1"]),
                         ["/usr/bin/docker", "run", "--rm", "--network", "host", tag, "/hello", "1"])
        rt.prepare(self.binaries)  # cached
        self.assertEqual(len([a for a in self.runner.commands() if a[1] == "build"]), 1)

    def test_debian_image_comes_from_debootstrap_then_import(self):
        rt = containers.DockerRuntime(self.engine, "debian", "")
        rt.debootstrap = "/usr/sbin/debootstrap"
        if os.geteuid() != 0:
            with self.assertRaisesRegex(ContainerError, "needs root"):
                rt.prepare(self.binaries)
            return
        original = self.answer

        def answer(argv):  # debootstrap and tar "succeed" and leave a tarball
            if argv[0] == "tar":
                Path(argv[argv.index("-cf") + 1]).write_text("rootfs")
            return original(argv)

        self.runner.answer = answer
        rt.prepare(self.binaries)
        commands = [a for a in self.runner.commands() if a[1:3] != ["image", "inspect"]]
        self.assertEqual(commands[0][:3], ["/usr/sbin/debootstrap", "--variant=minbase", "bookworm"])
        self.assertEqual(commands[0][4], containers.debian_mirror())
        self.assertEqual(commands[1][0], "tar")
        self.assertEqual(commands[2], ["/usr/bin/docker", "import", str(rt.base_tarball()),
                                       containers.DEBIAN_BASE_IMAGE])
        self.assertEqual(commands[-1][1], "build")
        self.assertEqual(self.dockerfiles[0].splitlines()[0], f"FROM {containers.DEBIAN_BASE_IMAGE}")
        self.assertTrue(rt.base_tarball().exists())

    def test_server_runs_detached_on_the_host_network_and_is_removed(self):
        self.machine.process(100, "http_server", 90, 800, "4:memory:/docker/c0ffee\n0::/\n")
        self.machine.process(90, "containerd-shim", 1, 13000)
        write(self.root / "sys/fs/cgroup/memory/docker/c0ffee/memory.usage_in_bytes", "352256\n")
        original = self.answer

        def answer(argv):
            if argv[1] == "run":
                return 0, "c0ffee\n"
            if argv[1] == "inspect":
                return 0, "100\n" if "{{.State.Pid}}" in argv else "true\n"
            return original(argv)

        self.runner.answer = answer
        rt = containers.DockerRuntime(self.engine, "scratch", "")
        rt.prepare(self.binaries)
        with listening() as port:
            with rt.start_server("http_server", [str(port)], port, cpu=2) as server:
                self.assertEqual(server.memory(), containers.MemoryReading(352256, 13000 * 1024))
        run = next(a for a in self.runner.commands() if a[1] == "run")
        self.assertEqual(run[:6], ["/usr/bin/docker", "run", "--detach", "--rm", "--network", "host"])
        self.assertEqual(run[6:8], ["--cpuset-cpus", "2"])
        self.assertEqual(run[-2:], ["/http_server", str(port)])
        self.assertEqual(self.runner.commands()[-1], ["/usr/bin/docker", "rm", "--force", "c0ffee"])

    def test_peak_memory_is_read_from_a_parent_cgroup_made_for_the_run(self):
        memory_root = self.root / "sys/fs/cgroup/memory"
        memory_root.mkdir(parents=True)
        original = self.answer

        def answer(argv):
            if argv[1] == "info":
                return 0, "cgroupfs\n"
            if argv[1] == "run":  # the container ran in PARENT/ID and is gone: its parent keeps the peak
                parent = argv[argv.index("--cgroup-parent") + 1]
                write(memory_root / parent.lstrip("/") / "memory.max_usage_in_bytes", "4046848\n")
                return 0, "hello\n"
            return original(argv)

        self.runner.answer = answer
        rt = containers.DockerRuntime(self.engine, "scratch", "")
        rt.prepare(self.binaries)
        self.assertEqual(rt.peak_memory("hello", ["x"]), 4046848)
        run = next(a for a in self.runner.commands() if a[1] == "run")
        parent = run[run.index("--cgroup-parent") + 1]
        self.assertRegex(parent, r"^/flintbench-peak-hello-\d+-\d+$")
        self.assertEqual(run[-2:], ["/hello", "x"])
        self.runner.answer = lambda argv: (0, "systemd\n") if argv[1] == "info" else original(argv)
        self.engine._cgroup_driver = None
        with self.assertRaisesRegex(ContainerError, "cgroupfs"):
            rt.peak_memory("hello", [])

    def test_a_failed_build_is_a_container_error_with_the_command(self):
        self.runner.answer = lambda argv: (1, "") if argv[1] in ("build", "image") else (0, "")
        rt = containers.DockerRuntime(self.engine, "scratch", "")
        with self.assertRaisesRegex(ContainerError, r"building image flintbench-scratch:.*docker build"):
            rt.prepare(self.binaries)

    def test_a_debootstrap_target_is_unmounted_before_it_is_deleted(self):
        target = self.root / "cache" / "rootfs"
        (target / "proc").mkdir(parents=True)
        mounted = {target / "proc", target / "sys"}
        machine = FakeMachine(self.root, "".join(f"9{i} 30 0:9 / {m} rw - proc proc rw\n"
                                                 for i, m in enumerate(sorted(mounted))))

        def answer(argv):
            if argv[0] == "umount":
                mounted.discard(Path(argv[-1]))
                write(machine.procfs.proc / "self" / "mountinfo",
                      "".join(f"9{i} 30 0:9 / {m} rw - proc proc rw\n" for i, m in enumerate(sorted(mounted))))
            return 0, ""

        runner = FakeRunner(answer)
        containers.remove_rootfs(target, runner, machine.procfs)
        self.assertEqual(sorted(runner.commands()[:2]), [["umount", "--lazy", str(target / "proc")],
                                                         ["umount", "--lazy", str(target / "sys")]])
        self.assertEqual(runner.commands()[2], ["rm", "-rf", "--one-file-system", str(target)])

        stuck = FakeRunner()  # umount does nothing: nothing may be deleted
        mounted = {target / "proc"}
        write(machine.procfs.proc / "self" / "mountinfo", f"90 30 0:9 / {target / 'proc'} rw - proc proc rw\n")
        with self.assertRaisesRegex(ContainerError, "cannot unmount"):
            containers.remove_rootfs(target, stuck, machine.procfs)
        self.assertNotIn("rm", [a[0] for a in stuck.commands()])

    def test_debian_mirror_from_deb822_and_one_line_sources(self):
        apt = self.root / "apt"
        self.assertEqual(containers.debian_mirror(apt), containers.DEFAULT_DEBIAN_MIRROR)
        write(apt / "sources.list", "# nothing\ndeb [arch=amd64] http://old.example/debian bookworm main\n")
        self.assertEqual(containers.debian_mirror(apt), "http://old.example/debian")
        write(apt / "sources.list.d/debian.sources",
              "Types: deb\nURIs: http://mirror.example/debian\nSuites: bookworm bookworm-updates\n"
              "Components: main\n\nTypes: deb\nURIs: http://security.example\nSuites: bookworm-security\n")
        self.assertEqual(containers.debian_mirror(apt), "http://mirror.example/debian")


class FakeProcess:
    def __init__(self):
        self.signals = []
        self.returncode = None

    def poll(self):
        return self.returncode

    def send_signal(self, sig):
        self.signals.append(sig)
        self.returncode = 0

    def wait(self, timeout=None):
        return self.returncode

    def kill(self):
        self.returncode = -9


class DockerEngineTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.root = Path(self.tmp.name)

    def tearDown(self):
        self.tmp.cleanup()

    def test_starts_dockerd_when_no_engine_answers_and_stops_it(self):
        started = []
        runner = FakeRunner(lambda argv: (0, "20.10.24") if started else (1, ""))
        runner.popen = lambda argv, log: started.append(argv) or FakeProcess()
        engine = containers.DockerEngine("", self.root, runner, ProcFs(self.root))
        engine.docker, engine.dockerd = "/usr/bin/docker", "/usr/sbin/dockerd"
        if os.geteuid() != 0:
            self.assertIn("needs root", engine.ensure_running()[1])
            return
        ok, version = engine.ensure_running()
        self.assertTrue(ok, version)
        self.assertIn("started by flint bench", version)
        self.assertEqual(started, [["/usr/sbin/dockerd", "--iptables=false", "--bridge=none",
                                    "--storage-driver", "overlay2"]])
        process = engine.started
        engine.stop_dockerd()  # what atexit runs
        self.assertEqual(len(process.signals), 1)
        self.assertIsNone(engine.started)

    def test_engine_missing(self):
        engine = containers.DockerEngine("", self.root, FakeRunner(lambda argv: (1, "")), ProcFs(self.root))
        engine.docker, engine.dockerd = "/usr/bin/docker", None
        ok, why = engine.ensure_running()
        self.assertFalse(ok)
        self.assertIn("dockerd is not installed", why)


class DiscoveryTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.root = Path(self.tmp.name)
        self.machine = FakeMachine(self.root, "40 30 0:40 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n")

    def tearDown(self):
        self.tmp.cleanup()

    def test_all_four_are_reported_when_nothing_is_installed(self):
        empty = self.root / "empty-path"
        empty.mkdir()
        runtimes = containers.discover(self.root / "cache", str(empty), procfs=self.machine.procfs)
        self.assertEqual([rt.name for rt in runtimes], ["docker (scratch)", "docker (debian)", "runc", "crun"])
        for rt in runtimes:
            ok, why = rt.probe()
            self.assertFalse(ok)
            self.assertIn("not found on PATH", why)
            self.assertEqual(rt.daemons(), {})

    def test_a_runtime_on_path_is_probed_for_its_version(self):
        bin_dir = self.root / "bin"
        write(bin_dir / "runc", "#!/bin/sh\necho 'runc version 9.9.9'\necho 'spec: 1.0.2'\n")
        os.chmod(bin_dir / "runc", 0o755)
        runtimes = {rt.name: rt for rt in containers.discover(self.root / "cache", str(bin_dir),
                                                               procfs=self.machine.procfs)}
        ok, version = runtimes["runc"].probe()
        if os.geteuid() == 0:
            self.assertEqual((ok, version), (True, "runc version 9.9.9"))
        else:
            self.assertEqual((ok, "needs root" in version), (False, True))
        self.assertFalse(runtimes["crun"].probe()[0])

    def test_default_cache_dir(self):
        self.assertEqual(containers.default_cache_dir({"FLINT_BENCH_CACHE": "/c"}), Path("/c/containers"))
        self.assertEqual(containers.default_cache_dir({"HOME": "/h"}), Path("/h/.cache/flint-bench/containers"))


@unittest.skipUnless(os.environ.get("FLINT_BENCH_REAL_CONTAINERS") == "1",
                     "set FLINT_BENCH_REAL_CONTAINERS=1 (as root) to run real containers")
class RealContainersTest(unittest.TestCase):
    """Every available runtime runs hello and serves HTTP from a real
    container; the memory reading is plausible."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        out = Path(cls.tmp.name)
        (out / "hello.c").write_text('#include <stdio.h>\nint main(int c, char** v) {'
                                     ' printf("hello %s\\n", c > 1 ? v[1] : ""); return 3; }\n')
        subprocess.run([http_load.COMPILER, "-O2", "-static", "-o", str(out / "hello"), str(out / "hello.c")],
                       check=True)
        cls.binaries = {"hello": out / "hello",
                        "http_server": http_load.build_http_server(out)["native_static"]}

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_every_available_runtime(self):
        tried = 0
        for rt in containers.discover():
            ok, version = rt.probe()
            if not ok:
                print(f"\n{rt.name}: not available: {version}")
                continue
            tried += 1
            with self.subTest(runtime=rt.name):
                rt.prepare(self.binaries)
                result = subprocess.run(rt.argv("hello", ["box"]), capture_output=True, text=True, timeout=120)
                self.assertEqual((result.returncode, result.stdout), (3, "hello box\n"), result.stderr)
                port = free_port()
                with rt.start_server("http_server", [str(port)], port, cpu=0) as server:
                    pinned = ProcFs().status_field(server.pid(), "Cpus_allowed_list")
                    self.assertEqual(pinned, "0")
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                    conn.request("GET", "/")
                    self.assertEqual(conn.getresponse().read(), b"hello from flint bench\n")
                    conn.close()
                    memory = server.memory()
                    self.assertGreater(memory.container_bytes, 16 * 1024)
                    self.assertLess(memory.container_bytes, 512 * 1024 * 1024)
                    self.assertGreaterEqual(memory.runtime_bytes, 0)
                peak = rt.peak_memory("hello", [])
                self.assertGreater(peak, 16 * 1024)
                self.assertLess(peak, 256 * 1024 * 1024)
                print(f"\n{rt.name}: {version}: {memory}, hello peak {peak}, daemons {rt.daemons()}")
        self.assertGreater(tried, 0, "no container runtime is available")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


if __name__ == "__main__":
    unittest.main()
