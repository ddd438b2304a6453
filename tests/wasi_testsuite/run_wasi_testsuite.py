#!/usr/bin/env python3
"""Runs tests of the official WASI test suite (../shared/wasi-testsuite) on Flint.

Upstream's `run-tests` wants Python 3.12 (only its test discovery does:
Path.walk); the library beneath it (test-runner/wasi_test_runner) runs on
3.11. So this runner reads each test exactly as upstream does, with
upstream's own code: `_read_test_config` parses and validates NAME.json
(args, env, root, stdin writes, stdout/stderr reads, exit code, the HTTP
requests of `wasi:http/service` tests and the servers of client tests) and
`TestCaseRunner` performs its operations, driving the command lines of
flint_adapter.py. What this file adds is one test per invocation, named, so
ctest reports each, and a writable copy: the suite is read-only and tests
create and delete files beneath their root, so each test runs from a fresh
copy of its .json and root folder in SCRATCH/TEST (the .wasm is read in
place).

Usage: run_wasi_testsuite.py --flint FLINT --suite DIR --scratch DIR
                             [--engine interp|aot] TEST...
where TEST is a path below DIR/tests without .wasm, e.g.
rust/testsuite/wasm32-wasip1/close_preopen.
Exit 0: every test passed; 1: a failure, with upstream's message; 77: the
suite is missing (skipped, with the reason).
"""

import argparse
import enum
import os
import shutil
import sys
from pathlib import Path

SKIP = 77


def parse_args():
    """The command line above."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flint", required=True, help="the flint executable")
    parser.add_argument("--suite", required=True, help="the wasi-testsuite folder")
    parser.add_argument("--scratch", required=True, help="where writable copies go")
    parser.add_argument("--engine", choices=["interp", "aot"], default="interp")
    parser.add_argument("--timeout", default="60", help="seconds a test may run")
    parser.add_argument("tests", nargs="+", help="tests, as paths below SUITE/tests")
    return parser.parse_args()


def enum_contains_as_in_python_3_12():
    """Upstream's runner asks `"wasm32-wasip1" in WasiVersion`, which Python
    3.12 answers by value and 3.11 refuses (TypeError). Give 3.11 the 3.12
    rule, so upstream's code runs unchanged: a member, or a value some
    member has."""
    if sys.version_info >= (3, 12):
        return
    member_check = enum.EnumType.__contains__

    def contains(cls, value):
        if isinstance(value, enum.Enum):
            return member_check(cls, value)
        try:
            return value in cls._value2member_map_
        except TypeError:  # unhashable: no member has it
            return False

    enum.EnumType.__contains__ = contains


def refusal_checking_runner(test_suite_runner):
    """Upstream's TestCaseRunner, plus one rule: a run where flint itself
    refused the test (a line `flint: error:` on stderr: unreadable,
    malformed, invalid or unlinkable, exit code 1) fails, even when the test
    expects exit code 1. Why: cli-exit expects 1 from the guest, and flint's
    own refusal must not pass for it."""

    class Runner(test_suite_runner.TestCaseRunner):
        """Records what flint refused; fails the test when it did."""

        def _wait(self, timeout):
            exit_code, out, err = super()._wait(timeout)
            refusals = [line for line in (err or "").splitlines()
                        if line.startswith("flint: error:")]
            if refusals:
                self.fail_unexpected("flint refused the test: " + "; ".join(refusals))
            return exit_code, out, err

    return Runner


def writable_copy(suite_tests: Path, test: str, scratch: Path, read_config) -> Path:
    """A fresh SCRATCH/TEST folder holding the test's .json and the folder
    its `root` names (symlinks kept as symlinks: some tests check them), and
    the path of the .wasm the runner should run (in place)."""
    source = suite_tests / test
    target = scratch / test
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    config_file = source.with_suffix(".json")
    if config_file.exists():
        shutil.copyfile(config_file, target / config_file.name)
        config = read_config(str(config_file))
        roots = {op.root.name for op in config.operations if getattr(op, "root", None)}
        for root in roots:
            shutil.copytree(source.parent / root, target / root, symlinks=True)
    # The runner reads NAME.json beside NAME.wasm: a symlink keeps the two
    # together without copying the module.
    wasm = target / (source.name + ".wasm")
    wasm.symlink_to(source.with_suffix(".wasm").resolve())
    return wasm


def main():
    """Runs each named test; prints upstream's failure messages."""
    options = parse_args()
    suite = Path(options.suite).resolve()
    suite_tests = suite / "tests"
    if not (suite / "test-runner" / "wasi_test_runner").is_dir():
        print(f"skipped: no WASI test suite at {suite}")
        return SKIP
    os.environ["FLINT"] = str(Path(options.flint).resolve())
    os.environ["FLINT_ENGINE"] = options.engine
    os.environ["FLINT_TIMEOUT"] = options.timeout
    enum_contains_as_in_python_3_12()
    sys.path.insert(0, str(suite / "test-runner"))
    # pylint: disable=import-outside-toplevel,protected-access
    from wasi_test_runner import runtime_adapter, test_suite_runner

    adapter = runtime_adapter.RuntimeAdapter(str(Path(__file__).parent / "flint_adapter.py"))
    scratch = Path(options.scratch).resolve() / options.engine
    failed = 0
    for test in options.tests:
        source = suite_tests / (test + ".wasm")
        if not source.exists():
            print(f"{test}: no such test ({source})")
            failed += 1
            continue
        manifest = test_suite_runner._read_manifest(source.parent)
        wasm = writable_copy(suite_tests, test, scratch, test_suite_runner._read_test_config)
        config = test_suite_runner._read_test_config(str(wasm))
        runner = refusal_checking_runner(test_suite_runner)(config, str(wasm), manifest.wasi_version,
                                                  adapter)
        result = runner.run()
        print(f"{test} [{options.engine}]: {' '.join(runner.last_argv())}")
        if result.failed:
            failed += 1
            for failure in result.failures:
                print(f"FAIL {test}: {failure.type}: {failure.message}")
        else:
            print(f"PASS {test}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
