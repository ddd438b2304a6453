"""Checking and timing commands: interleaving order, failures, wrong
output, statistics of the samples -- with fake programs (shell scripts)."""

from __future__ import annotations

import tempfile
import unittest
from pathlib import Path

from fakes import QuietProgress, write_script

from flintbench import measure
from flintbench.compute import checker, timed_cell
from flintbench.startup import check_hello
from flintbench.timing import Job, time_jobs


class TimeJobsTest(unittest.TestCase):
    def setUp(self):
        self.dir = Path(tempfile.mkdtemp(prefix="flintbench-test-"))
        self.log = self.dir / "order.log"

    def fake(self, name: str, body: str = 'echo "Hello, world!"') -> list[str]:
        # Every run appends the fake's name, so the order of runs is visible.
        return [str(write_script(self.dir, name, f'echo {name} >> "{self.log}"\n{body}'))]

    def order(self) -> list[str]:
        return self.log.read_text().split()

    def test_runs_are_interleaved_in_rotating_rounds(self):
        jobs = {name: Job(name, self.fake(name), check_hello) for name in ("a", "b", "c")}
        results = time_jobs("startup", jobs, 3, QuietProgress())
        # One untimed check run each, then rounds a b c / b c a / c a b.
        self.assertEqual(self.order(), ["a", "b", "c", "a", "b", "c", "b", "c", "a", "c", "a", "b"])
        for result in results.values():
            self.assertIsNone(result.error)
            self.assertEqual(len(result.runs), 3)
            self.assertTrue(all(run.wall_s > 0 for run in result.runs))

    def test_a_failing_command_is_failed_with_its_message_and_not_timed(self):
        jobs = {"ok": Job("ok", self.fake("ok"), check_hello),
                "bad": Job("bad", self.fake("bad", 'echo "cannot open module" >&2; exit 3'), check_hello)}
        results = time_jobs("startup", jobs, 2, QuietProgress())
        self.assertEqual(results["bad"].error, "exit status 3: cannot open module")
        self.assertEqual(results["bad"].runs, [])
        self.assertEqual(self.order().count("bad"), 1)  # only its check run
        self.assertEqual(len(results["ok"].runs), 2)

    def test_wrong_output_is_a_failure(self):
        jobs = {"liar": Job("liar", self.fake("liar", "echo Goodbye"), check_hello)}
        results = time_jobs("startup", jobs, 2, QuietProgress())
        self.assertIn("printed 'Goodbye'", results["liar"].error)

    def test_checksum_must_equal_natives(self):
        jobs = {"right": Job("right", self.fake("right", "echo 42"), checker(42)),
                "wrong": Job("wrong", self.fake("wrong", "echo 41"), checker(42)),
                "mute": Job("mute", self.fake("mute", "true"), checker(42))}
        results = time_jobs("compute", jobs, 1, QuietProgress())
        self.assertIsNone(results["right"].error)
        self.assertEqual(results["wrong"].error, "checksum 41 differs from native 42")
        self.assertIn("no checksum", results["mute"].error)

    def test_a_failure_in_a_timed_run_discards_the_contender(self):
        counter = self.dir / "count"
        body = (f'n=$(cat "{counter}" 2>/dev/null || echo 0); echo $((n+1)) > "{counter}"; '
                'if [ "$n" -ge 2 ]; then exit 9; fi; echo "Hello, world!"')
        jobs = {"flaky": Job("flaky", self.fake("flaky", body), check_hello)}
        results = time_jobs("startup", jobs, 5, QuietProgress())
        self.assertTrue(results["flaky"].error.startswith("run 2: exit status 9"), results["flaky"].error)
        self.assertEqual(results["flaky"].runs, [])  # never half-measured

    def test_timeout_kills_and_fails(self):
        jobs = {"slow": Job("slow", self.fake("slow", "sleep 5"), check_hello)}
        results = time_jobs("startup", jobs, 1, QuietProgress(), timeout_s=0.3)
        self.assertEqual(results["slow"].error, "timed out after 0.3 s")

    def test_missing_program_is_failed_not_raised(self):
        jobs = {"ghost": Job("ghost", [str(self.dir / "no-such-runtime")], check_hello)}
        results = time_jobs("startup", jobs, 1, QuietProgress())
        self.assertIn("cannot start", results["ghost"].error)

    def test_timed_cell_statistics(self):
        jobs = {"a": Job("a", self.fake("a", "echo 7"), checker(7))}
        result = time_jobs("compute", jobs, 3, QuietProgress())["a"]
        cell = timed_cell(result, "a 7", 7)
        walls = sorted(run.wall_s for run in result.runs)
        self.assertEqual(cell.figure, walls[1])  # the median of three
        self.assertEqual((cell.details["min"], cell.details["max"]), (walls[0], walls[2]))
        self.assertEqual(len(cell.samples), 3)
        self.assertTrue(cell.details["checksum_verified"])


class MeasureTest(unittest.TestCase):
    def test_run_process_reports_status_and_time(self):
        directory = Path(tempfile.mkdtemp(prefix="flintbench-test-"))
        script = write_script(directory, "sleeper", "sleep 0.2; exit 4")
        run = measure.run_process([str(script)])
        self.assertEqual(run.exit_status, 4)
        self.assertGreaterEqual(run.wall_s, 0.2)
        self.assertGreater(run.peak_rss_bytes, 0)

    def test_process_tree_and_memory_from_a_fake_proc(self):
        proc = Path(tempfile.mkdtemp(prefix="flintbench-proc-"))
        tree = {10: [11, 12], 11: [13], 12: [], 13: []}
        for pid, children in tree.items():
            task = proc / str(pid) / "task" / str(pid)
            task.mkdir(parents=True)
            (task / "children").write_text(" ".join(map(str, children)) + (" " if children else ""))
            (proc / str(pid) / "smaps_rollup").write_text(
                f"00400000-7fff [rollup]\nRss:             {pid} kB\nPss:               1 kB\n")
        self.assertEqual(sorted(measure.process_tree(10, proc)), [10, 11, 12, 13])
        memory = measure.tree_memory(11, proc)
        self.assertEqual(memory.rss_bytes, (11 + 13) * 1024)
        self.assertEqual(memory.pss_bytes, 2 * 1024)
        self.assertEqual(memory.processes, 2)


if __name__ == "__main__":
    unittest.main()
