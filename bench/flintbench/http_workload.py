"""Workload 4, HTTP I/O, and workload 2's second figure, the resident
memory of an idle HTTP server. The server is bench/http/server.c, built
natively, statically (containers) and to wasm32-wasi (served through a
preopened listening socket); the load generator is wrk (http_load.py), on
another core than the server, keep-alive, for a fixed duration."""

from __future__ import annotations

import importlib
import shutil
import statistics
import time
from pathlib import Path

import engines  # bench/engines.py: the rotated round schedule

from .contenders import ContenderError, Unsupported
from .model import PER_SECOND, SECONDS, Cell, Column, Table
from .programs import BuildError, Program
from .servers import serve
from .session import Session

REQUESTS, P50, P99 = "requests/s", "p50 latency", "p99 latency"
SETTLE_S = 1.0  # after the first answer, before reading an idle server's memory


def build_server(session: Session) -> Program:
    """The server's three builds, by http_load.build_http_server (written
    with the server); a missing module leaves every build failed with why."""
    if "http-server" in session.programs:
        return session.programs["http-server"]
    program = Program("http-server")
    try:
        module = importlib.import_module("flintbench.http_load")
        paths = module.build_http_server(session.out_dir / "http")
    except Exception as error:  # missing module, compiler failure: every build reports it
        for kind in ("native", "static", "wasm"):
            program.errors[kind] = f"cannot build the HTTP server: {error}"
    else:
        for kind in ("native", "static", "wasm"):
            path = paths.get(kind) or (paths.get("native_static") if kind == "static" else None)
            if path is None:
                program.errors[kind] = f"build_http_server() gave no {kind} build"
            else:
                setattr(program, kind, Path(path))
    session.programs["http-server"] = program
    return program


def _blocked(session: Session, contender, program: Program) -> Cell | None:
    """The cell for a contender that cannot serve, before starting anything."""
    available, why = session.availability.get(contender.name, (False, "not probed"))
    if not available:
        return Cell.unavailable(why)
    if contender.kind != "container":
        try:
            contender.server_command(program, 1)
        except Unsupported as error:
            return Cell.unavailable(str(error))
        except (ContenderError, BuildError) as error:
            return Cell.failed(str(error))
    return None


def idle_server_cells(session: Session, program: Program) -> dict[str, Cell]:
    session.prepare([program])
    cells = {}
    for contender in session.contenders:
        blocked = _blocked(session, contender, program)
        if blocked:
            cells[contender.name] = blocked
            continue
        session.progress.note(f"memory: idle HTTP server in {contender.name}")
        try:
            with serve(contender, program, session.options.server_cpu) as server:
                time.sleep(SETTLE_S)
                readings = []
                for _ in range(5):
                    readings.append(server.memory())
                    time.sleep(0.2)
        except Unsupported as error:
            cells[contender.name] = Cell.unavailable(str(error))
            continue
        except Exception as error:  # ServerError, ContainerError, BuildError
            cells[contender.name] = Cell.failed(str(error))
            continue
        figures = [float(r.bytes) for r in readings]
        cells[contender.name] = Cell("ok", figure=statistics.median(figures), samples=figures,
                                     details={"readings": [r.details for r in readings]},
                                     command=" ".join(getattr(server, "argv", [])))
    return cells


def http_table(session: Session, program: Program) -> Table:
    options = session.options
    table = Table("http", "HTTP I/O: wrk against the same C server, keep-alive, loopback",
                  [Column(REQUESTS, PER_SECOND, lower_is_better=False), Column(P50, SECONDS),
                   Column(P99, SECONDS)])
    table.notes.append(
        f"wrk with {options.http_connections} keep-alive connections for {options.http_duration_s:g} s, "
        f"{options.http_rounds} round(s) per contender in rotating order (a fresh server each round); "
        f"medians over rounds. Server pinned to CPU {options.server_cpu}, wrk to CPU {options.load_cpu} "
        "(taskset; containers through their runtime's CPU set).")
    if shutil.which("wrk") is None:
        for contender in session.contenders:
            for column in (REQUESTS, P50, P99):
                table.set(contender.name, column, Cell.unavailable("wrk not installed (apt-get install wrk)"))
        return table
    try:
        run_wrk = importlib.import_module("flintbench.http_load").run_wrk
    except Exception as error:
        for contender in session.contenders:
            for column in (REQUESTS, P50, P99):
                table.set(contender.name, column, Cell.unavailable(f"http_load module unusable: {error}"))
        return table

    session.prepare([program])
    live = []
    for contender in session.contenders:
        blocked = _blocked(session, contender, program)
        if blocked:
            for column in (REQUESTS, P50, P99):
                table.set(contender.name, column, blocked)
        else:
            live.append(contender)
    results: dict[str, list] = {c.name: [] for c in live}
    errors: dict[str, str] = {}
    schedule = engines.round_orders([c.name for c in live], options.http_rounds, options.http_rounds) \
        if live else []
    by_name = {c.name: c for c in live}
    done = 0
    for index, (_, order) in enumerate(schedule):
        for name in order:
            done += 1
            if name in errors:
                continue
            left = len(schedule) * len(live) - done + 1  # this run included
            session.progress.step("http", name, index + 1, len(schedule),
                                  left * (options.http_duration_s + 1))
            try:
                with serve(by_name[name], program, options.server_cpu) as server:
                    results[name].append(run_wrk(server.url, options.http_duration_s,
                                                 options.http_connections, 1, options.load_cpu))
            except Unsupported as error:
                errors[name] = f"unavailable: {error}"
            except Exception as error:
                errors[name] = str(error)
                session.progress.note(f"http: {name} failed: {error}")
    for name in results:
        if name in errors:
            unsupported = errors[name].startswith("unavailable: ")
            make = Cell.unavailable if unsupported else Cell.failed
            reason = errors[name].removeprefix("unavailable: ")
            for column in (REQUESTS, P50, P99):
                table.set(name, column, make(reason))
            continue
        rounds = results[name]
        raw = [r.raw for r in rounds]
        for column, values in ((REQUESTS, [r.requests_per_s for r in rounds]),
                               (P50, [r.p50_ms / 1000 for r in rounds]),
                               (P99, [r.p99_ms / 1000 for r in rounds])):
            table.set(name, column, Cell("ok", figure=statistics.median(values), samples=values,
                                         details={"wrk_output": raw} if column == REQUESTS else {}))
    return table
