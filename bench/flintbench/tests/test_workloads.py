"""The workloads end to end with fake contenders: every contender gets a
row whatever happens to it, wrong results are failures, and the report's
files (Markdown, JSON, one chart per workload) are written."""

from __future__ import annotations

import json
import tempfile
import unittest
from pathlib import Path

from fakes import FakeContender, QuietProgress, require_matplotlib, write_script

from flintbench import charts, cli
from flintbench.compute import measure_kernel
from flintbench.model import FAILED, NOT_AVAILABLE, OK, SECONDS, Column, Table
from flintbench.programs import Program
from flintbench.session import Options, Session
from flintbench.contenders import ContenderError
from flintbench.startup import hello_memory_cells, run_hello, startup_table

# A fake runtime: `SCRIPT PROGRAM [N]` prints hello world, or a checksum for N.
RIGHT = 'if [ "$1" = hello ]; then echo "Hello, world!"; else echo 1234; fi'


class WorkloadTest(unittest.TestCase):
    def setUp(self):
        self.dir = Path(tempfile.mkdtemp(prefix="flintbench-work-"))
        right = write_script(self.dir, "right", RIGHT)
        wrong = write_script(self.dir, "wrong", 'if [ "$1" = hello ]; then echo "Hello, world!"; '
                                                'else echo 999; fi')
        crash = write_script(self.dir, "crash", 'echo "trap: unreachable" >&2; exit 134')
        self.contenders = [
            FakeContender("native", right, kind="native"),
            FakeContender("fast", right),
            FakeContender("wrong", wrong),
            FakeContender("crash", crash),
            FakeContender("missing", right, available=False),
            FakeContender("nosock", right, unsupported="not supported by nosock: no sockets"),
        ]
        self.session = Session(self.contenders, Options(runs=3, compute_runs=2), QuietProgress(), self.dir)
        self.session.probe_all()

    def test_startup_rows_for_every_contender(self):
        hello = Program("hello")
        table = startup_table(self.session, run_hello(self.session, hello, 3), {})
        statuses = {name: table.cell(name, "hello world").status for name in table.rows}
        self.assertEqual(statuses, {"native": OK, "fast": OK, "wrong": OK, "crash": FAILED,
                                    "missing": NOT_AVAILABLE, "nosock": NOT_AVAILABLE})
        self.assertEqual(len(table.cell("fast", "hello world").samples), 3)
        self.assertEqual(table.cell("missing", "hello world").reason, "missing not found on PATH")
        self.assertIn("exit status 134: trap: unreachable", table.cell("crash", "hello world").reason)
        self.assertEqual(self.contenders[1].prepared, ["hello"])  # prepared before timing

    def test_container_hello_memory_is_its_cgroup_peak(self):
        right = self.contenders[0].script
        readings = iter([3e6, 1e6, 2e6])

        class Container(FakeContender):
            def peak_memory(self, program, args):
                return next(readings)

        class Broken(FakeContender):
            def peak_memory(self, program, args):
                raise ContenderError("no memory.peak in this cgroup")

        self.session.contenders = [self.contenders[0], Container("box", right, kind="container"),
                                   Broken("crate", right, kind="container")]
        self.session.availability.update({"box": (True, "1"), "crate": (True, "1")})
        hello = Program("hello")
        self.session.programs["hello"] = hello
        cells = hello_memory_cells(self.session, run_hello(self.session, hello, 2, "memory"), {},
                                   container_runs=3)
        self.assertEqual(cells["box"].figure, 2e6)  # the median of its own runs
        self.assertEqual(cells["box"].samples, [3e6, 1e6, 2e6])
        self.assertEqual(cells["crate"].status, FAILED)
        self.assertEqual(cells["crate"].reason, "no memory.peak in this cgroup")
        self.assertEqual(cells["native"].status, OK)  # from wait4, not a cgroup

    def test_compute_checks_checksums_against_native(self):
        table = Table("compute", "Compute", [Column("fib(5)", SECONDS)])
        measure_kernel(self.session, Program("fib"), 5, table)
        self.assertEqual(table.cell("fast", "fib(5)").status, OK)
        self.assertEqual(table.cell("fast", "fib(5)").details["checksum"], 1234)
        self.assertEqual(table.cell("wrong", "fib(5)").status, FAILED)
        self.assertEqual(table.cell("wrong", "fib(5)").reason, "checksum 999 differs from native 1234")
        self.assertEqual(table.cell("missing", "fib(5)").status, NOT_AVAILABLE)
        self.assertIsNotNone(table.ratio("fast", "fib(5)"))
        self.assertIsNone(table.ratio("wrong", "fib(5)"))

    def test_report_files_and_charts(self):
        if charts.matplotlib_or_reason()[0] is None and not require_matplotlib():
            self.skipTest("matplotlib not installed")
        hello = Program("hello")
        startup = startup_table(self.session, run_hello(self.session, hello, 3), {})
        compute = Table("compute", "Compute", [Column("fib(5)", SECONDS)])
        measure_kernel(self.session, Program("fib"), 5, compute)
        report = self.dir / "report"
        files = cli.write_report([startup, compute], {"contenders": {}}, "flint bench --quick", report, "rc")
        for workload in ("startup", "compute"):
            chart = report / f"rc-{workload}.svg"
            self.assertTrue(chart.is_file(), f"no chart for {workload}")
            text = chart.read_text()
            self.assertIn("<svg", text)
            self.assertIn("fast", text)  # contenders are named on the axis...
            self.assertIn("not available", text)  # ...and the unmeasured ones say so
        markdown = files["markdown"].read_text()
        self.assertIn("![Start-up: hello world, whole process, cold](rc-startup.svg)", markdown)
        self.assertIn("| missing | not available: missing not found on PATH |", markdown)
        document = json.loads(files["json"].read_text())
        self.assertEqual(len(document["tables"][0]["rows"]["native"]["hello world"]["samples"]), 3)
        self.assertEqual(document["charts"]["compute"], "rc-compute.svg")

    def test_chart_is_refused_without_matplotlib_with_a_reason(self):
        import builtins
        real_import = builtins.__import__

        def no_matplotlib(name, *args, **kwargs):
            if name.startswith("matplotlib"):
                raise ImportError("No module named 'matplotlib'")
            return real_import(name, *args, **kwargs)

        builtins.__import__ = no_matplotlib
        try:
            reason = charts.draw(Table("x", "X", [Column("c", SECONDS)]), self.dir / "x.svg")
        finally:
            builtins.__import__ = real_import
        self.assertIn("matplotlib is not installed", reason)
        self.assertFalse((self.dir / "x.svg").exists())


if __name__ == "__main__":
    unittest.main()
