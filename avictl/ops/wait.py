"""Waiting for Marathon: follow /v2/events and poll as well, never spin, never hang.

A waiter blocks on the event queue with a timeout (the poll interval, capped by the
deadline): an event about the app, or a dropped stream, triggers an immediate check; no
event means a poll every `poll_interval` seconds. Marathon never fails a deployment by
itself, so a crash-looping app ends at the deadline with WaitTimeout (exit 7) carrying
the app's `lastTaskFailure`.
"""

from __future__ import annotations

import queue
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .. import errors
from ..marathon.appdef import AppId
from ..marathon.client import EVENT_TYPES
from ..marathon.events import CONNECTED, DISCONNECTED, Event, EventReader

DEFAULT_POLL = 2.0


@dataclass
class AppProgress:
    """Where an app stands while avictl waits for it (the CLI words it)."""

    app_id: str
    instances: int = 0
    running: int = 0
    healthy: int = 0
    staged: int = 0
    needs_health: bool = False
    deployments: list[str] = field(default_factory=list)
    step: int | None = None  # current step of the app's deployment, of total_steps
    total_steps: int | None = None
    actions: list[dict[str, Any]] = field(default_factory=list)  # the deployment's currentActions
    elapsed: float = 0.0
    done: bool = False
    exists: bool = True
    last_failure: dict[str, Any] | None = None

    def key(self) -> tuple[Any, ...]:
        return (self.instances, self.running, self.healthy, self.staged, tuple(self.deployments), self.step,
                self.total_steps, _actions_key(self.actions), self.done, self.exists)


class AppWaitTimeout(errors.WaitTimeout):
    """The app did not get there in time: `progress` is where it stood, `failure` its lastTaskFailure."""

    def __init__(self, timeout: float, progress: AppProgress | None, app_id: str):
        super().__init__(f"timed out after {timeout:g}s waiting for {app_id}")
        self.timeout, self.progress, self.app_id = timeout, progress, app_id
        self.failure = progress.last_failure if progress else None


class DeploymentWaitTimeout(errors.WaitTimeout):
    """The deployment did not finish in time: `deployment` as last seen, `failures` (app id, lastTaskFailure)."""

    def __init__(self, timeout: float, deployment_id: str, deployment: dict[str, Any] | None,
                 failures: list[tuple[str, dict[str, Any]]]):
        super().__init__(f"timed out after {timeout:g}s waiting for deployment {deployment_id}")
        self.timeout, self.deployment_id, self.deployment, self.failures = timeout, deployment_id, deployment, failures


def _actions_key(actions: list[dict[str, Any]]) -> tuple[Any, ...]:
    return tuple((a.get("action"), a.get("app") or a.get("pod")) for a in actions if isinstance(a, dict))


def app_progress(app: dict[str, Any], deployments: list[dict[str, Any]] | None = None) -> AppProgress:
    """Where an app stands; `done` when no deployment is left and the counts are at the target."""
    p = AppProgress(app_id=app.get("id", "?"), instances=int(app.get("instances") or 0),
                 running=int(app.get("tasksRunning") or 0), healthy=int(app.get("tasksHealthy") or 0),
                 staged=int(app.get("tasksStaged") or 0),
                 needs_health=bool(app.get("healthChecks")),
                 deployments=[d.get("id") for d in app.get("deployments") or [] if isinstance(d, dict)],
                 last_failure=app.get("lastTaskFailure"))
    for dep in deployments or []:
        if dep.get("id") in p.deployments:
            p.step, p.total_steps = dep.get("currentStep"), dep.get("totalSteps")
            p.actions = [a for a in dep.get("currentActions") or [] if isinstance(a, dict)]
            break
    p.done = (not p.deployments and p.running == p.instances and p.staged == 0
              and (not p.needs_health or p.healthy >= p.instances))
    return p


