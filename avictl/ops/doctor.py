"""Run health checks concurrently, one result each; wait until they all hold. Never prints.

A check is a function returning an `Outcome` (or raising an AvictlError, which becomes a
failed outcome with that error's exit code). Checks may need what another check found
(`ctx.need("controller")`): they then wait for it, and are skipped when it failed, so a
broken link is reported once, on its own row. Time is the slowest check, not the sum.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from .. import errors


@dataclass
class Outcome:
    """What a check found. `problem` names the failure (e.g. "drift"); `detail` is only an error's message."""

    ok: bool
    detail: str | None = None
    problem: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    code: int = errors.FAILURE
    hint: str | None = None  # an error's own hint, when the check failed with one
    skipped: bool = False


@dataclass
class Result:
    check: str
    ok: bool
    detail: str | None  # an error's message; otherwise the caller words `data`
    seconds: float
    problem: str | None = None
    code: int = errors.OK
    hint: str | None = None
    skipped: bool = False
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Check:
    name: str
    run: Callable[[Context], Outcome]


class Skipped(Exception):
    def __init__(self, needed: str):
        super().__init__(needed)
        self.needed = needed


class Context:
    """Handed to every check: the other checks' outcomes, waited for on demand."""

    def __init__(self) -> None:
        self.futures: dict[str, Future] = {}

    def need(self, name: str) -> dict[str, Any]:
        """The data of check `name` once it is done; Skipped when it failed or is not run."""
        fut = self.futures.get(name)
        if fut is None:
            raise Skipped(name)
        result: Result = fut.result()
        if not result.ok:
            raise Skipped(name)
        return result.data

    def has(self, name: str) -> bool:
        return name in self.futures


def _run_one(check: Check, ctx: Context) -> Result:
    start = time.monotonic()
    try:
        out = check.run(ctx)
    except Skipped as exc:
        out = Outcome(False, problem="skipped", skipped=True, data={"needed": exc.needed})
    except errors.AvictlError as exc:
        out = Outcome(False, errors.one_line(exc.message, 300), problem=_problem_of(exc), code=exc.exit_code,
                      hint=exc.hint)
    except Exception as exc:  # a bug in one check must not hide the others
        out = Outcome(False, f"{type(exc).__name__}: {errors.one_line(str(exc), 200)}", problem="error")  # a bug
    code = errors.OK if out.ok else (out.code or errors.FAILURE)
    return Result(check.name, out.ok, out.detail, time.monotonic() - start, out.problem, code, out.hint,
                  out.skipped, out.data)


def _problem_of(exc: errors.AvictlError) -> str:
    if isinstance(exc, (errors.ConnectError, errors.AmbiguousRequest)):
        return "unreachable"
    if isinstance(exc, errors.AuthError):
        return "auth"
    if isinstance(exc, errors.NotFound):
        return "not_found"
    if isinstance(exc, errors.UsageError):
        return "config"
    return "error"


def run_checks(checks: list[Check], on_done: Callable[[Result], None] | None = None) -> list[Result]:
    """Run every check at once; results in the order of `checks`."""
    ctx = Context()
    if not checks:
        return []
    lock = threading.Lock()
    with ThreadPoolExecutor(max_workers=len(checks), thread_name_prefix="check") as pool:
        for check in checks:
            ctx.futures[check.name] = pool.submit(_run_one, check, ctx)
        if on_done:
            for check in checks:
                def report(fut: Future, _lock: threading.Lock = lock) -> None:
                    with _lock:
                        on_done(fut.result())

                ctx.futures[check.name].add_done_callback(report)
        return [ctx.futures[c.name].result() for c in checks]


def exit_code(results: list[Result]) -> int:
    """0 when all hold; else the code every failed check shares (skipped ones aside), else 1.

    So: everything unreachable → 6, only a wrong password → 5, only a missing object → 3;
    two different kinds of failure → 1.
    """
    failed = [r for r in results if not r.ok and not r.skipped] or [r for r in results if not r.ok]
    if not failed:
        return errors.OK
    codes = {r.code for r in failed}
    return codes.pop() if len(codes) == 1 else errors.FAILURE


def wait_until_all_ok(make_checks: Callable[[], list[Check]], timeout: float, *, interval: float = 2.0,
                      on_round: Callable[[list[Result], float], None] | None = None,
                      sleep: Callable[[float], Any] | None = None) -> tuple[list[Result], bool]:
    """Run the checks in rounds until all hold or `timeout` passes → (last results, all ok)."""
    deadline = time.monotonic() + timeout
    stop = threading.Event()
    wait = sleep or stop.wait
    while True:
        start = time.monotonic()
        results = run_checks(make_checks())
        if on_round:
            on_round(results, max(0.0, deadline - time.monotonic()))
        if all(r.ok for r in results):
            return results, True
        left = deadline - time.monotonic()
        if left <= 0:
            return results, False
        wait(min(left, max(0.0, interval - (time.monotonic() - start))))
