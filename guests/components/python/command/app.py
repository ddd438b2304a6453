"""A Python command component: componentize-py bundles CPython and this
module into a component exporting wasi:cli/run. Arguments, environment, a
file in the preopened /data, stdout, stderr and an exit status;
deterministic output."""
import os
import sys

from wit_world import exports


class Run(exports.Run):
    def run(self) -> None:
        args = sys.argv
        print("lang: python")
        print(f"argc: {len(args)}")
        for i, a in enumerate(args[1:], 1):
            print(f"arg[{i}]: {a}")
        print(f"GREETING: {os.environ.get('GREETING', '(unset)')}")
        print(f"FLINT_UNSET_VARIABLE: {os.environ.get('FLINT_UNSET_VARIABLE', '(unset)')}")
        try:
            with open("/data/input.txt") as f:
                lines = f.read().splitlines()
        except OSError as e:
            print(f"cannot open /data/input.txt: {e}", file=sys.stderr)
            sys.exit(2)
        for n, line in enumerate(lines):
            print(f"input[{n}]: {line}")
        print(f"input lines: {len(lines)}")
        print(f"missing file opens: {'yes' if os.path.exists('/data/missing.txt') else 'no'}")
        sys.stdout.flush()
        print("python: to stderr", file=sys.stderr)
        sys.stderr.flush()
        if "--fail" in args[1:]:
            # wasi:cli/run's result<_, _>: err is the failing exit status.
            raise SystemExit(1)
