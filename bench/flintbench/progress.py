"""The progress display on stderr: which workload and contender is running,
run i of N, elapsed time and an estimate of what is left. On a terminal one
line is redrawn in place; otherwise (a log file, CI) a line is printed at
most every few seconds so logs stay short."""

from __future__ import annotations

import sys
import time


def format_clock(seconds: float) -> str:
    """75 -> '1m15s', 3700 -> '1h01m', 9 -> '9s'."""
    seconds = max(0, int(round(seconds)))
    if seconds >= 3600:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    if seconds >= 60:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds}s"


class Progress:
    def __init__(self, stream=None, interactive: bool | None = None, clock=time.monotonic,
                 quiet_interval_s: float = 5.0):
        self.stream = stream if stream is not None else sys.stderr
        self.interactive = self.stream.isatty() if interactive is None else interactive
        self.clock = clock
        self.started = clock()
        self.quiet_interval_s = quiet_interval_s
        self._last_print = float("-inf")
        self._line_open = False

    def elapsed(self) -> float:
        return self.clock() - self.started

    def note(self, message: str) -> None:
        """A line that stays: a phase starting, a contender failing."""
        self._end_line()
        print(f"[{format_clock(self.elapsed())}] {message}", file=self.stream, flush=True)

    def step(self, workload: str, what: str, done: int, total: int, eta_s: float | None) -> None:
        """Run `done` of `total` in `workload`; `what` names the contender
        and program. eta_s: the estimated seconds left in this workload."""
        eta = f", about {format_clock(eta_s)} left" if eta_s is not None else ""
        line = f"[{format_clock(self.elapsed())}] {workload}: {what} run {done}/{total}{eta}"
        now = self.clock()
        if self.interactive:
            self.stream.write("\r\x1b[2K" + line)
            self.stream.flush()
            self._line_open = True
        elif now - self._last_print >= self.quiet_interval_s or done == total:
            print(line, file=self.stream, flush=True)
            self._last_print = now

    def _end_line(self) -> None:
        if self._line_open:
            self.stream.write("\n")
            self._line_open = False


class Eta:
    """Estimates time left from each pending run's expected duration (the
    untimed check run of the same command): runs of a slow interpreter and
    of native code are not worth the same."""

    def __init__(self, expected_s: dict, runs_each: int):
        self.remaining = {key: seconds * runs_each for key, seconds in expected_s.items()}
        self.expected = dict(expected_s)

    def finished_run(self, key) -> None:
        self.remaining[key] = max(0.0, self.remaining.get(key, 0.0) - self.expected.get(key, 0.0))

    def drop(self, key) -> None:
        self.remaining[key] = 0.0

    def seconds_left(self) -> float:
        return sum(self.remaining.values())
