"""Step-by-step progress on stderr: a spinner line per step on a terminal, plain lines when piped.

Used by `deploy` (and any multi-step command). The ops layer reports through callbacks;
only this module draws. rich is imported only when stderr is a terminal.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .iostreams import IOStreams


class StepProgress:
    """start(title) → note(detail)* → done(result) | skip(result) | fail(message), one step at a time."""

    def __init__(self, io: IOStreams, total: int, *, live: bool | None = None):
        self.io = io
        self.stream = io.stderr
        self.total = total
        self.live = io.progress_enabled if live is None else live
        self.color = io.color_stderr
        self.index = 0
        self.title = ""
        self.started = 0.0
        self._detail = ""
        self._status: Any = None
        self._console: Any = None
        if self.live:
            from rich.console import Console

            self._console = Console(file=self.stream, highlight=False, no_color=not self.color, soft_wrap=True)

    # -- step lifecycle ---------------------------------------------------------------------

    def start(self, title: str) -> None:
        self.index += 1
        self.title = title
        self.started = time.monotonic()
        if self.live:
            self._detail = ""
            # The label is rendered on every refresh, so the elapsed time keeps counting.
            self._status = self._console.status(_Label(self), spinner="dots")
            self._status.start()
            self.io.live_started()
        # Piped: one line per step, written when the step ends.

    def note(self, detail: str) -> None:
        """Progress inside the step (e.g. "1/2 tasks running")."""
        self._detail = detail

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
            self.io.live_stopped()

    # -- drawing ----------------------------------------------------------------------------

    def _label(self, detail: str) -> str:
        """The running step: elapsed time first, so a long detail cut at the edge never hides it."""
        from rich.markup import escape

        elapsed = time.monotonic() - self.started
        text = f"[{self.index}/{self.total}] {escape(self.title)} [dim]({elapsed:.1f} s)[/dim]"
        return text + (f" {escape(detail)}" if detail else "")

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


class _Label:
    """The live line of the running step, re-rendered by rich at each spinner frame."""

    def __init__(self, progress: StepProgress):
        self.progress = progress

    def __rich__(self) -> Any:
        from rich.text import Text

        text = Text.from_markup(self.progress._label(self.progress._detail))
        text.no_wrap, text.overflow = True, "ellipsis"  # one line per step, cut to the terminal width
        return text
