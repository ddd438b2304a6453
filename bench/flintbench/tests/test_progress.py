"""The progress display and its estimate of the time left."""

from __future__ import annotations

import io
import unittest

import fakes  # noqa: F401

from flintbench.progress import Eta, Progress, format_clock


class ProgressTest(unittest.TestCase):
    def test_clock_format(self):
        self.assertEqual([format_clock(s) for s in (9, 75, 3700)], ["9s", "1m15s", "1h01m"])

    def test_eta_weights_runs_by_their_expected_duration(self):
        eta = Eta({"native": 0.001, "interp": 2.0}, runs_each=5)
        self.assertAlmostEqual(eta.seconds_left(), 10.005)
        eta.finished_run("interp")
        self.assertAlmostEqual(eta.seconds_left(), 8.005)
        eta.drop("interp")  # a contender that failed costs nothing more
        self.assertAlmostEqual(eta.seconds_left(), 0.005)

    def test_lines_name_workload_contender_run_and_eta(self):
        now = [0.0]
        stream = io.StringIO()
        progress = Progress(stream, interactive=False, clock=lambda: now[0], quiet_interval_s=5)
        progress.step("compute", "wasmtime fib(40)", 1, 5, 70)
        now[0] = 1.0
        progress.step("compute", "wasmtime fib(40)", 2, 5, 60)  # within 5 s: not printed
        now[0] = 2.0
        progress.step("compute", "wasmtime fib(40)", 5, 5, 0)  # the last run always is
        lines = stream.getvalue().splitlines()
        self.assertEqual(lines, ["[0s] compute: wasmtime fib(40) run 1/5, about 1m10s left",
                                 "[2s] compute: wasmtime fib(40) run 5/5, about 0s left"])

    def test_terminal_redraws_one_line(self):
        stream = io.StringIO()
        progress = Progress(stream, interactive=True, clock=lambda: 0.0)
        progress.step("startup", "node", 1, 100, None)
        progress.note("startup: node failed")
        self.assertEqual(stream.getvalue(), "\r\x1b[2K[0s] startup: node run 1/100\n[0s] startup: node failed\n")


if __name__ == "__main__":
    unittest.main()
