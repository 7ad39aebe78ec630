"""Marathon's /v2/events stream: an SSE parser and a reconnecting reader thread.

Both framings are read: 0.9 sends `data:` lines only (the type is the JSON's `eventType`),
0.11+ adds `event: <type>` lines. Lines may end in CRLF, LF or CR; blank lines that
end no event are heartbeats. Events can be missed (reconnects, Marathon dropping slow
subscribers), so whoever waits on them must also poll — see avictl/ops/wait.py.
"""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .. import errors

HEARTBEAT = "heartbeat"
CONNECTED = "event_stream_attached"
DISCONNECTED = "_disconnected"


@dataclass
class Event:
    """One event of the stream. Events are hints: any field may be missing or of another shape."""

    type: str
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def app_id(self) -> str | None:
        d = self.data
        if isinstance(d.get("appId"), str) and d["appId"]:
            return d["appId"]
        defn = d.get("appDefinition")
        if isinstance(defn, dict) and isinstance(defn.get("id"), str) and defn["id"]:
            return defn["id"]
        return None

    def deployment_apps(self) -> set[str]:
        """App ids a deployment event is about (empty when the event does not say).

        Read from `plan.steps[].actions[].app` and `currentStep.actions[].app`, as every
        Marathon version writes them (Play's `Json.writes[DeploymentStep]`); 1.8 plans carry
        nothing else. Only when a plan has no steps, the apps that differ between the 1.x
        "heavy" `plan.original` and `plan.target` root groups (nested `groups` included).
        """
        apps: set[str] = set()
        plan = self.data.get("plan")
        if isinstance(plan, dict):
            steps = plan.get("steps")
            for step in steps if isinstance(steps, list) else []:
                _step_apps(step, apps)
            if not apps:
                apps |= _changed_apps(plan.get("original"), plan.get("target"))
        _step_apps(self.data.get("currentStep"), apps)
        return apps

    @property
    def deployment_id(self) -> str | None:
        if isinstance(self.data.get("id"), str):
            return self.data["id"]
        plan = self.data.get("plan")
        if isinstance(plan, dict) and isinstance(plan.get("id"), str):
            return plan["id"]
        return None


def _step_apps(step: Any, into: set[str]) -> None:
    """Apps of one step: `{"actions": [...]}` (events) or a list of actions (0.9 /v2/deployments)."""
    actions = step.get("actions") if isinstance(step, dict) else step
    for action in actions if isinstance(actions, list) else []:
        if isinstance(action, dict) and isinstance(action.get("app"), str) and action["app"]:
            into.add(action["app"])


def _group_apps(group: Any, into: dict[str, Any], depth: int = 0) -> None:
    if not isinstance(group, dict) or depth > 64:
        return
    for app in group.get("apps") if isinstance(group.get("apps"), list) else []:
        if isinstance(app, dict) and isinstance(app.get("id"), str):
            into[app["id"]] = app
    for sub in group.get("groups") if isinstance(group.get("groups"), list) else []:
        _group_apps(sub, into, depth + 1)


def _changed_apps(original: Any, target: Any) -> set[str]:
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    _group_apps(original, before)
    _group_apps(target, after)
    return {a for a in before.keys() | after.keys() if before.get(a) != after.get(a)}


def split_lines(chunks: Iterable[bytes]) -> Iterator[str]:
    """Lines of a byte stream whatever the line ends (CRLF, LF or CR), decoded as UTF-8."""
    buf = b""
    pending_cr = False
    for chunk in chunks:
        if not chunk:
            continue
        if pending_cr and chunk.startswith(b"\n"):
            chunk = chunk[1:]
        pending_cr = False
        buf += chunk
        while True:
            i_n = buf.find(b"\n")
            i_r = buf.find(b"\r")
            if i_n < 0 and i_r < 0:
                break
            if i_r >= 0 and (i_n < 0 or i_r < i_n):
                line, rest = buf[:i_r], buf[i_r + 1:]
                if rest.startswith(b"\n"):
                    rest = rest[1:]
                elif not rest:
                    pending_cr = True  # a CRLF split across chunks
            else:
                line, rest = buf[:i_n], buf[i_n + 1:]
            buf = rest
            yield line.decode("utf-8", "replace")
    if buf:
        yield buf.decode("utf-8", "replace")


def parse_sse(lines: Iterable[str]) -> Iterator[Event]:
    """Events from SSE lines; a blank line that ends no event yields a heartbeat Event."""
    name: str | None = None
    data: list[str] = []
    for line in lines:
        if line == "":
            if not data:
                name = None
                yield Event(HEARTBEAT)
                continue
            text = "\n".join(data)
            try:
                payload = json.loads(text)
            except ValueError:
                payload = {"raw": text}
            if not isinstance(payload, dict):
                payload = {"value": payload}
            kind = payload.get("eventType")
            yield Event(name or (kind if isinstance(kind, str) and kind else "message"), payload)
            name, data = None, []
            continue
        if line.startswith(":"):
            continue  # an SSE comment
        key, _, value = line.partition(":")
        if value.startswith(" "):
            value = value[1:]
        if key == "event":
            name = value.strip() or None
        elif key == "data":
            data.append(value)
        # id: and retry: are not used by Marathon


class EventReader:
    """Reads /v2/events on a daemon thread into a queue, reconnecting with backoff until stopped.

    The queue gets Event objects; a DISCONNECTED event whenever the stream ends, so a
    waiter knows to check by polling (events may have been missed).
    """

    def __init__(self, client: Any, event_types: Iterable[str] | None = None, *, backoff: float = 0.5,
                 backoff_max: float = 5.0):
        self.client = client
        self.event_types = list(event_types or [])
        self.queue: queue.Queue[Event] = queue.Queue()
        self.backoff = backoff
        self.backoff_max = backoff_max
        self._stop = threading.Event()
        self._response: Any = None
        self.connects = 0
        self.errors: list[str] = []
        self._thread = threading.Thread(target=self._run, name="marathon-events", daemon=True)

    def start(self) -> EventReader:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        resp = self._response
        if resp is not None:
            try:
                resp.close()
            except Exception:  # closing from another thread may race the reader; it is ending anyway
                pass

    def __enter__(self) -> EventReader:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _run(self) -> None:
        delay = self.backoff
        while not self._stop.is_set():
            try:
                with self.client.open_event_stream(self.event_types) as resp:
                    self._response = resp
                    if resp.status_code != 200:
                        self.errors.append(f"HTTP {resp.status_code}")
                    else:
                        self.connects += 1
                        delay = self.backoff
                        for event in parse_sse(split_lines(resp.iter_raw())):
                            if self._stop.is_set():
                                return
                            if event.type != HEARTBEAT:
                                self.queue.put(event)
            except Exception as exc:  # any failure of the stream just means: poll, and reconnect later
                self.errors.append(errors.describe_exception(exc))
            finally:
                self._response = None
            if self._stop.is_set():
                return
            self.queue.put(Event(DISCONNECTED))
            self._stop.wait(delay)
            delay = min(self.backoff_max, delay * 2)
