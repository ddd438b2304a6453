"""Flint's adapter for the official WASI test suite's runner (`run-tests -r`).

Modelled on the suite's adapters/wasmtime.py: the runner loads this file as a
module and asks `compute_argv` for the command line of each test. Why an
adapter: it is the one place that knows how the suite's test description
(arguments, environment, preopened root, world, proposals) maps onto
`flint run` and `flint serve`, shared by upstream's `run-tests` (Python 3.12)
and by tests/wasi_testsuite/run_wasi_testsuite.py (ctest, Python 3.11).

Environment:
  FLINT         the flint executable, with any extra options
                (default "flint"), e.g. FLINT="build/flint".
  FLINT_ENGINE  interp or aot (default: flint's own default, interp).
  FLINT_TIMEOUT seconds a test may run (default 30: an aot run compiles
                the test first, which takes longer than upstream's 5 s).
"""

import os
import shlex
import subprocess
from typing import Dict, List, Optional, Tuple

# shlex.split(): FLINT may carry options, as WASMTIME does in wasmtime.py.
FLINT = shlex.split(os.getenv("FLINT", "flint"))
ENGINE = os.getenv("FLINT_ENGINE", "")


def get_name() -> str:
    """The runtime's name in the runner's report."""
    return "flint"


def get_version() -> str:
    """Flint's version, from `flint --version` ("flint 0.1.0")."""
    result = subprocess.run(FLINT[0:1] + ["--version"], encoding="UTF-8",
                            capture_output=True, check=True)
    return result.stdout.split()[-1]


def get_wasi_versions() -> List[str]:
    """The suite's targets Flint runs: preview 1 modules and WASI 0.3
    components."""
    return ["wasm32-wasip1", "wasm32-wasip3"]


def get_wasi_worlds() -> List[str]:
    """Commands run with `flint run`, HTTP services with `flint serve`."""
    return ["wasi:cli/command", "wasi:http/service"]


def get_timeout_seconds() -> float:
    """How long the runner waits for a test's process to exit."""
    return float(os.getenv("FLINT_TIMEOUT", "30"))


def compute_argv(test_path: str,
                 args_env_root: Tuple[List[str], Dict[str, str], Optional[str]],
                 proposals: List[str],
                 wasi_world: str,
                 wasi_version: str) -> List[str]:
    """The command line for one test.

    A command is `flint run [--engine E] --env K=V... --dir ROOT::/ TEST ARGS...`
    (every word after the module is the guest's). A `wasi:http/service` test
    is `flint serve --addr=127.0.0.1:0 -S cli ... TEST`, whose first stderr
    line names the served http:// URL, as the runner reads it. The
    `sockets` proposal grants the network (-S inherit-network and
    allow-ip-name-lookup), as wasmtime's adapter does; an `http` service
    may reach the runner's servers on 127.0.0.1 (--allow-outbound-host):
    flint links wasi:http for every component that imports it, and denies
    outbound requests unless granted.
    """
    del wasi_version  # one command line for every target: flint tells them apart
    args, env, root = args_env_root
    serving = wasi_world == "wasi:http/service"
    argv = list(FLINT)
    argv += ["serve", "--addr=127.0.0.1:0", "-S", "cli"] if serving else ["run"]
    if ENGINE:
        argv += ["--engine", ENGINE]
    if "sockets" in proposals and not serving:
        argv += ["-S", "inherit-network", "-S", "allow-ip-name-lookup"]
    if "http" in proposals and serving:
        # The runner's own servers, on loopback; every other host stays
        # denied, as flint serve denies by default.
        argv += ["--allow-outbound-host", "http://127.0.0.1:*"]
    for key, value in env.items():
        argv += ["--env", f"{key}={value}"]
    if root:
        argv += ["--dir", f"{root}::/"]
    argv.append(test_path)
    if not serving:
        argv += args
    return argv
