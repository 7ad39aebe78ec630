"""Run a command as a process of its own and read what the kernel counted for it."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from dataclasses import dataclass


@dataclass
class Run:
    wall: float      # seconds, start to exit
    cpu: float       # user + sys seconds of the process (and its threads), from wait4
    maxrss_mib: float
    lines: int       # lines written to stdout
    code: int
    stderr: str


def measure(argv: list[str], env: dict[str, str] | None = None, cwd: str | None = None) -> Run:
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: out.read(1 << 20), b""))
        err.seek(0)
        return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, lines, proc.returncode,
                   err.read().decode(errors="replace")[-2000:])


def best(runs: list[Run]) -> Run:
    """The run with the least wall time (the others include noise from the machine)."""
    return min(runs, key=lambda r: r.wall)
