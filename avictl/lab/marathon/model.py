"""The Marathon stand-in's constants and clock."""

from __future__ import annotations

import heapq
import itertools
import re
import threading
import time
from collections.abc import Callable
from datetime import datetime, timezone

AGENTS = (("10.0.1.10", "agent-0-S0"), ("10.0.1.11", "agent-1-S1"))
SERVICE_PORT_MIN = 10000
HOST_PORT_MIN = 31000
# PathId.scala's ID_PATH_SEGMENT_PATTERN @ v1.5.0 (the same as ModelValidation.idErrors @ v0.9.2)
ID_SEGMENT = re.compile(r"^(([a-z0-9]|[a-z0-9][a-z0-9\-]*[a-z0-9])\.)*([a-z0-9]|[a-z0-9][a-z0-9\-]*[a-z0-9])|(\.|\.\.)$")
CRASH_CMD = re.compile(r"\bexit\s+[1-9]\d*\b")
STOP = object()


def now() -> str:
    now = datetime.now(timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


class Scheduler:
    """Runs callbacks at given times on one thread; sleeps until the next one (no polling)."""

    def __init__(self, lock: threading.RLock, after: Callable[[], None] | None = None):
        self.lock = lock
        self.after = after  # run after each callback, under the lock (e.g. to follow task changes)
        self.cond = threading.Condition(threading.Lock())
        self.heap: list[tuple[float, int, Callable[[], None]]] = []
        self.seq = itertools.count()
        self.stopped = False
        self.thread = threading.Thread(target=self._run, name="marathon-lab-scheduler", daemon=True)
        self.thread.start()

    def at(self, delay: float, fn: Callable[[], None]) -> None:
        with self.cond:
            heapq.heappush(self.heap, (time.monotonic() + max(0.0, delay), next(self.seq), fn))
            self.cond.notify()

    def clear(self) -> None:
        with self.cond:
            self.heap.clear()

    def stop(self) -> None:
        with self.cond:
            self.stopped = True
            self.cond.notify()

    def _run(self) -> None:
        while True:
            with self.cond:
                while not self.stopped and (not self.heap or self.heap[0][0] > time.monotonic()):
                    self.cond.wait(None if not self.heap else self.heap[0][0] - time.monotonic())
                if self.stopped:
                    return
                _, _, fn = heapq.heappop(self.heap)
            with self.lock:
                try:
                    fn()
                    if self.after:
                        self.after()
                except Exception:  # a stand-in bug must not kill the clock
                    pass
