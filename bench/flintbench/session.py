"""What every workload shares: the contenders and whether each is
available, the built programs, the options and the progress display. It
turns (contender, program, arguments) into a command, or into the cell that
says why there is none."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .contenders import ContenderError, Contender, Unsupported
from .model import Cell
from .programs import Program
from .progress import Progress


@dataclass
class Options:
    runs: int = 100  # startup runs per contender
    compute_runs: int = 5
    size: str = "default"
    kernels: list[str] = field(default_factory=list)
    http_duration_s: float = 10.0
    http_rounds: int = 3
    http_connections: int = 32
    server_cpu: int | None = 0  # taskset core of the server; wrk gets load_cpu
    load_cpu: int | None = 1
    timeout_s: float = 600.0
    cc: str = "clang-19"
    serve_duration_s: float = 10.0  # the serve workload's wrk run, after serve_warmup_s of warm-up
    serve_warmup_s: float = 2.0
    serve_rounds: int = 5
    serve_threads: int = 1  # wrk threads
    serve_apps: tuple[int, ...] = (1, 100, 1000)  # apps in one `flint up` for its idle memory
    serve_own_session: bool = False  # servers in a session (an autogroup) of their own, not the harness's


@dataclass
class Session:
    contenders: list[Contender]
    options: Options
    progress: Progress
    out_dir: Path
    availability: dict[str, tuple[bool, str]] = field(default_factory=dict)
    programs: dict[str, Program] = field(default_factory=dict)

    def probe_all(self) -> None:
        for contender in self.contenders:
            if contender.name not in self.availability:
                try:
                    self.availability[contender.name] = tuple(contender.probe())
                except Exception as error:  # a broken probe is a missing contender, not a crash
                    self.availability[contender.name] = (False, f"probe failed: {error}")

    def available(self, contender: Contender) -> bool:
        return self.availability.get(contender.name, (False, ""))[0]

    def prepare(self, programs: list[Program]) -> None:
        """Compiles artifacts / builds images for every available contender,
        outside any timed region."""
        for contender in self.contenders:
            if self.available(contender) and type(contender).prepare is not Contender.prepare:
                self.progress.note(f"preparing {contender.name} for {', '.join(p.name for p in programs)}")
                try:
                    contender.prepare(programs)
                except Exception as error:  # recorded per program by prepare(); this is a bug guard
                    self.availability[contender.name] = (False, f"prepare failed: {error}")

    def command_or_cell(self, contender: Contender, program: Program,
                        args: list[str]) -> tuple[list[str] | None, Cell | None]:
        """(argv, None) when the contender can run the program, else
        (None, the cell to report: not available or failed)."""
        available, why = self.availability.get(contender.name, (False, "not probed"))
        if not available:
            return None, Cell.unavailable(why)
        try:
            return contender.command(program, args), None
        except Unsupported as error:
            return None, Cell.unavailable(str(error))
        except ContenderError as error:
            return None, Cell.failed(str(error))
        except Exception as error:  # BuildError, or a container module's own error
            return None, Cell.failed(str(error))
