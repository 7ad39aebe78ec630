"""Stack events as they happen, on stderr: one plain line each when piped; on a terminal the
same lines (status coloured) above a live line with resources done of total and elapsed time.

Only this module draws the wait of `stack create|wait|delete`; rich is imported only when
stderr is a terminal.
"""

from __future__ import annotations

import time
from typing import IO, Any

STATUS_STYLE = (("FAILED", "red"), ("ROLLBACK", "red"), ("COMPLETE", "green"), ("IN_PROGRESS", "yellow"))


def event_time(ev: dict[str, Any]) -> str:
    """`2026-12-07T03:12:55Z` (UTC) from the event's ISO timestamp."""
    import datetime as dt

    raw = str(ev.get("Timestamp") or "")
    try:
        when = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return raw
    if when.tzinfo is not None:
        when = when.astimezone(dt.timezone.utc)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def event_line(ev: dict[str, Any]) -> str:
    """time, logical id, type, status, reason — one line."""
    reason = " ".join(str(ev.get("ResourceStatusReason") or "").split())
    return (f"{event_time(ev)}  {ev.get('LogicalResourceId', ''):<28} {ev.get('ResourceType', ''):<42} "
            f"{ev.get('ResourceStatus', ''):<20} {reason}").rstrip()


def status_style(status: str) -> str | None:
    return next((style for word, style in STATUS_STYLE if word in status), None)


class StackWatch:
    """on_event(ev) for every event, tick(status) after each poll, close() at the end."""

    def __init__(self, stream: IO[str], stack_name: str, total: int | None, *, live: bool, color: bool = True,
                 verb: str = "creating"):
        self.stream = stream
        self.stack_name = stack_name
        self.total = total
        self.live = live
        self.verb = verb
        self.started = time.monotonic()
        self.status = ""
        self.events: list[dict[str, Any]] = []
        self._status: Any = None
        self._console: Any = None
        if live:
            from rich.console import Console

            self._console = Console(file=stream, highlight=False, no_color=not color, soft_wrap=True)
            self._status = self._console.status(_Label(self), spinner="dots")
            self._status.start()

    def on_event(self, ev: dict[str, Any]) -> None:
        self.events.append(ev)
        line = event_line(ev)
        if not self.live:
            self.stream.write(line + "\n")
            self.stream.flush()
            return
        from rich.markup import escape

        status = str(ev.get("ResourceStatus", ""))
        style = status_style(status)
        text = escape(line)
        if style:
            text = text.replace(escape(status), f"[{style}]{escape(status)}[/{style}]", 1)
        self._console.print(text)

    def tick(self, status: str) -> None:
        self.status = status

    def done_text(self) -> str:
        from ...aws.cloudformation import progress

        done, seen = progress(self.events, self.stack_name)
        total = self.total or len(seen)
        elapsed = time.monotonic() - self.started
        return f"{self.verb} stack {self.stack_name}: {self.status or '...'} — {done}/{total} resources ({elapsed:.0f} s)"

    def close(self) -> None:
        if self._status is not None:
            self._status.stop()
            self._status = None


class _Label:
    def __init__(self, watch: StackWatch):
        self.watch = watch

    def __rich__(self) -> Any:
        from rich.text import Text

        text = Text(self.watch.done_text())
        text.no_wrap, text.overflow = True, "ellipsis"
        return text
