"""Statistics, ratios and the Markdown/JSON report, on hand-made tables."""

from __future__ import annotations

import json
import unittest

import fakes  # noqa: F401  (puts bench/ on the path)

from flintbench.model import BYTES, FAILED, NOT_AVAILABLE, OK, PER_SECOND, SECONDS, Cell, Column, Table
from flintbench.render import (format_bytes, format_rate, format_ratio, geometric_mean_ratio,
                               json_document, markdown_report, markdown_table)


def ok(value: float, samples=None, **details) -> Cell:
    return Cell(OK, figure=value, samples=samples or [value], details=details)


def compute_table() -> Table:
    table = Table("compute", "Compute", [Column("fib(40)", SECONDS), Column("sieve(1)", SECONDS)])
    table.set("native", "fib(40)", ok(0.5))
    table.set("native", "sieve(1)", ok(0.1))
    table.set("fast", "fib(40)", ok(1.0))
    table.set("fast", "sieve(1)", ok(0.8))  # ratios 2 and 8: geometric mean 4
    table.set("half", "fib(40)", ok(2.0))
    table.set("half", "sieve(1)", Cell.failed("checksum 7 differs from native 9"))
    table.set("gone", "fib(40)", Cell.unavailable("gone not found on PATH"))
    table.set("gone", "sieve(1)", Cell.unavailable("gone not found on PATH"))
    return table


class CellTest(unittest.TestCase):
    def test_only_measured_cells_carry_a_figure(self):
        with self.assertRaises(ValueError):
            Cell(FAILED, "x", figure=1.0)
        with self.assertRaises(ValueError):
            Cell(OK)
        with self.assertRaises(ValueError):
            Cell("maybe")

    def test_a_cell_never_filled_reads_as_not_available(self):
        table = compute_table()
        self.assertEqual(table.cell("nobody", "fib(40)").status, NOT_AVAILABLE)


class RatioTest(unittest.TestCase):
    def test_ratio_is_figure_over_baseline(self):
        table = compute_table()
        self.assertEqual(table.ratio("fast", "fib(40)"), 2.0)
        self.assertEqual(table.ratio("native", "sieve(1)"), 1.0)
        self.assertIsNone(table.ratio("half", "sieve(1)"))  # failed: no ratio, never a made-up one
        self.assertIsNone(table.ratio("gone", "fib(40)"))

    def test_no_ratio_without_a_measured_baseline(self):
        table = compute_table()
        table.set("native", "fib(40)", Cell.failed("crashed"))
        self.assertIsNone(table.ratio("fast", "fib(40)"))

    def test_geometric_mean_covers_the_measured_columns(self):
        table = compute_table()
        value, count = geometric_mean_ratio(table, "fast")
        self.assertAlmostEqual(value, 4.0)
        self.assertEqual(count, 2)
        value, count = geometric_mean_ratio(table, "half")
        self.assertAlmostEqual(value, 4.0)
        self.assertEqual(count, 1)
        self.assertEqual(geometric_mean_ratio(table, "gone"), (None, 0))

    def test_reorder_follows_discovery_order(self):
        table = compute_table()
        table.reorder(["gone", "native", "half"])
        self.assertEqual(list(table.rows), ["gone", "native", "half", "fast"])


class FormatTest(unittest.TestCase):
    def test_bytes_and_rates(self):
        self.assertEqual(format_bytes(1536), "1.50 KiB")
        self.assertEqual(format_bytes(52.8 * (1 << 20)), "52.8 MiB")
        self.assertEqual(format_bytes(512), "512 B")
        self.assertEqual(format_rate(123456), "123k")
        self.assertEqual(format_rate(543.2), "543")

    def test_small_ratios_keep_their_digits(self):
        self.assertEqual(format_ratio(52.3 / 22400), "0.0023×")
        self.assertEqual(format_ratio(0.47), "0.47×")
        self.assertEqual(format_ratio(12.34), "12.3×")


