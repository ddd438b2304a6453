"""Tests of the benchmark script's pure parts: statistics, the table, the run
schedule, output parsing and argument baking. Nothing here is timed.

    python3 -m unittest discover -s bench -p 'test_*.py'
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bake_args  # noqa: E402
import compare_report  # noqa: E402
import engines  # noqa: E402
import report  # noqa: E402
import run  # noqa: E402
import suite  # noqa: E402


class SummarizeTest(unittest.TestCase):
    def test_odd_count_takes_the_middle_sample(self):
        summary = report.summarize([3.0, 1.0, 2.0])
        self.assertEqual(summary.median, 2.0)
        self.assertEqual((summary.minimum, summary.maximum, summary.count), (1.0, 3.0, 3))
        self.assertAlmostEqual(summary.mean, 2.0)
        self.assertAlmostEqual(summary.stdev, 1.0)

    def test_even_count_averages_the_middle_pair(self):
        self.assertEqual(report.summarize([4.0, 1.0, 2.0, 100.0]).median, 3.0)

    def test_single_sample_has_zero_spread(self):
        self.assertEqual(report.summarize([0.5]).stdev, 0.0)

    def test_no_samples_is_an_error(self):
        with self.assertRaises(ValueError):
            report.summarize([])

    def test_ratio_compares_medians(self):
        native = report.summarize([1.0, 2.0, 1000.0])  # an outlier run
        runtime = report.summarize([30.0, 40.0, 50.0])
        self.assertEqual(report.ratio(runtime, native), 20.0)

    def test_geometric_mean_of_reciprocal_ratios_is_one(self):
        self.assertAlmostEqual(report.geometric_mean([2.0, 0.5]), 1.0)
        with self.assertRaises(ValueError):
            report.geometric_mean([1.0, 0.0])


class FormatTest(unittest.TestCase):
    def test_durations_pick_a_readable_unit(self):
        cases = {4.8: "4.80 s", 0.0312: "31.2 ms", 1.23e-5: "12.3 µs",
                 2.5e-8: "25.0 ns", 0.25: "250 ms", 123.4: "123 s"}
        for seconds, text in cases.items():
            with self.subTest(seconds=seconds):
                self.assertEqual(report.format_duration(seconds), text)

    def test_rounding_up_moves_to_the_next_unit(self):
        self.assertEqual(report.format_duration(0.99996), "1.00 s")
        self.assertEqual(report.format_duration(0.0099996), "10.0 ms")

    def test_ratios_keep_three_significant_digits(self):
        self.assertEqual(report.format_ratio(154.4), "154×")
        self.assertEqual(report.format_ratio(12.34), "12.3×")
        self.assertEqual(report.format_ratio(1.049), "1.05×")
        self.assertEqual(report.format_ratio(99.96), "100×")

    def test_table_has_one_row_per_kernel_under_the_runtime_label(self):
        rows = [
            report.Row("fib", 35, report.summarize([0.030, 0.031, 0.032]),
                       report.summarize([3.0, 3.1, 3.2]), native_cpu=0.02, runtime_cpu=3.0),
            report.Row("sieve", 1024, report.summarize([0.002]), report.summarize([0.010])),
        ]
        lines = report.markdown_table(rows, "flint").splitlines()
        self.assertEqual(len(lines), 4)
        self.assertIn("| flint median | flint / native |", lines[0])
        self.assertEqual(lines[1].count("|"), lines[0].count("|"))
        self.assertEqual(lines[2], "| fib | 35 | 31.0 ms | 3.10 s | 100× "
                                   "| 30.0 ms - 32.0 ms | 3.00 s - 3.20 s | 150× |")
        self.assertTrue(lines[3].startswith("| sieve | 1024 | 2.00 ms | 10.0 ms | 5.00× |"))
        self.assertTrue(lines[3].endswith("| n/a |"))

    def test_cpu_time_weights_rounds_by_their_runs(self):
        rounds = [report.CpuRound(3, user=1.0, system=0.5), report.CpuRound(1, user=5.5, system=0.0)]
        self.assertAlmostEqual(report.cpu_time_per_run(rounds), (3 * 1.5 + 5.5) / 4)
        with self.assertRaises(ValueError):
            report.cpu_time_per_run([])


class ScheduleTest(unittest.TestCase):
    def test_runs_are_spread_over_alternating_rounds(self):
        schedule = engines.round_orders(["native", "flint"], 10, 4)
        self.assertEqual([runs for runs, _ in schedule], [3, 3, 2, 2])
        self.assertEqual([order for _, order in schedule],
                         [["native", "flint"], ["flint", "native"]] * 2)

    def test_never_more_rounds_than_runs(self):
        self.assertEqual(engines.round_orders(["a", "b"], 2, 5), [(1, ["a", "b"]), (1, ["b", "a"])])
        self.assertEqual(engines.round_orders(["a", "b"], 7, 1), [(7, ["a", "b"])])

    def test_three_commands_each_go_first_in_turn(self):
        schedule = engines.round_orders(["native", "flint", "flint-aot"], 6, 3)
        self.assertEqual([order[0] for _, order in schedule], ["native", "flint", "flint-aot"])
        for _, order in schedule:
            self.assertEqual(sorted(order), ["flint", "flint-aot", "native"])


class CommandTest(unittest.TestCase):
    def test_checksum_is_the_last_integer_of_the_last_line(self):
        self.assertEqual(run.parse_checksum("9227465\n"), 9227465)
        self.assertEqual(run.parse_checksum("run() => i32:9227465\n\n"), 9227465)
        self.assertEqual(run.parse_checksum("run(i32:35) => i32:9227465"), 9227465)

    def test_signed_and_unsigned_spellings_agree(self):
        self.assertEqual(run.parse_checksum("-1"), run.parse_checksum("4294967295"))

    def test_output_without_a_number_is_an_error(self):
        for output in ("", "\n\n", "error: trap"):
            with self.subTest(output=output), self.assertRaises(ValueError):
                run.parse_checksum(output)

    def test_template_placeholders(self):
        self.assertEqual(
            run.fill_template("./build/flint run {wasm} --invoke {export} {args}", "out/fib.wasm", "run", [35]),
            ["./build/flint", "run", "out/fib.wasm", "--invoke", "run", "35"])
        self.assertEqual(
            run.fill_template("wasm-interp {wasm} --run-export={export} --argument=i32:{args}", "a b.wasm", "run", [7]),
            ["wasm-interp", "a b.wasm", "--run-export=run", "--argument=i32:7"])
        self.assertEqual(run.fill_template("rt {wasm}", "m.wasm", "run", []), ["rt", "m.wasm"])

    def test_label_is_the_program_name(self):
        self.assertEqual(run.runtime_label("/usr/bin/wasm-interp {wasm}"), "wasm-interp")

    def test_n_overrides(self):
        self.assertEqual(run.parse_n_overrides(["fib=40", "sieve=100"]), {"fib": 40, "sieve": 100})
        for bad in ("fib", "fib=x", "fib=-1", "nosuch=3"):
            with self.subTest(bad=bad), self.assertRaises((ValueError, KeyError)):
                run.parse_n_overrides([bad])


class EngineTest(unittest.TestCase):
    def test_engine_lists(self):
        self.assertEqual(engines.parse_engines("interp,aot"), ["interp", "aot"])
        self.assertEqual(engines.parse_engines("aot"), ["aot"])
        for bad in ("", "jit", "aot,aot", "interp,,x"):
            with self.subTest(bad=bad), self.assertRaises(ValueError):
                engines.parse_engines(bad)

    def test_compiled_engine_runs_the_artifact(self):
        interp = engines.flint_runtime("/opt/my flint", "interp")
        aot = engines.flint_runtime("/opt/my flint", "aot")
        self.assertEqual((interp.label, aot.label), ("flint", "flint-aot"))
        self.assertIsNone(interp.compile_template)
        self.assertEqual(aot.compile_template, "'/opt/my flint' compile {wasm} -o {artifact}")
        self.assertEqual(run.fill_template(aot.template, "out/fib.fwasm", "run", [40]),
                         ["/opt/my flint", "run", "--invoke", "run", "out/fib.fwasm", "40"])
        self.assertEqual(engines.artifact_path(Path("out/fib.wasm")), Path("out/fib.fwasm"))

    def test_precompile_measures_the_compiler_and_its_artifact(self):
        with tempfile.TemporaryDirectory() as directory:
            wasm = Path(directory) / "k.wasm"
            wasm.write_bytes(b"\0asm" + bytes(12))
            # A stand-in compiler: copies the module twice into the artifact.
            fake = engines.Runtime("fake", "rt {wasm}", "sh -c 'cat {wasm} {wasm} > {artifact}'")
            result = engines.precompile(fake, wasm, str(wasm), str(engines.artifact_path(wasm)))
            self.assertEqual((result.wasm_bytes, result.artifact_bytes), (16, 32))
            self.assertGreater(result.seconds, 0)
            self.assertGreater(result.peak_rss_bytes, 0)
            failing = engines.Runtime("fake", "rt {wasm}", "sh -c 'echo broken >&2; exit 3'")
            with self.assertRaisesRegex(RuntimeError, "exited with 3\n.*broken"):
                engines.precompile(failing, wasm, str(wasm), str(engines.artifact_path(wasm)))
            # The failed compile removed the earlier artifact: it is stale.
            self.assertFalse(engines.artifact_path(wasm).exists())


class SuiteTest(unittest.TestCase):
    def test_wasm_simd_vectorises_every_kernel(self):
        sieve, dot = suite.kernel_by_name("sieve"), suite.kernel_by_name("dot_i16")
        out = Path("out")
        self.assertNotIn("-msimd128", suite.wasm_command("clang-19", sieve, out))
        self.assertIn("-msimd128", suite.wasm_command("clang-19", sieve, out, simd128=True))
        self.assertIn("-msimd128", suite.wasm_command("clang-19", dot, out))  # written with intrinsics
        self.assertIn("--target=wasm32-wasi", suite.wasm_command("clang-19", sieve, out))

    def test_native_sqrt_is_an_instruction_as_in_wasm(self):
        self.assertIn("-fno-math-errno",
                      suite.native_command("clang-19", suite.kernel_by_name("nbody"), Path("out")))


class CompareReportTest(unittest.TestCase):
    ROWS = [
        compare_report.CompareRow(
            "fib", 40, compare_report.Side(report.summarize([1.0, 1.2]), cpu=1.0),
            {"flint": compare_report.Side(report.summarize([8.0]), cpu=8.0),
             "flint-aot": compare_report.Side(report.summarize([1.0, 1.4]), cpu=1.1)}),
        compare_report.CompareRow(
            "sieve", 9, compare_report.Side(report.summarize([0.5]), cpu=0.5),
            {"flint": compare_report.Side(report.summarize([2.2]), cpu=None),
             "flint-aot": compare_report.Side(report.summarize([0.55]), cpu=0.5)}),
    ]

    def test_one_column_group_per_runtime(self):
        lines = compare_report.markdown_table(self.ROWS, ["flint", "flint-aot"]).splitlines()
        self.assertEqual(len(lines), 4)
        self.assertEqual(lines[0].count("|"), lines[1].count("|"))
        self.assertEqual(lines[2], "| fib | 40 | 1.10 s (1.00 s - 1.20 s) | 8.00 s (8.00 s - 8.00 s) "
                                   "| 7.27× | 8.00× | 1.20 s (1.00 s - 1.40 s) | 1.09× | 1.10× |")
        self.assertIn("| 4.40× | n/a |", lines[3])

    def test_geometric_means_per_runtime(self):
        means = compare_report.geometric_means(self.ROWS, ["flint", "flint-aot"])
        self.assertAlmostEqual(means["flint-aot"]["wall"], (1.2 / 1.1 * 1.1) ** 0.5)
        self.assertAlmostEqual(means["flint-aot"]["cpu"], (1.1 * 1.0) ** 0.5)
        self.assertIsNone(means["flint"]["cpu"])  # sieve had no CPU time

    def test_sizes_in_binary_units(self):
        cases = {None: "n/a", 0: "0 B", 1023: "1023 B", 1536: "1.50 KiB",
                 5 * 1024 * 1024: "5.00 MiB", 123456789: "118 MiB"}
        for count, text in cases.items():
            with self.subTest(count=count):
                self.assertEqual(compare_report.format_bytes(count), text)

    def test_compile_table(self):
        lines = compare_report.compile_table([("fib", "flint-aot", {
            "wasm_bytes": 300, "artifact_bytes": 20480, "seconds": 0.0456,
            "peak_rss_bytes": 60 * 1024 * 1024})]).splitlines()
        self.assertEqual(lines[2], "| fib | flint-aot | 300 B | 20.0 KiB | 45.6 ms | 60.0 MiB |")


# (module (func (export "run") (param i32) (result i32) local.get 0 i32.const 1 i32.add))
ADD_ONE = bytes.fromhex(
    "0061736d01000000"
    "01060160017f017f"  # type section: (i32) -> i32
    "03020100"  # function section: func 0 has type 0
    "070701037275 6e0000".replace(" ", "")  # export "run" = func 0
    + "0a09010700200041016a0b"  # code: local.get 0, i32.const 1, i32.add, end
)


class BakeArgsTest(unittest.TestCase):
    def test_leb128_encodings(self):
        self.assertEqual(bake_args.encode_u32(624485), bytes.fromhex("e58e26"))
        self.assertEqual(bake_args.encode_signed(-123456, 32), bytes.fromhex("c0bb78"))
        self.assertEqual(bake_args.encode_signed(63, 32), bytes.fromhex("3f"))
        self.assertEqual(bake_args.encode_signed(64, 32), bytes.fromhex("c000"))
        self.assertEqual(bake_args.encode_signed(4294967295, 32), bake_args.encode_signed(-1, 32))
        with self.assertRaises(bake_args.BakeError):
            bake_args.encode_signed(1 << 32, 32)

    def test_export_becomes_a_nullary_wrapper(self):
        baked = bake_args.bake_arguments(ADD_ONE, "run", [41])
        sections = dict(bake_args.split_sections(baked))
        types = bake_args.read_vector(sections[bake_args.SECTION_TYPE], bake_args.read_func_type)
        self.assertEqual(types, [bake_args.FuncType(b"\x7f", b"\x7f"), bake_args.FuncType(b"", b"\x7f")])
        self.assertEqual(bake_args.read_vector(sections[bake_args.SECTION_FUNCTION], bake_args.Reader.u32), [0, 1])
        self.assertEqual(bake_args.read_vector(sections[bake_args.SECTION_EXPORT], bake_args.read_export),
                         [(b"run", bake_args.EXTERN_FUNC, 1)])
        # The new body: no locals, i32.const 41, call 0, end.
        self.assertTrue(sections[bake_args.SECTION_CODE].endswith(bytes.fromhex("0600412910000b")))

    def test_wrong_argument_count_or_export_is_refused(self):
        with self.assertRaises(bake_args.BakeError):
            bake_args.bake_arguments(ADD_ONE, "run", [])
        with self.assertRaises(bake_args.BakeError):
            bake_args.bake_arguments(ADD_ONE, "nosuch", [1])
        with self.assertRaises(bake_args.BakeError):
            bake_args.bake_arguments(ADD_ONE[:-3], "run", [1])  # truncated code section

    @unittest.skipUnless(shutil.which("wasm-interp"), "wabt's wasm-interp is not installed")
    def test_baked_module_runs_in_wasm_interp(self):
        with tempfile.TemporaryDirectory() as directory:
            module = Path(directory) / "baked.wasm"
            module.write_bytes(bake_args.bake_arguments(ADD_ONE, "run", [41]))
            output = subprocess.run(["wasm-interp", str(module), "--run-all-exports"],
                                    capture_output=True, text=True, check=True).stdout
        self.assertEqual(run.parse_checksum(output), 42)


if __name__ == "__main__":
    unittest.main()
