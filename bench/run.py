#!/usr/bin/env python3
"""Flint's benchmark: each kernel in bench/kernels/ runs natively and as wasm
in one or more runtimes (Flint's interpreter by default), timed side by side
by hyperfine.

    python3 bench/run.py                      # ./build/flint, default sizes
    python3 bench/run.py --engine aot         # compiled code (flint compile first)
    python3 bench/run.py --engine interp,aot  # native, interpreter, compiled in one run
    python3 bench/run.py --runtime 'wasm-interp {wasm} --run-all-exports'

See bench/README.md for what is measured and how to read the table. Nothing
here passes or fails on speed; it fails only if a build fails, a command
fails, or a runtime's checksum differs from the native one.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bake_args  # noqa: E402
import compare_report  # noqa: E402
import engines  # noqa: E402
import report  # noqa: E402
import suite  # noqa: E402

DEFAULT_OUT = suite.BENCH_DIR / "out"


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time each benchmark kernel natively and in a wasm runtime.",
        epilog="Placeholders in --runtime: {wasm} the module path, {export} the "
               "export name (run), {args} the arguments (N). A template without "
               "{args} gets a copy of the module whose `run` takes no parameters "
               "and calls run(N) (see bake_args.py).")
    parser.add_argument("--flint", default="./build/flint",
                        help="flint binary for the default runtime (default: %(default)s)")
    parser.add_argument("--engine", metavar="ENGINES",
                        help="Flint engines to time, comma-separated: interp, aot "
                             "(compiled once per module with `flint compile`, outside "
                             "the timed region); several are timed side by side "
                             "(default: interp, unless --runtime is given)")
    parser.add_argument("--runtime", metavar="TEMPLATE", action="append", default=[],
                        help="command template of another runtime, e.g. "
                             "'wasm-interp {wasm} --run-all-exports' (repeatable)")
    parser.add_argument("--label", action="append", default=[],
                        help="the name in the table of the --runtime at the same "
                             "position (default: the template's program name)")
    parser.add_argument("--kernels", default=",".join(k.name for k in suite.KERNELS),
                        help="comma-separated kernels to run (default: all)")
    parser.add_argument("--size", choices=suite.SIZES, default="default",
                        help="preset N for every kernel (default: %(default)s)")
    parser.add_argument("--n", action="append", default=[], metavar="KERNEL=N",
                        help="override one kernel's N, e.g. --n fib=40 (repeatable)")
    parser.add_argument("--runs", type=int, default=10,
                        help="timed runs per command and kernel (default: %(default)s)")
    parser.add_argument("--rounds", type=int, default=5,
                        help="split the runs into this many alternating hyperfine "
                             "calls (default: %(default)s)")
    parser.add_argument("--warmup", type=int, default=1,
                        help="untimed runs of each command before the first round "
                             "(default: %(default)s)")
    parser.add_argument("--wasm-simd", action="store_true",
                        help="build every kernel's wasm with -msimd128, so clang "
                             "auto-vectorises the scalar kernels for wasm as it does "
                             "natively with SSE2 (the runtime must support SIMD)")
    parser.add_argument("--cc", default="clang-19", help="C compiler (default: %(default)s)")
    parser.add_argument("--hyperfine", default="hyperfine", help="hyperfine binary")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="build and result directory (default: bench/out)")
    parser.add_argument("--json", type=Path,
                        help="where to write the raw results (default: OUT/results-LABEL.json)")
    parser.add_argument("--markdown", type=Path,
                        help="also write the Markdown report to this file")
    parser.add_argument("--check-only", action="store_true",
                        help="build and compare checksums, time nothing")
    parser.add_argument("--verbose", action="store_true", help="show hyperfine's own output")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.rounds < 1 or args.warmup < 0:
        parser.error("--runs and --rounds must be at least 1, --warmup at least 0")
    return args


def parse_n_overrides(pairs: list[str]) -> dict[str, int]:
    overrides = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not (value.isascii() and value.isdigit()):
            raise ValueError(f"--n expects KERNEL=N, got {pair!r}")
        suite.kernel_by_name(name)  # raises for an unknown kernel
        overrides[name] = int(value)
    return overrides


def runtime_label(template: str) -> str:
    """'wasm-interp {wasm} ...' -> 'wasm-interp'."""
    words = shlex.split(template)
    return os.path.basename(words[0]) if words else "runtime"


def fill_template(template: str, wasm: str, export: str, args: list[int]) -> list[str]:
    """Splits the template into words, then substitutes the placeholders in
    each word, so a path with spaces stays one argument. {args} expands to
    one word per argument when it is a word of its own (flint's
    `--invoke run 35`) and to the joined arguments inside a word
    (`--argument=i32:{args}`)."""
    words = []
    for word in shlex.split(template):
        if word == "{args}":
            words.extend(str(a) for a in args)
            continue
        words.append(word.replace("{wasm}", wasm).replace("{export}", export)
                     .replace("{args}", " ".join(str(a) for a in args)))
    return words


CHECKSUM_PATTERN = re.compile(r"-?\d+")


def parse_checksum(stdout: str) -> int:
    """The checksum printed by a command: the last integer on its last
    non-empty line, so '9227465' (flint, native), 'run() => i32:9227465'
    (wasm-interp) and '-1' all work. Reduced modulo 2^32, since runtimes
    print an i32 signed or unsigned as they please."""
    lines = [line for line in stdout.splitlines() if line.strip()]
    numbers = CHECKSUM_PATTERN.findall(lines[-1]) if lines else []
    if not numbers:
        raise ValueError(f"no integer result in output {stdout!r}")
    return int(numbers[-1]) % (1 << suite.CHECKSUM_BITS)


def display_path(path: Path) -> str:
    """A path as it appears in the printed commands: relative to the current
    directory when below it, so commands can be copied and re-run."""
    try:
        relative = str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path.resolve())
    # A bare name would be looked up in PATH when run as a command.
    return relative if "/" in relative else f"./{relative}"


def run_once(command: list[str], what: str) -> str:
    """Runs `command` once, untimed, and returns its stdout; exits loudly if
    it fails."""
    try:
        result = subprocess.run(command, capture_output=True, text=True)
    except OSError as error:
        sys.exit(f"{what}: cannot run {shlex.join(command)}: {error}")
    if result.returncode != 0:
        sys.exit(f"{what}: {shlex.join(command)} exited with {result.returncode}\n"
                 f"stdout: {result.stdout}\nstderr: {result.stderr}")
    return result.stdout


def verify_checksums(kernel: str, commands: dict[str, list[str]]) -> int:
    """Runs every command once; all must print the native checksum.
    `commands` is keyed by side ("native" first, then runtime labels)."""
    def checksum_of(command: list[str], name: str) -> int:
        try:
            return parse_checksum(run_once(command, f"{kernel} {name}"))
        except ValueError as error:
            sys.exit(f"{kernel} {name}: {error}\n  command: {shlex.join(command)}")

    native_sum = checksum_of(commands["native"], "native")
    for label, command in commands.items():
        if label == "native":
            continue
        runtime_sum = checksum_of(command, label)
        if runtime_sum != native_sum:
            sys.exit(f"CHECKSUM MISMATCH in {kernel}: native {native_sum}, {label} {runtime_sum}\n"
                     f"  native:  {shlex.join(commands['native'])}\n  {label}: {shlex.join(command)}")
    return native_sum


def time_kernel(args, kernel: str, commands: dict[str, list[str]],
                raw_dir: Path) -> tuple[dict[str, list[float]], dict[str, list[report.CpuRound]]]:
    """Times every command with hyperfine in rounds whose order rotates
    (engines.round_orders). `commands` is keyed by side: "native" and the
    runtime labels. Returns, by side, every wall-time sample (seconds per
    process) and each round's CPU time (hyperfine reports user and system
    time per round, not per run)."""
    samples = {key: [] for key in commands}
    cpu_rounds = {key: [] for key in commands}
    schedule = engines.round_orders(list(commands), args.runs, args.rounds)
    for index, (runs, order) in enumerate(schedule):
        export = raw_dir / f"{kernel}-round{index + 1}.json"
        command = [args.hyperfine, "-N", "--style", "basic" if args.verbose else "none",
                   "--runs", str(runs), "--export-json", str(export)]
        if index == 0 and args.warmup:
            command += ["--warmup", str(args.warmup)]
        for key in order:
            command += ["-n", key, shlex.join(commands[key])]
        print(f"  {kernel}: round {index + 1}/{len(schedule)} ({runs} run(s) each, "
              f"{order[0]} first)", file=sys.stderr, flush=True)
        # hyperfine's own output goes to stderr (with --verbose) or nowhere
        # unless it fails: stdout is for the report.
        if args.verbose:
            result = subprocess.run(command, stdout=sys.stderr)
        else:
            result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            sys.exit(f"hyperfine failed on {kernel}:\n  {shlex.join(command)}\n"
                     f"{result.stdout or ''}{result.stderr or ''}")
        measured = json.loads(export.read_text())["results"]
        for key, entry in zip(order, measured):
            samples[key].extend(entry["times"])
            cpu_rounds[key].append(report.CpuRound(len(entry["times"]), entry["user"], entry["system"]))
    return samples, cpu_rounds


def load_average() -> float | None:
    """The 1-minute load average: above the CPU count, other processes were
    competing with the benchmark and its numbers deserve less trust."""
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def machine_facts(cc: str, hyperfine: str, templates: list[str]) -> dict:
    def first_line(command: list[str]) -> str:
        try:
            out = subprocess.run(command, capture_output=True, text=True).stdout
        except OSError:
            return "unavailable"
        return out.splitlines()[0] if out else "unavailable"

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    programs = dict.fromkeys(shlex.split(t)[0] for t in templates)  # distinct, in order
    return {"platform": platform.platform(), "cpu": cpu, "cpus": os.cpu_count(),
            "cc": first_line([cc, "--version"]), "hyperfine": first_line([hyperfine, "--version"]),
            "runtime_version": "; ".join(f"{os.path.basename(p)} --version: {first_line([p, '--version'])}"
                                         for p in programs),
            # The checkout the kernels were built from ("-dirty": uncommitted edits).
            "source": first_line(["git", "-C", str(suite.BENCH_DIR), "describe", "--always", "--dirty"])}


def resolve_runtimes(args) -> list[engines.Runtime]:
    """The runtimes to compare with native, in column order: Flint's engines
    (--engine; the interpreter when neither --engine nor --runtime is
    given), then each --runtime template."""
    if len(args.label) > len(args.runtime):
        sys.exit("run.py: more --label than --runtime")
    runtimes = []
    engine_text = args.engine if args.engine is not None else ("" if args.runtime else "interp")
    if engine_text:
        try:
            names = engines.parse_engines(engine_text)
        except ValueError as error:
            sys.exit(f"run.py: {error}")
        if not Path(args.flint).is_file() and shutil.which(args.flint) is None:
            sys.exit(f"run.py: no flint binary at {args.flint}; build it "
                     "(cmake --build build --target flint) or pass --flint/--runtime")
        runtimes += [engines.flint_runtime(args.flint, name) for name in names]
    for index, template in enumerate(args.runtime):
        if "{wasm}" not in template:
            sys.exit("run.py: a --runtime template must contain {wasm}")
        label = args.label[index] if index < len(args.label) else runtime_label(template)
        runtimes.append(engines.Runtime(label, template))
    labels = [r.label for r in runtimes]
    if len(set(labels)) != len(labels) or "native" in labels:
        sys.exit(f"run.py: runtime labels must be distinct and not 'native': {labels} (use --label)")
    return runtimes


def runtime_command(args, kernel: suite.Kernel, n: int, runtime: engines.Runtime,
                    compiles: list) -> list[str]:
    """The command that runs `kernel` at size n in `runtime`: precompiles the
    module first for a compiled engine (recording what that cost in
    `compiles`), bakes N into a copy for a template without {args}."""
    wasm, call_args = args.out / f"{kernel.name}.wasm", [n]
    if runtime.compile_template:
        artifact = engines.artifact_path(wasm)
        print(f"  {runtime.label}: compiling {display_path(wasm)}", file=sys.stderr, flush=True)
        try:
            result = engines.precompile(runtime, wasm, display_path(wasm), display_path(artifact))
        except RuntimeError as error:
            sys.exit(f"{kernel.name} {runtime.label}: compile failed: {error}")
        compiles.append((kernel.name, runtime.label, result.as_dict()))
        wasm = artifact
    if "{args}" not in runtime.template:  # the runtime cannot pass arguments: bake N in
        baked = args.out / f"{kernel.name}.n{n}.wasm"
        baked.write_bytes(bake_args.bake_arguments(wasm.read_bytes(), suite.EXPORT, call_args))
        wasm, call_args = baked, []
    return fill_template(runtime.template, display_path(wasm), suite.EXPORT, call_args)


def measure_kernel(args, kernel: suite.Kernel, n: int, runtimes: list[engines.Runtime],
                   compiles: list) -> tuple[dict, compare_report.CompareRow | None]:
    """Builds one kernel, checks its checksums and (unless --check-only)
    times it. Returns the kernel's entry of the JSON document and its row
    of the table (None when nothing was timed)."""
    print(f"{kernel.name} (N={n}): building", file=sys.stderr, flush=True)
    build_commands = suite.build(kernel, args.cc, args.out, args.wasm_simd)
    commands = {"native": [display_path(args.out / kernel.name), str(n)]}
    for runtime in runtimes:
        commands[runtime.label] = runtime_command(args, kernel, n, runtime, compiles)
    checksum = verify_checksums(kernel.name, commands)
    print(f"  checksum {checksum} matches", file=sys.stderr, flush=True)
    entry = {"kernel": kernel.name, "n": n, "checksum": checksum,
             "build": {k: shlex.join(v) for k, v in build_commands.items()},
             "commands": {k: shlex.join(v) for k, v in commands.items()}}
    if args.check_only:
        return entry, None
    samples, cpu_rounds = time_kernel(args, kernel.name, commands, args.out / "hyperfine")
    summaries = {key: report.summarize(values) for key, values in samples.items()}
    cpu = {key: report.cpu_time_per_run(rounds) for key, rounds in cpu_rounds.items()}
    labels = [r.label for r in runtimes]
    entry.update(samples=samples, stats={k: s.as_dict() for k, s in summaries.items()},
                 ratios={k: report.ratio(summaries[k], summaries["native"]) for k in labels},
                 cpu_rounds={k: [r._asdict() for r in v] for k, v in cpu_rounds.items()},
                 cpu_per_run=cpu,
                 cpu_ratios={k: cpu[k] / cpu["native"] if cpu["native"] > 0 else None for k in labels})
    sides = {key: compare_report.Side(summaries[key], cpu[key]) for key in commands}
    return entry, compare_report.CompareRow(kernel.name, n, sides["native"],
                                            {k: sides[k] for k in labels})


def render_markdown(args, invocation: str, labels: list[str], results: list[dict],
                    rows: list[compare_report.CompareRow], compiles: list, machine: dict) -> str:
    means = compare_report.geometric_means(rows, labels)
    lines = [f"`{invocation}`", "",
             f"Machine: {machine['cpu']}, {machine['cpus']} CPU(s), {machine['platform']}; "
             f"{machine['cc']}; {machine['hyperfine']}; {machine['runtime_version']}; "
             f"source {machine['source']}; 1-minute load average "
             f"{machine['load_before']} before, {machine['load_after']} after.", ""]
    if len(labels) == 1:  # the two-sided table, with each side's spread
        label = labels[0]
        lines.append(report.markdown_table(
            [report.Row(r.kernel, r.n, r.native.summary, r.runtimes[label].summary,
                        r.native.cpu, r.runtimes[label].cpu) for r in rows], label))
    else:
        lines.append(compare_report.markdown_table(rows, labels))
    lines.append("")
    for label in labels:
        cpu = means[label]["cpu"]
        lines.append(f"Geometric mean of {label} / native: {report.format_ratio(means[label]['wall'])}"
                     + (f" (CPU time: {report.format_ratio(cpu)})" if cpu is not None else ""))
        lines.append("")
    if compiles:
        lines += ["Precompiling (once per module, not timed above):", "",
                  compare_report.compile_table(compiles), ""]
    lines += [f"Each command ran {args.runs} time(s) under `hyperfine -N` in "
              f"{min(args.rounds, args.runs)} round(s) of rotating order, after {args.warmup} warm-up "
              "run(s); times are whole-process wall clock. Commands:", ""]
    for entry in results:
        for side, command in entry["commands"].items():
            lines.append(f"- {entry['kernel']} {side}: `{command}`")
    return "\n".join(lines)


def write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False) as handle:
        handle.write(text)
    os.replace(handle.name, path)


def main(argv: list[str]) -> int:
    args = parse_arguments(argv)
    try:
        overrides = parse_n_overrides(args.n)
        kernels = [suite.kernel_by_name(name) for name in args.kernels.split(",") if name]
    except (KeyError, ValueError) as error:
        sys.exit(f"run.py: {error.args[0]}")
    runtimes = resolve_runtimes(args)
    labels = [r.label for r in runtimes]
    if not args.check_only and shutil.which(args.hyperfine) is None:
        sys.exit(f"run.py: {args.hyperfine} not found (apt-get install hyperfine)")
    (args.out / "hyperfine").mkdir(parents=True, exist_ok=True)
    load_before = load_average()

    compiles: list = []
    measured = [measure_kernel(args, kernel, overrides.get(kernel.name, kernel.n_for(args.size)),
                               runtimes, compiles) for kernel in kernels]
    results, rows = [entry for entry, _ in measured], [row for _, row in measured]
    if args.check_only:
        print(f"checksums match for {len(results)} kernel(s) in {', '.join(labels)}")
        if compiles:
            print(compare_report.compile_table(compiles))
        return 0

    invocation = shlex.join(["python3", display_path(Path(__file__))] + argv)
    machine = machine_facts(args.cc, args.hyperfine, [r.template for r in runtimes])
    machine.update(load_before=load_before, load_after=load_average())
    markdown = render_markdown(args, invocation, labels, results, rows, compiles, machine)
    print(markdown)
    if args.markdown:
        write_atomically(args.markdown, markdown + "\n")
    name = "-".join(labels)
    json_path = args.json or args.out / f"results-{re.sub(r'[^A-Za-z0-9_.-]', '_', name)}.json"
    means = compare_report.geometric_means(rows, labels)
    document = {"invocation": invocation, "labels": labels,
                "runtimes": [{"label": r.label, "template": r.template,
                              "compile_template": r.compile_template,
                              "baked_arguments": "{args}" not in r.template} for r in runtimes],
                "runs": args.runs, "rounds": args.rounds, "warmup": args.warmup, "size": args.size,
                "machine": machine, "kernels": results, "compiles": [
                    {"kernel": k, "runtime": label, **c} for k, label, c in compiles],
                "markdown": markdown, "geometric_means": means}
    write_atomically(json_path, json.dumps(document, indent=2) + "\n")
    print(f"\nraw samples: {display_path(json_path)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
