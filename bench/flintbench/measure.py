"""Measuring one process: wall clock from spawn to reaping, its CPU time and
peak resident set (wait4's rusage), and the resident memory of a running
process tree (/proc). Processes are started with os.posix_spawn (vfork +
exec), so the harness adds as little as it can to a millisecond start-up."""

from __future__ import annotations

import os
import select
import signal
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ProcessRun:
    """One finished process."""

    exit_status: int  # as subprocess reports it: negative for a signal
    wall_s: float
    user_s: float
    system_s: float
    # The largest resident set of the process and of the descendants it
    # waited for (Linux folds theirs into ru_maxrss), in bytes.
    peak_rss_bytes: int
    timed_out: bool = False


def run_process(argv: list[str], stdout_path: str = os.devnull, timeout_s: float | None = None,
                env: dict[str, str] | None = None) -> ProcessRun:
    """Runs argv (argv[0] a path, or a name looked up in PATH) with stdin
    from /dev/null, stdout to `stdout_path` and stderr appended to it.
    Raises OSError when it cannot be started at all."""
    actions = [(os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
               (os.POSIX_SPAWN_OPEN, 1, stdout_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
               (os.POSIX_SPAWN_DUP2, 1, 2)]
    environment = dict(os.environ) if env is None else env
    start = time.perf_counter()
    pid = os.posix_spawnp(argv[0], argv, environment, file_actions=actions)
    timed_out = False
    if timeout_s is not None:
        # Wait on a pidfd rather than polling wait4 with sleeps: polling
        # rounds every run up to its interval (a 0.7 ms start-up read as
        # 2.3 ms); poll(2) on the pidfd wakes when the process exits.
        pidfd = os.pidfd_open(pid)
        try:
            poller = select.poll()
            poller.register(pidfd, select.POLLIN)
            if not poller.poll(max(0, int((start + timeout_s - time.perf_counter()) * 1000))):
                timed_out = True
                os.kill(pid, signal.SIGKILL)
        finally:
            os.close(pidfd)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    return ProcessRun(os.waitstatus_to_exitcode(status), wall, usage.ru_utime, usage.ru_stime,
                      usage.ru_maxrss * 1024, timed_out)  # ru_maxrss is in KiB on Linux


def process_tree(pid: int, proc: Path = Path("/proc")) -> list[int]:
    """pid and all its descendants, from /proc/PID/task/TID/children."""
    seen, pending = [], [pid]
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.append(current)
        try:
            tasks = list((proc / str(current) / "task").iterdir())
        except OSError:
            continue  # it exited meanwhile
        for task in tasks:
            try:
                pending.extend(int(word) for word in (task / "children").read_text().split())
            except OSError:
                pass
    return seen


@dataclass(frozen=True)
class TreeMemory:
    rss_bytes: int  # counts shared pages once per process that maps them
    pss_bytes: int  # shares each shared page among its users: sums to what the tree costs
    processes: int


def tree_memory(pid: int, proc: Path = Path("/proc")) -> TreeMemory:
    """Resident memory of pid's process tree, from smaps_rollup."""
    rss = pss = count = 0
    for member in process_tree(pid, proc):
        try:
            text = (proc / str(member) / "smaps_rollup").read_text()
        except OSError:
            continue
        fields = {}
        for line in text.splitlines():
            key, _, value = line.partition(":")
            words = value.split()
            if len(words) == 2 and words[1] == "kB":
                fields[key.strip()] = int(words[0]) * 1024
        rss += fields.get("Rss", 0)
        pss += fields.get("Pss", 0)
        count += 1
    return TreeMemory(rss, pss, count)

