"""Step-by-step progress on stderr: a spinner line per step on a terminal, plain lines when piped.

Used by `deploy` (and any multi-step command). The ops layer reports through callbacks;
only this module draws. rich is imported only when stderr is a terminal.
"""

from __future__ import annotations

import time
from typing import IO, Any


class StepProgress:
    """start(title) → note(detail)* → done(result) | skip(result) | fail(message), one step at a time."""

    def __init__(self, stream: IO[str], total: int, *, live: bool, color: bool = True):
        self.stream = stream
        self.total = total
        self.live = live
        self.color = color
        self.index = 0
        self.title = ""
        self.started = 0.0
        self._status: Any = None
        self._console: Any = None
        if live:
            from rich.console import Console

            self._console = Console(file=stream, highlight=False, no_color=not color, soft_wrap=True)

    # -- step lifecycle ---------------------------------------------------------------------

    def start(self, title: str) -> None:
        self.index += 1
        self.title = title
        self.started = time.monotonic()
        if self.live:
            self._status = self._console.status(self._label(""), spinner="dots")
            self._status.start()
        # Piped: one line per step, written when the step ends.

    def note(self, detail: str) -> None:
        """Progress inside the step (e.g. "1/2 tasks running")."""
        if self.live and self._status is not None:
            self._status.update(self._label(detail))

    def done(self, result: str = "") -> None:
        self._end("✓" if self.live else "ok", result, "green")

    def skip(self, result: str) -> None:
        self._end("–" if self.live else "skip", result, "dim")

    def fail(self, message: str) -> None:
        self._end("✗" if self.live else "FAILED", message, "red")

    def close(self) -> None:
        if self._status is not None:
            self._status.stop()
            self._status = None

    # -- drawing ----------------------------------------------------------------------------

    def _label(self, detail: str) -> str:
        elapsed = time.monotonic() - self.started
        text = f"[{self.index}/{self.total}] {self.title}"
        if detail:
            text += f": {detail}"
        from rich.markup import escape

        return escape(text) + f" [dim]({elapsed:.1f} s)[/dim]"

    def _end(self, mark: str, result: str, style: str) -> None:
        elapsed = time.monotonic() - self.started
        self.close()
        text = f"[{self.index}/{self.total}] {self.title}" + (f": {result}" if result else "")
        if self.live:
            from rich.markup import escape

            self._console.print(f"[{style}]{mark}[/{style}] {escape(text)} [dim]({elapsed:.1f} s)[/dim]")
        else:
            self._line(f"{text} ... {mark} ({elapsed:.1f} s)" if mark != "ok" else f"{text} ({elapsed:.1f} s)")

    def _line(self, text: str) -> None:
        self.stream.write(text + "\n")
        self.stream.flush()
