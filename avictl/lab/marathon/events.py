"""The event bus: `GET /v2/events` (server-sent events) in each version's framing."""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Iterator
from typing import Any

from ..base import Request, Response
from .model import STOP, now


class EventsMixin:
    v: tuple[int, ...]
    lock: threading.RLock
    crlf: bool
    heartbeat: float
    stopping: threading.Event
    subscribers: list[tuple[queue.Queue[Any], set[str] | None]]

    def emit(self, event_type: str, **data: Any) -> None:
        event = {**data, "eventType": event_type, "timestamp": now()}
        with self.lock:
            for q, types in list(self.subscribers):
                if types is None or event_type in types:
                    q.put(event)

    def drop_event_streams(self) -> None:
        """Close every open /v2/events stream (as a leader change or a proxy timeout does)."""
        with self.lock:
            for q, _ in self.subscribers:
                q.put(STOP)
            self.subscribers = []

    def _event_stream(self, req: Request) -> Response:
        types = set(req.query.get("event_type", [])) if self.v >= (1, 3) and req.query.get("event_type") else None
        q: queue.Queue[Any] = queue.Queue()
        with self.lock:
            self.subscribers.append((q, types))
        nl = "\r\n" if self.crlf else "\n"
        framed = self.v >= (0, 11)
        remote = "127.0.0.1"

        def frames() -> Iterator[bytes]:
            try:
                attached = {"remoteAddress": remote, "eventType": "event_stream_attached", "timestamp": now()}
                if types is None or "event_stream_attached" in types:
                    yield self._frame(attached, framed, nl)
                while not self.stopping.is_set():
                    try:
                        item = q.get(timeout=self.heartbeat)
                    except queue.Empty:
                        yield nl.encode()  # heartbeat: a blank line
                        continue
                    if item is STOP:
                        return
                    yield self._frame(item, framed, nl)
            finally:
                with self.lock:
                    self.subscribers = [s for s in self.subscribers if s[0] is not q]

        return Response(200, b"", [("Content-Type", "text/event-stream;charset=UTF-8")], stream=frames())

    @staticmethod
    def _frame(event: dict[str, Any], framed: bool, nl: str) -> bytes:
        text = (f"event: {event['eventType']}{nl}" if framed else "") + f"data: {json.dumps(event)}{nl}{nl}"
        return text.encode()
