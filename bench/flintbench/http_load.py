"""The HTTP I/O workload's tools: build the one server (bench/http/server.c)
for every target, wait for a server to listen, and load it with wrk on
loopback (keep-alive, a fixed duration, pinned to its own core), reading
requests/s and the p50/p99 latency from wrk's report."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from . import BENCH_DIR

SERVER_SOURCE = BENCH_DIR / "http" / "server.c"
COMPILER = "clang-19"


class HttpLoadError(Exception):
    """wrk is missing, failed, or printed a report that cannot be read."""


@dataclass
class HttpResult:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    raw: str  # wrk's whole report
    requests: int = 0  # completed in the run
    socket_errors: int = 0  # connect + read + write + timeout
    non_2xx: int = 0  # "Non-2xx or 3xx responses"


# wrk prints latencies with format_time (us, ms, s, m, h) and counts with
# format_metric (k, M, G: powers of 1000).
_TIME_UNITS_MS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}
_METRIC = {"": 1.0, "k": 1e3, "M": 1e6, "G": 1e9}


def parse_duration_ms(text: str) -> float:
    m = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*(us|ms|s|m|h)\s*", text)
    if not m:
        raise HttpLoadError(f"unreadable wrk latency {text!r}")
    return float(m.group(1)) * _TIME_UNITS_MS[m.group(2)]


def parse_metric(text: str) -> float:
    m = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([kMG]?)\s*", text)
    if not m:
        raise HttpLoadError(f"unreadable wrk number {text!r}")
    return float(m.group(1)) * _METRIC[m.group(2)]


def parse_wrk(output: str) -> HttpResult:
    """Reads wrk's report (as printed with --latency)."""
    rate = re.search(r"^Requests/sec:\s*(\S+)", output, re.M)
    if not rate:
        raise HttpLoadError("wrk printed no Requests/sec line:\n" + output.strip()[-800:])
    percentiles = {}
    for m in re.finditer(r"^\s*(50|75|90|99)(?:\.0+)?%\s+(\S+)\s*$", output, re.M):
        percentiles[m.group(1)] = parse_duration_ms(m.group(2))
    if "50" not in percentiles or "99" not in percentiles:
        raise HttpLoadError("wrk printed no latency distribution (was --latency given?):\n" + output.strip()[-800:])
    done = re.search(r"^\s*(\d+) requests in", output, re.M)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", output)
    return HttpResult(
        requests_per_s=parse_metric(rate.group(1)),
        p50_ms=percentiles["50"],
        p99_ms=percentiles["99"],
        raw=output,
        requests=int(done.group(1)) if done else 0,
        socket_errors=sum(int(g) for g in errors.groups()) if errors else 0,
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
    )


def wrk_command(url: str, duration_s: float, connections: int, threads: int, cpu: int | None,
                wrk: str = "wrk") -> list[str]:
    """wrk keeps connections alive by default (HTTP/1.1, no Connection:
    close); it takes whole seconds, and at least one connection per thread."""
    seconds = max(1, round(duration_s))
    threads = max(1, threads)
    connections = max(connections, threads)
    argv = [wrk, "--latency", "--duration", f"{seconds}s", "--connections", str(connections),
            "--threads", str(threads), url]
    return (["taskset", "--cpu-list", str(cpu)] if cpu is not None else []) + argv


def run_wrk(url: str, duration_s: float, connections: int, threads: int, cpu: int | None) -> HttpResult:
    wrk = shutil.which("wrk")
    if not wrk:
        raise HttpLoadError("wrk not found on PATH (Debian: apt-get install wrk)")
    if cpu is not None and not shutil.which("taskset"):
        raise HttpLoadError("taskset not found on PATH (Debian: util-linux)")
    argv = wrk_command(url, duration_s, connections, threads, cpu, wrk)
    try:
        result = subprocess.run(argv, capture_output=True, text=True, timeout=max(1, duration_s) + 60)
    except subprocess.TimeoutExpired as error:
        raise HttpLoadError(f"wrk did not finish: {' '.join(argv)}") from error
    if result.returncode != 0:
        raise HttpLoadError(f"wrk failed (exit {result.returncode}): {(result.stderr or result.stdout).strip()}"
                            f" [{' '.join(argv)}]")
    parsed = parse_wrk(result.stdout)
    if parsed.requests == 0:
        raise HttpLoadError(f"wrk completed no request against {url}:\n{result.stdout.strip()}")
    return parsed


def server_build_commands(source: Path, out_dir: Path, compiler: str = COMPILER) -> dict[str, list[str]]:
    flags = ["-O2", "-Wall", "-Wextra"]
    return {
        "native": [compiler, *flags, "-o", str(out_dir / "http_server"), str(source)],
        "native_static": [compiler, *flags, "-static", "-o", str(out_dir / "http_server.static"), str(source)],
        "wasm": [compiler, "--target=wasm32-wasi", *flags, "-o", str(out_dir / "http_server.wasm"), str(source)],
    }


def build_http_server(out_dir: Path) -> dict[str, Path]:
    """{"native", "native_static", "wasm"} builds of server.c, rebuilt only
    when the source is newer."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    compiler = shutil.which(COMPILER)
    if not compiler:
        raise HttpLoadError(f"{COMPILER} not found on PATH (scripts/install-deps.sh installs it)")
    built = {}
    for target, argv in server_build_commands(SERVER_SOURCE, out_dir, compiler).items():
        output = Path(argv[argv.index("-o") + 1])
        if not output.exists() or output.stat().st_mtime < SERVER_SOURCE.stat().st_mtime:
            result = subprocess.run(argv, capture_output=True, text=True)
            if result.returncode != 0:
                raise HttpLoadError(f"building the {target} HTTP server failed: {result.stderr.strip()}"
                                    f" [{' '.join(argv)}]")
        built[target] = output
    return built


def wait_for_port(host: str, port: int, timeout_s: float, alive: Callable[[], bool] | None = None) -> None:
    """Returns once HOST:PORT accepts a TCP connection; raises TimeoutError
    after timeout_s, or RuntimeError as soon as `alive()` says the server
    process is gone."""
    deadline = time.monotonic() + timeout_s
    delay = 0.005
    while True:
        try:
            with socket.create_connection((host, port), timeout=1):
                return
        except OSError as error:
            last = error
        if alive is not None and not alive():
            raise RuntimeError(f"the server exited before listening on {host}:{port}")
        if time.monotonic() >= deadline:
            raise TimeoutError(f"nothing accepted connections on {host}:{port} within {timeout_s:g} s ({last})")
        time.sleep(delay)
        delay = min(delay * 2, 0.1)