class _Waiter:
    def __init__(self, client: Any, timeout: float, poll_interval: float, use_events: bool,
                 relevant: Callable[[Event], bool]):
        self.client = client
        self.deadline = time.monotonic() + timeout
        self.start = time.monotonic()
        self.timeout = timeout
        self.poll_interval = poll_interval
        self.relevant = relevant
        self.reader = EventReader(client, EVENT_TYPES).start() if use_events else None

    def close(self) -> None:
        if self.reader:
            self.reader.stop()

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def expired(self) -> bool:
        return self.remaining() <= 0

    def next_wake(self) -> None:
        """Block until an event worth a check, the poll interval, or the deadline (whichever comes first)."""
        while True:
            left = self.remaining()
            if left <= 0:
                return
            wait = min(self.poll_interval, left)
            if self.reader is None:
                time.sleep(wait)
                return
            try:
                event = self.reader.queue.get(timeout=wait)
            except queue.Empty:
                return  # time for a poll
            if event.type in (DISCONNECTED, CONNECTED) or self._relevant(event):
                self._drain()
                return

    def _relevant(self, event: Event) -> bool:
        """Events are hints: one this code cannot read just means "check now" (a poll)."""
        try:
            return bool(self.relevant(event))
        except Exception:  # an event of a shape nobody foresaw must never end a wait
            return True

    def _drain(self) -> None:
        """Coalesce a burst of events into one check."""
        assert self.reader is not None
        while True:
            try:
                self.reader.queue.get_nowait()
            except queue.Empty:
                return


def _about_app(app_id: str) -> Callable[[Event], bool]:
    def relevant(event: Event) -> bool:
        if event.type.startswith("deployment_"):
            apps = event.deployment_apps()
            return not apps or app_id in apps
        return event.app_id == app_id

    return relevant


def wait_for_app(client: Any, app_id: str, timeout: float, on_progress: Callable[[AppProgress], None] | None = None,
                 *, poll_interval: float = DEFAULT_POLL, use_events: bool = True) -> dict[str, Any]:
    """Wait until the app has no deployment and runs (and, with health checks, passes) all instances.

    Returns the app. WaitTimeout (exit 7) at the deadline with where it was stuck and the
    last task failure; NotFound (exit 3) if the app disappears.
    """
    norm = AppId(app_id)
    waiter = _Waiter(client, timeout, poll_interval, use_events, _about_app(norm))
    last_key: tuple[Any, ...] | None = None
    progress: AppProgress | None = None
    try:
        while True:
            app = client.get_app(norm)
            deps = client.deployments() if (on_progress and app.get("deployments")) else None
            progress = app_progress(app, deps)
            progress.elapsed = time.monotonic() - waiter.start
            if on_progress and progress.key() != last_key:
                last_key = progress.key()
                on_progress(progress)
            if progress.done:
                return app
            if waiter.expired():
                break
            waiter.next_wake()
    finally:
        waiter.close()
    raise AppWaitTimeout(timeout, progress, str(norm))


def wait_for_deployment(client: Any, deployment_id: str, timeout: float,
                        on_progress: Callable[[dict[str, Any] | None], None] | None = None,
                        *, poll_interval: float = DEFAULT_POLL, use_events: bool = True) -> None:
    """Wait until a deployment is gone from /v2/deployments (finished or cancelled)."""

    def relevant(event: Event) -> bool:
        return event.type.startswith("deployment_") or event.type == "status_update_event"

    waiter = _Waiter(client, timeout, poll_interval, use_events, relevant)
    last = None
    dep = None
    try:
        while True:
            dep = next((d for d in client.deployments() if d.get("id") == deployment_id), None)
            key = (dep or {}).get("currentStep"), _actions_key((dep or {}).get("currentActions") or [])
            if on_progress and (dep is None or key != last):
                last = key
                on_progress(dep)
            if dep is None:
                return
            if waiter.expired():
                break
            waiter.next_wake()
    finally:
        waiter.close()
    failures = []
    for app_id in (dep or {}).get("affectedApps") or []:
        app = client.find_app(app_id)
        if (app or {}).get("lastTaskFailure"):
            failures.append((app_id, app["lastTaskFailure"]))
    raise DeploymentWaitTimeout(timeout, deployment_id, dep, failures)
