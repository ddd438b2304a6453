"""`python3 -m flintbench`: charts need matplotlib; when this interpreter
lacks it (a pyenv or venv Python beside Debian's python3-matplotlib), the
run moves to a system Python that has it, so the report gets its charts."""

from __future__ import annotations

import os
import subprocess
import sys

CANDIDATES = ("/usr/bin/python3", "/usr/local/bin/python3")


def python_with_matplotlib() -> str | None:
    for candidate in CANDIDATES:
        if os.path.realpath(candidate) == os.path.realpath(sys.executable) or not os.access(candidate, os.X_OK):
            continue
        probe = subprocess.run([candidate, "-c", "import matplotlib"], capture_output=True)
        if probe.returncode == 0:
            return candidate
    return None


if __name__ == "__main__":
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        other = None if os.environ.get("FLINTBENCH_NO_REEXEC") else python_with_matplotlib()
        if other:
            os.environ["FLINTBENCH_NO_REEXEC"] = "1"
            package_parent = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
            os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [package_parent,
                                                                     os.environ.get("PYTHONPATH")]))
            os.execv(other, [other, "-m", "flintbench", *sys.argv[1:]])
    from flintbench.cli import main
    sys.exit(main())
