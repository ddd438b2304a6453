"""`python3 -m flintbench` (and `flint bench`, which execs it): discovers the
contenders, runs the selected workloads and writes the report -- Markdown,
JSON with every raw sample, one chart per workload."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import time
from pathlib import Path

import suite  # bench/suite.py

from . import BENCH_DIR
from .charts import draw
from .compute import compute_table
from .container_contenders import container_contenders
from .contenders import Contender, Native, find_flint, search_path, wasm_runtimes
from .environment import collect, load_average
from .http_workload import build_server, http_table, idle_server_cells
from .model import Table
from .model import Cell
from .programs import FIB, BuildError, build_hello, build_peak_rss
from .progress import Progress
from .render import format_bytes, json_document, markdown_report
from .serve_workload import hello_component, serve_table, up_memory_table
from .session import Options, Session
from .startup import (HELLO_RSS_COLUMN, SERVER_COLUMN, hello_commands, hello_memory_cells, memory_table,
                      run_hello, startup_table)
from .user_workload import user_table

WORKLOADS = ("startup", "memory", "compute", "http", "serve")
QUICK_KERNELS = ("fib", "sieve", "sha256")
DEFAULT_OUT = BENCH_DIR / "out" / "flintbench"
REPORT_NAME = "runtime-comparison"
MEMORY_RUNS = 10  # hello-world runs for its peak RSS, which hardly varies


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog=os.environ.get("FLINT_BENCH_COMMAND", "python3 -m flintbench"),
        description="Measure start-up, memory, compute, HTTP I/O and wasi:http serving of WebAssembly "
                    "runtimes, containers and native code on this machine, side by side, and write a report.")
    parser.add_argument("--quick", action="store_true",
                        help="a minute or two: 10 start-up runs, small kernels (fib, sieve, sha256) once, "
                             "2-second HTTP and serve runs, flint up with 1 and 100 apps")
    parser.add_argument("--workloads", default=",".join(WORKLOADS),
                        help="comma-separated subset of %(default)s")
    parser.add_argument("--contenders", help="comma-separated names (or first words: 'flint', 'docker') "
                                             "to measure; default: all (see --list)")
    parser.add_argument("--list", action="store_true", help="list the contenders and their versions, then exit")
    parser.add_argument("--runs", type=int, help="start-up runs per contender (default 100, --quick 10)")
    parser.add_argument("--compute-runs", type=int, help="runs per kernel and contender (default 5, --quick 1)")
    parser.add_argument("--size", choices=suite.SIZES, help="kernel sizes (default: default; fib is fib(40) "
                                                            "except at small)")
    parser.add_argument("--kernels", help="comma-separated kernels (default: all of bench/kernels)")
    parser.add_argument("--http-duration", type=float, help="seconds of wrk load per round (default 10)")
    parser.add_argument("--http-rounds", type=int, help="wrk rounds per contender (default 3)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (default %(default)s)")
    parser.add_argument("--serve-duration", type=float, help="serve: seconds of wrk load per round (default 10)")
    parser.add_argument("--serve-warmup", type=float,
                        help="serve: seconds of discarded wrk load before each round (default 2, --quick 1)")
    parser.add_argument("--serve-rounds", type=int, help="serve: rounds per contender (default 5, --quick 1)")
    parser.add_argument("--serve-threads", type=int, default=1, help="serve: wrk threads (default %(default)s)")
    parser.add_argument("--serve-apps",
                        help="serve: app counts of one `flint up` whose memory is read (default 1,100,1000; "
                             "--quick 1,100)")
    parser.add_argument("--serve-own-session", action="store_true",
                        help="serve: start each server in a session of its own (its own autogroup for the "
                             "scheduler) instead of the harness's, as the http workload does")
    parser.add_argument("--serve-component", type=Path,
                        help="serve: the wasi:http component (default: guests/components/rust/http_hello, "
                             "from the build tree or built with cargo)")
    parser.add_argument("--server-cpu", type=int, default=0, help="core the server is pinned to")
    parser.add_argument("--load-cpu", type=int, default=1, help="core wrk is pinned to")
    parser.add_argument("--timeout", type=float, default=600, help="seconds before one run counts as failed")
    parser.add_argument("--module", type=Path, help="your own wasm32-wasi module, measured as an extra workload")
    parser.add_argument("--module-args", default="", help="its arguments, one shell-quoted string")
    parser.add_argument("--image", help="your own container image, run with `docker run --rm IMAGE`")
    parser.add_argument("--image-args", default="", help="the image's arguments, one shell-quoted string")
    parser.add_argument("--flint", default=os.environ.get("FLINT_BENCH_FLINT"),
                        help="the flint binary (default: the one running `flint bench`, else build/flint, "
                             "else PATH)")
    parser.add_argument("--cc", default="clang-19", help="C compiler (default %(default)s)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="build directory (default bench/out/flintbench)")
    parser.add_argument("--report", type=Path, help="report directory (default: OUT/report)")
    parser.add_argument("--chart-format", choices=("svg", "png"), default="svg",
                        help="file format of the charts (default %(default)s)")
    parser.add_argument("--name", default=REPORT_NAME, help="report file stem (default %(default)s)")
    args = parser.parse_args(argv)
    workloads = [w for w in args.workloads.split(",") if w]
    unknown = [w for w in workloads if w not in WORKLOADS]
    if unknown:
        parser.error(f"unknown workload(s) {', '.join(unknown)}; known: {', '.join(WORKLOADS)}")
    args.workloads = workloads
    if args.module is not None and not args.module.is_file():
        parser.error(f"--module: no file {args.module}")
    if args.serve_component is not None and not args.serve_component.is_file():
        parser.error(f"--serve-component: no file {args.serve_component}")
    if args.serve_apps is not None:
        try:
            args.serve_apps = tuple(int(n) for n in args.serve_apps.split(",") if n.strip())
        except ValueError:
            parser.error(f"--serve-apps: comma-separated numbers, not {args.serve_apps!r}")
        if not args.serve_apps or min(args.serve_apps) < 1:
            parser.error("--serve-apps: at least one count, each at least 1")
    for name in ("runs", "compute_runs", "http_rounds", "serve_rounds", "serve_threads"):
        value = getattr(args, name)
        if value is not None and value < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    return args


def options_from(args: argparse.Namespace) -> Options:
    quick = args.quick
    kernels = args.kernels.split(",") if args.kernels else list(QUICK_KERNELS if quick else
                                                                (k.name for k in suite.KERNELS))
    for name in kernels:
        suite.kernel_by_name(name)  # raises KeyError with the known names
    if FIB in kernels:  # the headline first
        kernels.remove(FIB)
        kernels.insert(0, FIB)
    return Options(runs=args.runs or (10 if quick else 100),
                   compute_runs=args.compute_runs or (1 if quick else 5),
                   size=args.size or ("small" if quick else "default"), kernels=kernels,
                   http_duration_s=args.http_duration or (2.0 if quick else 10.0),
                   http_rounds=args.http_rounds or (1 if quick else 3),
                   http_connections=args.connections, server_cpu=args.server_cpu,
                   load_cpu=args.load_cpu, timeout_s=args.timeout, cc=args.cc,
                   serve_duration_s=args.serve_duration or (2.0 if quick else 10.0),
                   serve_warmup_s=args.serve_warmup if args.serve_warmup is not None else (1.0 if quick else 2.0),
                   serve_rounds=args.serve_rounds or (1 if quick else 5), serve_threads=args.serve_threads,
                   serve_apps=args.serve_apps or ((1, 100) if quick else (1, 100, 1000)),
                   serve_own_session=args.serve_own_session)


def discover(args: argparse.Namespace) -> list[Contender]:
    flint, missing = find_flint(args.flint)
    contenders = [Native(args.cc), *wasm_runtimes(flint, missing, search_path()), *container_contenders()]
    return select(contenders, args.contenders)


def select(contenders: list[Contender], wanted: str | None) -> list[Contender]:
    """--contenders: exact names, or a first word naming several
    ('flint' -> both engines, 'docker' -> both images)."""
    if not wanted:
        return contenders
    names = [w.strip() for w in wanted.split(",") if w.strip()]
    chosen = []
    for name in names:
        matches = [c for c in contenders if c.name == name or c.name.split(" ")[0] == name]
        if not matches:
            raise SystemExit(f"flintbench: unknown contender {name!r}; known: "
                             f"{', '.join(c.name for c in contenders)}")
        chosen += [c for c in matches if c not in chosen]
    return [c for c in contenders if c in chosen]  # discovery order


def invocation(argv: list[str]) -> str:
    prefix = os.environ.get("FLINT_BENCH_COMMAND", "python3 -m flintbench")
    return " ".join([prefix, shlex.join(argv)]).strip()


def run_workloads(session: Session, args: argparse.Namespace) -> list[Table]:
    tables: list[Table] = []
    wanted = args.workloads
    if "startup" in wanted or "memory" in wanted:
        session.progress.note("building hello world")
        hello = build_hello(session.options.cc, session.out_dir)
        session.programs["hello"] = hello
        commands = hello_commands(session, hello)
    if "startup" in wanted:
        tables.append(startup_table(session, run_hello(session, hello, session.options.runs), commands))
    if "memory" in wanted:
        table = memory_table()
        try:
            launcher = build_peak_rss(session.options.cc, session.out_dir)
        except BuildError as error:
            hello_cells = {c.name: Cell.failed(str(error)) for c in session.contenders}
        else:
            runs = min(session.options.runs, MEMORY_RUNS)
            hello_cells = hello_memory_cells(session, run_hello(session, hello, runs, "memory", launcher),
                                             commands)
        for name, cell in hello_cells.items():
            table.set(name, HELLO_RSS_COLUMN, cell)
        for name, cell in idle_server_cells(session, build_server(session)).items():
            table.set(name, SERVER_COLUMN, cell)
        table.notes += [
            f"Peak RSS: median over {min(session.options.runs, MEMORY_RUNS)} hello-world runs of "
            "wait4's ru_maxrss (the largest resident set of the process and of the children it waited "
            "for), each started from a small static launcher (bench/flintbench/programs/peak_rss.c) "
            "so no process inherits the harness's own high-water mark. Containers: the peak of the "
            "container's cgroup over 5 runs of their own (memory.peak; max_usage_in_bytes on cgroup v1), "
            "which counts the page cache it touches and leaves the runtime's processes out.",
            "Idle server: the server's process tree after it has answered one request and idled for a "
            "second, summed resident set size (RSS, shared libraries counted in full; the proportional set "
            "size is in the JSON); for containers the container's cgroup plus its shim/runtime processes."]
        daemons = {}
        for contender in session.contenders:
            if session.available(contender) and hasattr(contender, "daemons"):
                daemons.update(contender.daemons())
        if daemons:
            table.notes.append("Shared daemons, not counted above: " + ", ".join(
                f"{name} {format_bytes(size)}" for name, size in sorted(daemons.items())) + ".")
        tables.append(table)
    if "compute" in wanted:
        tables.append(compute_table(session))
    if "http" in wanted:
        tables.append(http_table(session, build_server(session)))
    if "serve" in wanted:
        flint = next((c.executable for c in session.contenders
                      if c.name.startswith("flint") and getattr(c, "executable", None)), None)
        component = hello_component(session, args.serve_component, flint)
        tables.append(serve_table(session, component, build_server(session)))
        tables.append(up_memory_table(session, component, flint))
    if args.module is not None or args.image:
        tables.append(user_table(session, args.module, shlex.split(args.module_args), args.image,
                                 shlex.split(args.image_args)))
    order = [c.name for c in session.contenders]
    for table in tables:
        table.reorder(order)
    return tables


def write_report(tables: list[Table], environment: dict, command: str, report_dir: Path,
                 name: str, chart_format: str = "svg") -> dict[str, Path]:
    report_dir.mkdir(parents=True, exist_ok=True)
    charts: dict[str, str] = {}
    for table in tables:
        chart = report_dir / f"{name}-{table.workload}.{chart_format}"
        reason = draw(table, chart)
        charts[table.workload] = chart.name if reason is None else reason
    markdown = report_dir / f"{name}.md"
    raw = report_dir / f"{name}.json"
    extra = [f"", f"Every raw sample, command and version is in [{raw.name}]({raw.name})."]
    markdown.write_text(markdown_report(tables, environment, command, charts, extra))
    raw.write_text(json_document(tables, environment, command, {"charts": charts}))
    return {"markdown": markdown, "json": raw}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_arguments(argv)
    try:
        options = options_from(args)
    except KeyError as error:
        raise SystemExit(f"flintbench: {error.args[0]}")
    progress = Progress()
    session = Session(discover(args), options, progress, args.out.resolve())
    session.probe_all()
    for contender in session.contenders:
        available, text = session.availability[contender.name]
        progress.note(f"{contender.name}: {text if available else 'not available: ' + text}")
    if args.list:
        return 0
    started = time.monotonic()
    environment = collect(options.cc, session.availability)
    for contender in session.contenders:  # which binary each version line belongs to
        executable = getattr(contender, "executable", None)
        if executable:
            environment["contenders"][contender.name]["executable"] = executable
    tables = run_workloads(session, args)
    environment["load_average"]["after"] = load_average()
    environment["duration_s"] = time.monotonic() - started
    environment["options"] = vars(options)
    environment["builds"] = {name: program.commands for name, program in session.programs.items()}
    report_dir = (args.report or args.out / "report").resolve()
    files = write_report(tables, environment, invocation(argv), report_dir, args.name,
                         args.chart_format)
    progress.note(f"report: {files['markdown']} (raw samples: {files['json']})")
    return 0
