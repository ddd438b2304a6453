"""Starting an HTTP server in a contender, waiting until it answers, reading
its resident memory, and stopping it. Plain processes (native and wasm
runtimes) are started here, pinned to one core with taskset; containers are
started by containers.py's start_server."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass

from .contenders import LISTEN_HOST, Unsupported
from .container_contenders import ContainerContender
from .measure import tree_memory
from .programs import Program

# How a server says where it listens, on stdout or stderr: `flint serve` and
# `wasmtime serve` print "Serving HTTP on http://127.0.0.1:8080/", `flint up`
# (as `spin up`) "Serving http://127.0.0.1:3000".
ANNOUNCEMENT = re.compile(r"Serving (?:HTTP on )?https?://(\[[^\]]*\]|[^\s/:]+):(\d+)")


class ServerError(Exception):
    pass


def free_port(host: str = LISTEN_HOST) -> int:
    """A port nothing listens on right now (the kernel's choice)."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def answers_http(host: str, port: int, timeout_s: float = 2.0) -> str | None:
    """None when GET / gets a 2xx answer, else what went wrong."""
    connection = http.client.HTTPConnection(host, port, timeout=timeout_s)
    try:
        connection.request("GET", "/")
        response = connection.getresponse()
        response.read()
        return None if 200 <= response.status < 300 else f"GET / answered {response.status}"
    except (OSError, http.client.HTTPException) as error:
        return f"GET / failed: {error}"
    finally:
        connection.close()


def announced_port(output: str) -> int | None:
    """The port of the first "Serving ..." line in a server's output."""
    m = ANNOUNCEMENT.search(output)
    return int(m.group(2)) if m else None


def wait_for_announcement(alive, timeout_s: float, log) -> int:
    """Polls the server's output until it announces its port; raises
    ServerError if it exits or `timeout_s` passes first."""
    deadline = time.monotonic() + timeout_s
    delay = 0.005
    while True:
        port = announced_port(log())
        if port is not None:
            return port
        if not alive():
            raise ServerError(f"server exited before serving: {log()[-300:].strip() or 'no output'}")
        if time.monotonic() >= deadline:
            raise ServerError(f"the server announced no port within {timeout_s:g} s "
                              f"({log()[-300:].strip() or 'no output'})")
        time.sleep(delay)
        delay = min(delay * 2, 0.1)


def wait_until_serving(port: int, alive, timeout_s: float, log=lambda: "") -> None:
    """Polls until the server answers GET /; raises ServerError if the
    process exits or `timeout_s` passes first (a runtime compiling a module
    before it listens gets that long)."""
    deadline = time.monotonic() + timeout_s
    last = "no answer"
    while time.monotonic() < deadline:
        if not alive():
            raise ServerError(f"server exited before serving: {log()[-300:].strip() or 'no output'}")
        last = answers_http(LISTEN_HOST, port) or ""
        if not last:
            return
        time.sleep(0.05)
    raise ServerError(f"no HTTP answer on port {port} within {timeout_s:g} s ({last})")


def wait_until_accepting(port: int, alive, timeout_s: float, log=lambda: "") -> None:
    """Polls until LISTEN_HOST:port accepts a TCP connection, sending
    nothing; raises ServerError as wait_until_serving does."""
    deadline = time.monotonic() + timeout_s
    while True:
        if not alive():
            raise ServerError(f"server exited before serving: {log()[-300:].strip() or 'no output'}")
        try:
            with socket.create_connection((LISTEN_HOST, port), timeout=1):
                return
        except OSError as error:
            if time.monotonic() >= deadline:
                raise ServerError(f"nothing accepted connections on port {port} within {timeout_s:g} s "
                                  f"({error})") from error
        time.sleep(0.05)


@dataclass
class ServerMemory:
    bytes: int  # the table's figure
    details: dict


class ProcessServer:
    def __init__(self, process: subprocess.Popen, port: int, argv: list[str], log=lambda: ""):
        self.process, self.port, self.argv, self.log = process, port, argv, log
        self.url = f"http://{LISTEN_HOST}:{port}/"

    def memory(self) -> ServerMemory:
        """Resident set of the server's process tree, as `ps` and the usual
        published comparisons count it (shared libraries in full); the
        proportional set size, which splits shared pages among their
        users, is kept alongside."""
        reading = tree_memory(self.process.pid)
        return ServerMemory(reading.rss_bytes, {"pss_bytes": reading.pss_bytes,
                                                "rss_bytes": reading.rss_bytes,
                                                "processes": reading.processes})


class ContainerServer:
    def __init__(self, running, port: int):
        self.running, self.port = running, port
        self.url = f"http://{LISTEN_HOST}:{port}/"

    def memory(self) -> ServerMemory:
        reading = self.running.memory()
        total = reading.container_bytes + reading.runtime_bytes
        return ServerMemory(total, {"container_bytes": reading.container_bytes,
                                    "runtime_bytes": reading.runtime_bytes})


def pinned(argv: list[str], cpu: int | None) -> list[str]:
    if cpu is None or shutil.which("taskset") is None:
        return argv
    return ["taskset", "-c", str(cpu), *argv]


@contextmanager
def serve(contender, program: Program, cpu: int | None, ready_timeout_s: float = 60.0):
    """Runs `program` as an HTTP server in `contender` on a free loopback
    port; yields a ProcessServer or ContainerServer once it answers GET /.
    Raises Unsupported (from the contender), ServerError or BuildError."""
    port = free_port()
    if isinstance(contender, ContainerContender):
        with contender.serve(program, port, cpu) as running:
            wait_until_serving(port, lambda: True, ready_timeout_s)
            yield ContainerServer(running, port)
        return
    with serve_process(contender.server_command(program, port), port, cpu, ready_timeout_s,
                       contender) as server:
        yield server


@contextmanager
def serve_process(argv: list[str], port: int | None, cpu: int | None, ready_timeout_s: float = 60.0,
                  contender=None, probe_path: str | None = "/", own_session: bool = True):
    """Runs argv (pinned to `cpu`) as a server on LISTEN_HOST:port, or on
    the port it announces when `port` is None; yields a ProcessServer once
    it answers GET / (with probe_path None: once it accepts a connection,
    so that no request has reached it), and stops its process group
    afterwards. own_session False keeps it in the harness's session (a
    process group of its own all the same): with the kernel's autogroup
    scheduling a session is a scheduling group, and on a loaded machine
    that decides how much CPU the server gets next to wrk and to other
    sessions' work."""
    argv = pinned(argv, cpu)
    with tempfile.TemporaryFile("w+") as log:
        placement = {"start_new_session": True} if own_session else {"process_group": 0}
        process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                   **placement)

        def read_log() -> str:
            # Through a description of its own: seeking the shared one would
            # move where the server's next write lands.
            with open(f"/proc/self/fd/{log.fileno()}", errors="replace") as mine:
                return mine.read()

        def alive() -> bool:
            return process.poll() is None

        try:
            try:
                if port is None:
                    port = wait_for_announcement(alive, ready_timeout_s, read_log)
                if probe_path is None:
                    wait_until_accepting(port, alive, ready_timeout_s, read_log)
                else:
                    wait_until_serving(port, alive, ready_timeout_s, read_log)
            except ServerError:
                if contender is not None:
                    raise_if_unsupported(contender, read_log())
                raise
            yield ProcessServer(process, port, argv, read_log)
        finally:
            stop(process)


def raise_if_unsupported(contender, log: str) -> None:
    """A runtime that says it cannot serve a preopened socket is reported
    as not supporting it, with its own words, not as failing."""
    for marker in getattr(contender, "unsupported_markers", ()):
        for line in log.splitlines():
            if marker in line:
                raise Unsupported(f"not supported by {contender.name}: {line.strip()}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)  # its own session: the whole tree
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