class MarkdownTest(unittest.TestCase):
    def test_every_row_appears_with_its_status(self):
        text = markdown_table(compute_table())
        lines = text.splitlines()
        self.assertEqual(lines[0], "| runtime | fib(40) (× native) | sieve(1) (× native) | "
                                   "geometric mean (× native) |")
        self.assertIn("| native | 500 ms | 100 ms | 1.00× |", lines)
        self.assertIn("| fast | 1.00 s (2.00×) | 800 ms (8.00×) | 4.00× |", lines)
        self.assertIn("| half | 2.00 s (4.00×) | failed: checksum 7 differs from native 9 | 4.00× (1 of 2) |",
                      lines)
        # Missing everywhere for one reason: said once.
        self.assertIn("| gone | not available: gone not found on PATH |  |  |", lines)

    def test_long_reasons_become_numbered_notes_shared_by_cells(self):
        table = compute_table()
        reason = ("flint compile failed: `flint compile dot_i16.wasm -o dot_i16.fwasm`: the AOT "
                  "compiler failed on this module")
        table.set("half", "sieve(1)", Cell.failed(reason))
        table.set("gone", "fib(40)", Cell.failed(reason))
        table.set("gone", "sieve(1)", Cell.failed(reason))
        text = markdown_table(table)
        self.assertIn("| failed [1] |", text.replace("(1 of 2)", ""))
        self.assertEqual(text.count(reason), 1)  # printed once, for both cells
        self.assertIn(f"[1] {reason}", text)
        self.assertIn("| gone | failed [1] |  |  |", text)

    def test_single_column_tables_show_the_spread(self):
        table = Table("startup", "Start-up", [Column("hello world", SECONDS)], show_spread=True)
        table.set("native", "hello world", ok(0.001, [0.001, 0.0009, 0.003], min=0.0009, max=0.003))
        table.set("slow", "hello world", ok(0.010, [0.010], min=0.009, max=0.02))
        table.set("broken", "hello world", Cell.failed("exit status 1"))
        lines = markdown_table(table).splitlines()
        self.assertEqual(lines[0], "| runtime | hello world: median | min | max | ratio to native |")
        self.assertIn("| native | 1.00 ms | 900 µs | 3.00 ms | 1.00× |", lines)
        self.assertIn("| slow | 10.0 ms | 9.00 ms | 20.0 ms | 10.0× |", lines)
        self.assertIn("| broken | failed: exit status 1 |  |  |  |", lines)

    def test_rates_and_bytes_columns(self):
        table = Table("http", "HTTP", [Column("requests/s", PER_SECOND, lower_is_better=False),
                                       Column("rss", BYTES)])
        table.set("native", "requests/s", ok(40000.0))
        table.set("native", "rss", ok(float(1 << 20)))
        table.set("wasm", "requests/s", ok(10000.0))
        table.set("wasm", "rss", ok(float(4 << 20)))
        self.assertIn("| wasm | 10.0k (0.25×) | 4.00 MiB (4.00×) |", markdown_table(table))

    def test_report_lists_contenders_tables_and_charts(self):
        environment = {"cpu": "Test CPU", "cpus": 2, "memory_bytes": 1 << 30, "os": "TestOS",
                       "kernel": "6.0", "contenders": {
                           "native": {"available": True, "version": "clang 19", "reason": None},
                           "flint": {"available": True, "version": "flint 0.1.0", "reason": None,
                                     "executable": "/b/flint"},
                           "gone": {"available": False, "version": None, "reason": "gone not found"}}}
        text = markdown_report([compute_table()], environment, "flint bench --quick",
                               {"compute": "report-compute.svg"})
        self.assertIn("flint bench --quick", text)
        self.assertIn("| gone | not available: gone not found |", text)
        self.assertIn("| flint | flint 0.1.0 (`/b/flint`) |", text)
        self.assertIn("Test CPU, 2 CPU(s), 1.00 GiB", text)
        self.assertIn("![Compute](report-compute.svg)", text)
        no_chart = markdown_report([compute_table()], environment, "x", {"compute": "matplotlib is missing"})
        self.assertIn("(No chart: matplotlib is missing.)", no_chart)


class JsonTest(unittest.TestCase):
    def test_every_sample_and_status_is_kept(self):
        table = compute_table()
        table.set("fast", "fib(40)", ok(1.0, [1.2, 1.0, 0.9]))
        document = json.loads(json_document([table], {"cpu": "Test CPU"}, "flint bench", {}))
        rows = document["tables"][0]["rows"]
        self.assertEqual(rows["fast"]["fib(40)"]["samples"], [1.2, 1.0, 0.9])
        self.assertEqual(rows["half"]["sieve(1)"]["status"], FAILED)
        self.assertIsNone(rows["gone"]["fib(40)"]["figure"])
        self.assertEqual(document["tables"][0]["ratios"]["fast"]["fib(40)"], 2.0)
        self.assertEqual(document["environment"]["cpu"], "Test CPU")


if __name__ == "__main__":
    unittest.main()
