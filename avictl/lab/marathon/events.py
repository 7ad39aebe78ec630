"""The event bus: `GET /v2/events` (server-sent events) in each version's framing.

Deployment events as each version writes them (tests/fixtures/marathon/source/):
- 0.9: `deployment_success` / `deployment_failed` carry only `id` (Events.scala @ v0.9.1);
  step events carry `plan{id, original, target, steps[{actions[{type, app}]}], version}`
  and `currentStep{actions}` (Formats.scala @ v0.9.1);
- 1.x: actions are `{action, app}`; success/failed also carry the plan; `original` and
  `target` are whole root groups with nested `groups` ("heavy");
- 1.7: heavy unless the subscriber asks `?plan-format=light` (`{id, steps, version}`);
  1.8: light only;
- `?event_type=` filters from 1.3.7 (HttpEventStreamServlet); lines end in CRLF (Jetty).
"""

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
    apps: dict[str, dict[str, Any]]

    def emit(self, event_type: str, **data: Any) -> None:
        event = {**data, "eventType": event_type, "timestamp": now()}
        with self.lock:
            for q, types in list(self.subscribers):
                if types is None or event_type in types:
                    q.put(event)

    def emit_deployment(self, event_type: str, dep_id: str, version: str, steps: list[tuple[str, str]]) -> None:
        """A deployment event in this version's shape; `steps` are (action, app id) of the plan."""
        key = "type" if self.v < (1, 0) else "action"
        plan_steps = [{"actions": [{key: action, "app": app}]} for action, app in steps]
        if event_type in ("deployment_success", "deployment_failed"):
            if self.v < (1, 0):
                self.emit(event_type, id=dep_id)
            else:
                self.emit(event_type, id=dep_id, plan=self._plan(dep_id, version, plan_steps))
            return
        self.emit(event_type, plan=self._plan(dep_id, version, plan_steps),
                  currentStep=plan_steps[-1] if plan_steps else {"actions": []})

    def _plan(self, dep_id: str, version: str, steps: list[dict[str, Any]]) -> dict[str, Any]:
        if self.v >= (1, 8):
            return {"id": dep_id, "steps": steps, "version": version}
        root = self._root_group()  # type: ignore[attr-defined]
        return {"id": dep_id, "original": root, "target": root, "steps": steps, "version": version}

    def _root_group(self) -> dict[str, Any]:
        """The root group with nested `groups`, as plans carry it before 1.8."""
        groups: dict[str, dict[str, Any]] = {"/": {"id": "/", "apps": [], "groups": [], "dependencies": [],
                                                  "version": now()}}

        def group(path: str) -> dict[str, Any]:
            if path not in groups:
                parent = group(path.rsplit("/", 1)[0] or "/")
                groups[path] = {"id": path, "apps": [], "groups": [], "dependencies": [], "version": now()}
                parent["groups"].append(groups[path])
            return groups[path]

        for app in self.apps.values():  # type: ignore[attr-defined]
            group(app["id"].rsplit("/", 1)[0] or "/")["apps"].append(
                {k: v for k, v in app.items() if not k.startswith("_")})
        return groups["/"]

    def drop_event_streams(self) -> None:
        """Close every open /v2/events stream (as a leader change or a proxy timeout does)."""
        with self.lock:
            for q, _ in self.subscribers:
                q.put(STOP)
            self.subscribers = []

    def _event_stream(self, req: Request) -> Response:
        types = set(req.query.get("event_type", [])) if self.v >= (1, 3, 7) and req.query.get("event_type") else None
        light = self.v >= (1, 8) or (self.v >= (1, 7) and "light" in req.query.get("plan-format", []))
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
                    if light and isinstance(item.get("plan"), dict):
                        item = {**item, "plan": {k: item["plan"][k] for k in ("id", "steps", "version")
                                                 if k in item["plan"]}}
                    yield self._frame(item, framed, nl)
            finally:
                with self.lock:
                    self.subscribers = [s for s in self.subscribers if s[0] is not q]

        return Response(200, b"", [("Content-Type", "text/event-stream;charset=UTF-8")], stream=frames())

    @staticmethod
    def _frame(event: dict[str, Any], framed: bool, nl: str) -> bytes:
        text = (f"event: {event['eventType']}{nl}" if framed else "") + f"data: {json.dumps(event)}{nl}{nl}"
        return text.encode()
