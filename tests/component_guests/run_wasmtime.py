#!/usr/bin/env python3
"""Runs a WebAssembly component under Wasmtime (the `wasmtime` PyPI package,
whose `wasmtime.component` API runs components with WASI 0.2), with the
capability flags of `flint run`:

    run_wasmtime.py [--dir HOST[::GUEST]] [--env NAME=VALUE]
                    [--calls FILE] COMPONENT [ARGS...]

Without --calls the component is a command: its `wasi:cli/run` export is
called, and the exit status is 0 when it returns ok, 1 when it returns err
(WASI 0.2 carries only success or failure), the status given to
`wasi:cli/exit`, or 134 after a trap, as the `wasmtime` command line does.

With --calls the component is a reactor and FILE lists calls to its exports,
one a line (see calls.py); each call and its result are printed to stdout.

stdin, stdout and stderr are inherited. Exits 77 when the package, or its
component support, is missing.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

try:
    import wasmtime
    import wasmtime.component as wc
except ImportError:
    print("run_wasmtime.py: the wasmtime Python package (with wasmtime.component) is not installed",
          file=sys.stderr)
    sys.exit(77)

import calls


def split_dir(spec):
    host, sep, guest = spec.partition("::")
    return host, guest if sep else host


def parse(argv):
    dirs, envs, calls_file, i = [], [], None, 0
    while i < len(argv) and argv[i].startswith("--"):
        flag = argv[i]
        if flag == "--":
            i += 1
            break
        if i + 1 >= len(argv):
            sys.exit(f"run_wasmtime.py: {flag} needs a value")
        value = argv[i + 1]
        if flag == "--dir":
            dirs.append(split_dir(value))
        elif flag == "--env":
            name, _, val = value.partition("=")
            envs.append((name, val))
        elif flag == "--calls":
            calls_file = value
        else:
            sys.exit(f"run_wasmtime.py: unknown flag {flag}")
        i += 2
    if i >= len(argv):
        sys.exit("run_wasmtime.py: no component given")
    return dirs, envs, calls_file, argv[i], argv[i + 1:]


def find_run(store, instance):
    """The `run` function of the newest `wasi:cli/run@0.2.*` export."""
    for minor in range(20, -1, -1):
        iface = instance.get_export_index(store, f"wasi:cli/run@0.2.{minor}")
        if iface is not None:
            run = instance.get_export_index(store, "run", iface)
            return instance.get_func(store, run)
    return None


def main(argv):
    dirs, envs, calls_file, path, guest_args = parse(argv)
    config = wasmtime.Config()
    # The Python and JavaScript guests are 12-18 MB of wasm (an interpreter
    # each): Wasmtime's compilation cache (~/.cache/wasmtime) makes every run
    # after the first take a second instead of half a minute.
    try:
        config.cache = True
    except wasmtime.WasmtimeError:
        pass
    engine = wasmtime.Engine(config)
    store = wasmtime.Store(engine)
    wasi = wasmtime.WasiConfig()
    # argv[0] is the component's base name, as `wasmtime run` passes it.
    wasi.argv = [os.path.basename(path)] + guest_args
    wasi.env = envs
    for host, guest in dirs:
        wasi.preopen_dir(host, guest)
    wasi.inherit_stdin()
    wasi.inherit_stdout()
    wasi.inherit_stderr()
    store.set_wasi(wasi)
    linker = wc.Linker(engine)
    linker.add_wasip2()
    component = wc.Component.from_file(engine, path)
    try:
        instance = linker.instantiate(store, component)
        if calls_file is not None:
            calls.run_file(calls_file, calls.WasmtimeExports(store, instance))
            sys.stdout.flush()
            return 0
        run = find_run(store, instance)
        if run is None:
            print("run_wasmtime.py: the component exports no wasi:cli/run", file=sys.stderr)
            return 2
        result = run(store)
        sys.stdout.flush()
        # result<_, _>: wasmtime-py returns Variant("ok") or Variant("err").
        return 0 if result is None or getattr(result, "tag", "ok") == "ok" else 1
    except wasmtime.ExitTrap as e:
        sys.stdout.flush()
        return e.code
    except wasmtime.Trap as e:
        sys.stdout.flush()
        print(f"wasmtime trap: {e.message}", file=sys.stderr)
        return 134
    except wasmtime.WasmtimeError as e:
        sys.stdout.flush()
        print(f"wasmtime error: {str(e).splitlines()[0].strip()}", file=sys.stderr)
        return 134


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
