"""Discovery of contenders on PATH (and in ~/.cargo/bin, ~/go/bin), their
versions, and the rows kept for missing ones."""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
import unittest
from pathlib import Path
from unittest import mock

from fakes import write_script

from flintbench import cli
from flintbench.container_contenders import container_contenders, load_containers_module
from flintbench.contenders import CONTAINER_NAMES, Unsupported, search_path, wasm_runtimes
from flintbench.programs import Program


class DiscoveryTest(unittest.TestCase):
    def setUp(self):
        self.home = Path(tempfile.mkdtemp(prefix="flintbench-home-"))
        self.bin = self.home / "bin"
        self.bin.mkdir()
        (self.home / ".cargo" / "bin").mkdir(parents=True)
        (self.home / "go" / "bin").mkdir(parents=True)
        self.environ = {"PATH": str(self.bin), "HOME": str(self.home)}

    def runtimes(self):
        return {r.name: r for r in wasm_runtimes(None, "flint not built", search_path(self.environ))}

    def test_nothing_installed_means_every_row_is_not_available_with_a_reason(self):
        runtimes = self.runtimes()
        self.assertEqual(list(runtimes), ["flint (interp)", "flint (aot)", "wasmtime", "wazero", "node",
                                          "wasmer", "wasmedge", "iwasm", "wasm3"])
        self.assertEqual(runtimes["wasmtime"].probe(), (False, "wasmtime not found on PATH"))
        self.assertEqual(runtimes["flint (aot)"].probe(), (False, "flint not built"))

    def test_runtimes_are_found_on_path_and_in_cargo_and_go_bin(self):
        write_script(self.bin, "wasm3", 'echo "Wasm3 v0.5.0 on x86_64"')
        write_script(self.home / ".cargo" / "bin", "wasmtime", 'echo "wasmtime 99.1.2"')
        write_script(self.home / "go" / "bin", "wazero", '[ "$1" = version ] && echo v9.9.9')
        runtimes = self.runtimes()
        self.assertEqual(runtimes["wasm3"].probe(), (True, "Wasm3 v0.5.0 on x86_64"))
        self.assertEqual(runtimes["wasmtime"].probe(), (True, "wasmtime 99.1.2"))
        self.assertEqual(runtimes["wazero"].probe(), (True, "v9.9.9"))
        self.assertFalse(runtimes["node"].probe()[0])

    def test_commands_and_server_support(self):
        write_script(self.bin, "wazero", "echo v1")
        write_script(self.bin, "node", "echo v20")
        runtimes = self.runtimes()
        program = Program("hello", wasm=Path("/m/hello.wasm"))
        self.assertEqual(runtimes["wazero"].command(program, ["1"]),
                         [str(self.bin / "wazero"), "run", "/m/hello.wasm", "1"])
        self.assertEqual(runtimes["wazero"].server_command(program, 8080),
                         [str(self.bin / "wazero"), "run", "-listen=127.0.0.1:8080", "/m/hello.wasm"])
        with self.assertRaises(Unsupported):
            runtimes["node"].server_command(program, 8080)

    def test_a_failed_build_is_the_contenders_failure(self):
        write_script(self.bin, "wazero", "echo v1")
        program = Program("sieve", errors={"wasm": "clang-19: error: unknown target"})
        with self.assertRaisesRegex(Exception, "wasm build of sieve failed: clang-19: error"):
            self.runtimes()["wazero"].command(program, [])

    def test_missing_containers_module_keeps_four_rows(self):
        module, reason = load_containers_module("flintbench.no_such_containers_module")
        self.assertIsNone(module)
        self.assertEqual(reason, "containers module missing")
        rows = container_contenders("flintbench.no_such_containers_module")
        self.assertEqual([c.name for c in rows], list(CONTAINER_NAMES))
        self.assertTrue(all(c.probe() == (False, "containers module missing") for c in rows))

    def test_contender_filter_by_name_or_first_word(self):
        with mock.patch.dict(os.environ, self.environ):
            everything = cli.discover(cli.parse_arguments(["--flint", str(write_script(self.bin, "flint",
                                                                                            "echo flint"))]))
        names = [c.name for c in cli.select(everything, "wazero,flint,docker")]
        self.assertEqual(names, ["flint (interp)", "flint (aot)", "wazero", "docker (scratch)",
                                 "docker (debian)"])
        with self.assertRaises(SystemExit):
            cli.select(everything, "nosuchruntime")


class OptionsTest(unittest.TestCase):
    def test_quick_is_small_and_short(self):
        options = cli.options_from(cli.parse_arguments(["--quick"]))
        self.assertEqual((options.runs, options.compute_runs, options.size), (10, 1, "small"))
        self.assertEqual(options.kernels[0], "fib")
        self.assertLessEqual(options.http_duration_s, 2)

    def test_default_is_the_issues_measurement(self):
        options = cli.options_from(cli.parse_arguments([]))
        self.assertEqual(options.runs, 100)
        self.assertEqual(options.kernels[0], "fib")
        self.assertGreater(len(options.kernels), 5)

    def test_bad_workload_is_refused(self):
        with self.assertRaises(SystemExit), contextlib.redirect_stderr(io.StringIO()) as err:
            cli.parse_arguments(["--workloads", "startup,gpu"])
        self.assertIn("unknown workload(s) gpu", err.getvalue())


if __name__ == "__main__":
    unittest.main()
