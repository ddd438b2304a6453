"""The machine and software a report was measured on: CPU, kernel, OS,
memory, load, every contender's version (or why it is missing), the
compiler and tools, and the Flint source revision."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

from . import REPO_DIR
from .contenders import first_line


def cpu_model(cpuinfo: Path = Path("/proc/cpuinfo")) -> str:
    try:
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def memory_bytes(meminfo: Path = Path("/proc/meminfo")) -> int | None:
    try:
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return None


def os_name(release: Path = Path("/etc/os-release")) -> str:
    try:
        for line in release.read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return platform.system()


def load_average() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def tool_version(name: str, argv_tail: list[str]) -> str:
    path = shutil.which(name)
    return first_line([path, *argv_tail]) if path else "not installed"


def source_revision() -> str:
    try:
        result = subprocess.run(["git", "-C", str(REPO_DIR), "describe", "--always", "--dirty"],
                                capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return result.stdout.strip() or "unknown"


def collect(cc: str, availability: dict[str, tuple[bool, str]]) -> dict:
    try:
        import matplotlib
        plotting = f"matplotlib {matplotlib.__version__}"
    except ImportError:
        plotting = "matplotlib not installed"
    return {
        "cpu": cpu_model(), "cpus": os.cpu_count(), "memory_bytes": memory_bytes(),
        "kernel": platform.release(), "os": os_name(), "machine": platform.machine(),
        "cc": first_line([cc, "--version"]) if shutil.which(cc) else f"{cc} not installed",
        "tools": {"wrk": tool_version("wrk", ["--version"]), "taskset": tool_version("taskset", ["--version"]),
                  "python": sys.version.split()[0], "plotting": plotting},
        "source": source_revision(),
        "started": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "load_average": {"before": load_average()},
        "contenders": {name: {"available": ok, "version": text if ok else None,
                              "reason": None if ok else text}
                       for name, (ok, text) in availability.items()},
    }
