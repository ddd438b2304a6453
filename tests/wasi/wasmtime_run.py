#!/usr/bin/env python3
"""Runs a WASI module under Wasmtime (the `wasmtime` PyPI package) with the
capability flags of `flint run`, so the differential test can compare the two.

    wasmtime_run.py [--dir HOST[::GUEST]] [--dir-ro HOST[::GUEST]]
                    [--env NAME[=VALUE]] MODULE [ARGS...]

stdin, stdout and stderr are inherited. The exit status is the guest's
proc_exit code, 0 when _start returns, and 134 after a trap, as the
`wasmtime` command line does. Exits 77 when the package is missing.
"""
import os
import sys

try:
    import wasmtime
except ImportError:
    print("wasmtime_run.py: the wasmtime Python package is not installed", file=sys.stderr)
    sys.exit(77)


def split_dir(spec):
    host, sep, guest = spec.partition("::")
    return host, guest if sep else host


def main(argv):
    dirs, envs, i = [], [], 0
    while i < len(argv) and argv[i].startswith("--"):
        flag = argv[i]
        if flag == "--":
            i += 1
            break
        if i + 1 >= len(argv):
            print(f"wasmtime_run.py: {flag} needs a value", file=sys.stderr)
            return 2
        value = argv[i + 1]
        if flag in ("--dir", "--dir-ro"):
            host, guest = split_dir(value)
            dirs.append((host, guest, flag == "--dir"))
        elif flag == "--env":
            name, sep, val = value.partition("=")
            if sep:
                envs.append((name, val))
            elif name in os.environ:
                envs.append((name, os.environ[name]))
        else:
            print(f"wasmtime_run.py: unknown flag {flag}", file=sys.stderr)
            return 2
        i += 2
    if i >= len(argv):
        print("wasmtime_run.py: no module given", file=sys.stderr)
        return 2
    module_path, guest_args = argv[i], argv[i + 1:]

    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    wasi = wasmtime.WasiConfig()
    # argv[0] is the module's base name, as `wasmtime run` passes it.
    wasi.argv = [os.path.basename(module_path)] + guest_args
    wasi.env = envs
    for host, guest, mutable in dirs:
        wasi.preopen_dir(host, guest, mutable)
    wasi.inherit_stdin()
    wasi.inherit_stdout()
    wasi.inherit_stderr()
    store.set_wasi(wasi)
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    module = wasmtime.Module.from_file(engine, module_path)
    try:
        instance = linker.instantiate(store, module)
        start = instance.exports(store).get("_start")
        if start is not None:
            start(store)
    except wasmtime.ExitTrap as e:
        sys.stdout.flush()
        return e.code
    except wasmtime.Trap as e:
        sys.stdout.flush()
        print(f"wasmtime trap: {e.message}", file=sys.stderr)
        return 134
    except wasmtime.WasmtimeError as e:
        # A host function refusing its arguments (a bad pointer, an invalid
        # enum value) traps the guest too.
        sys.stdout.flush()
        print(f"wasmtime error: {str(e).splitlines()[-1].strip()}", file=sys.stderr)
        return 134
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
