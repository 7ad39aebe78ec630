"""Carrying out a plan: its steps in order, signals deferred, everything undone if a step fails.

Each step's `do` runs at a step boundary; its `undo` calls go on a stack. A failure after the
first write runs the stack backwards and ends in RolledBack (exit 8). SIGINT/SIGTERM are only
recorded: the apply stops at the next step boundary and undoes what it did (Interrupted, exit
130) — except inside the classic delete/create window, which is always finished first, and
during a rollback, which is always finished.

Test-only hooks (never set them in production): AVICTL_FAULT_STEP=<step>[,<step>...] makes the
named step fail instead of calling AWS (a step's name, `verify`, or `undo_<step>` for its
undo); AVICTL_STEP_DELAY=<seconds> sleeps before every step, so a test can send a signal
between steps.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ...aws import elb
from ...aws.client import AwsClient
from ...errors import AvictlError, Interrupted, RemoteError, RolledBack, describe_exception
from .journal import describe
from .model import Call, Event, OnEvent, Plan, Step
from .wait import wait_healthy

FAULT_ENV = "AVICTL_FAULT_STEP"
UNDO_LABELS = {  # how RolledBack names what it undid ("" = part of the step before it)
    "authorize_ingress": "remove the added security group rule", "configure_health_check": "restore health check",
    "create_listener": "", "delete_listener": "restore listener", "modify_target_group": "restore health check",
    "register_targets": "deregister the new-port targets", "deregister_targets": "register the old-port targets",
    "set_backend_policies": "restore the new port's backend policies",
    "clear_backend_policies": "restore the old port's backend policies",
}
DELAY_ENV = "AVICTL_STEP_DELAY"


class RollbackFailed(AvictlError):
    """The change failed and undoing it failed too; `listener` is the classic listener to re-create
    by hand, when that is what is missing."""

    def __init__(self, error: AvictlError, cause: BaseException, listener: dict[str, Any] | None, name: str):
        hint = "check the load balancer now with `avictl elb show " + name + "`"
        if listener:
            args = ",".join(f"{k}={v}" for k, v in elb.listener_payload(listener).items())
            hint = (f"re-create the listener: aws elb create-load-balancer-listeners --load-balancer-name "
                    f"{name} --listeners {args}")
        super().__init__(f"the change failed ({_short(cause)}) and the rollback failed too ({error.message})", hint)
        self.listener, self.load_balancer = listener, name


class _Signals:
    """Record SIGINT/SIGTERM instead of acting on them; the apply decides when to stop."""

    def __init__(self, on_event: OnEvent):
        self.pending: int | None = None
        self.critical = False
        self.on_event = on_event
        self._saved: dict[int, Any] = {}

    def __enter__(self) -> _Signals:
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                try:
                    self._saved[sig] = signal.signal(sig, self._handle)
                except (ValueError, OSError):
                    pass
        return self

    def __exit__(self, *exc: Any) -> None:
        for sig, handler in self._saved.items():
            signal.signal(sig, handler)

    def _handle(self, signum: int, frame: Any) -> None:
        first = self.pending is None
        self.pending = signum
        if first and self.on_event:
            self.on_event(Event("signal", critical=self.critical))


class _Stop(Exception):
    """A signal arrived; stop at this step boundary."""


class _Applier:
    def __init__(self, aws: AwsClient, plan: Plan, on_event: OnEvent, wait_timeout: float):
        self.aws = aws
        self.plan = plan
        self.on_event = on_event
        self.wait_timeout = wait_timeout
        self.done: list[Step] = []  # steps whose undo is still owed, in order
        self.faults = {f.strip() for f in os.environ.get(FAULT_ENV, "").split(",") if f.strip()}
        try:
            self.delay = float(os.environ.get(DELAY_ENV) or 0)
        except ValueError:
            self.delay = 0.0
        self.signals = _Signals(on_event)
        self.rolling_back = False
        self.restored: list[str] = []  # undone inline, before the general rollback
        # The journal entry of each step that wrote (the classic window's steps share one).
        self.entries: dict[str, Any] = {}
        self.window_entry: Any = None
        self.results: dict[str, Any] = {}  # what each step's call returned (a created group's ARN)

    def emit(self, event: Event) -> None:
        if self.on_event:
            self.on_event(event)

    def boundary(self, step: Step, kind: str = "step") -> None:
        """Step boundary: test hooks, then stop here if a signal arrived (outside the critical window)."""
        if self.delay:
            time.sleep(self.delay)
        if self.signals.pending is not None and not self.signals.critical and not self.rolling_back:
            raise _Stop()
        self.emit(Event(kind, step))
        fault = step.name if kind == "step" else f"undo_{step.name}"
        if fault in self.faults:
            raise RemoteError(f"injected failure at step {fault} ({FAULT_ENV}, test-only)", exit_code=1)

    # the journal (SPEC.md §12): an entry is on disk before a step's call is sent ---------------

    def begin(self, step: Step) -> Any:
        """The journal entry a step writes under: a new one, or the open one of the classic window."""
        if step.do is None:
            return None
        if self.window_entry is not None and step.window != "open":
            entry = self.window_entry
        else:
            from ...journal import unjournaled

            journal = getattr(self.aws, "journal", None)
            if journal is None:
                raise unjournaled("aws", f"{step.name} of {self.plan.name}")
            d = describe(self.plan, step)
            entry = journal.begin("aws", d["obj"], d["action"], before=d["before"], after=d["after"],
                                  target={"region": self.aws.region_name, **d["target"]})
            if step.window == "open":
                self.window_entry = entry
        self.entries[step.name] = entry
        return entry

    def applied(self, step: Step, entry: Any, call: Call) -> None:
        """The step's call succeeded: complete its entry (the window's once the window closes)."""
        if entry is None:
            return
        arn = call.args.get("arn") or call.args.get("target_group_arn")
        if step.name == "create_target_group":
            arn = self.results.get(step.name)
            entry.after = {**(entry.after or {}), "arn": arn}
        if isinstance(arn, str) and isinstance(entry.target, dict):
            entry.target["target_group_arn"] = arn
            if step.name == "modify_listener" and isinstance(entry.after, dict):
                entry.after = {**entry.after, "target_group": {**entry.after.get("target_group", {}), "arn": arn}}
        if entry is self.window_entry and step.window != "close":
            return
        if entry is self.window_entry:
            self.window_entry = None
        self.aws.journal.finish(entry, "applied", after=entry.after)

    def failed(self, entry: Any, exc: BaseException) -> None:
        if entry is not None and entry.outcome == "unfinished":
            self.aws.journal.finish(entry, "failed", error=exc)
        if entry is self.window_entry:
            self.window_entry = None

    def run(self) -> None:
        for step in self.plan.steps:
            if step.cleanup:
                continue
            self.boundary(step)
            if step.window == "open":
                self.signals.critical = True
            entry = None
            try:
                if step.name == "wait_targets":
                    self.wait(step)
                elif step.do is not None:
                    entry = self.begin(step)
                    self.results[step.name] = step.do.run(self.aws)
                    self.applied(step, entry, step.do)
                self.done.append(step)
            except BaseException as exc:
                if step.window == "open":
                    self.signals.critical = False  # the delete failed: nothing to finish
                elif self.signals.critical and not self.rolling_back:
                    try:
                        self.restore_listener(exc)
                    except BaseException:
                        self.failed(entry, exc)
                        raise
                self.failed(entry, exc)
                raise
            finally:
                if step.window == "close":
                    self.signals.critical = False

    def wait(self, step: Step) -> None:
        wait_healthy(self.aws, self.plan, self.wait_timeout, self.on_event, target_group_arn=step.subject["arn"],
                     port=step.subject.get("port"), stop=lambda: self.signals.pending is not None)
        if self.signals.pending is not None:
            raise _Stop()

    def restore_listener(self, cause: BaseException) -> None:
        """The create of the classic window failed: put the old listener back at once."""
        opened = next(s for s in reversed(self.done) if s.window == "open")
        self.emit(Event("restore", opened, error=_short(cause)))
        try:
            try:  # in case the new one half-exists
                elb.delete_listener(self.aws, self.plan.name, self.plan.listener_port)
            except AvictlError:
                pass
            for call in opened.undo:
                call.run(self.aws)
        except AvictlError as exc:
            raise RollbackFailed(exc, cause, opened.subject.get("listener"), self.plan.name) from None
        entry = self.entries.get(opened.name)
        if entry is not None:
            self.aws.journal.finish(entry, "rolled back", error=cause)
            self.window_entry = None
        self.done = self.done[:self.done.index(opened)]
        self.restored.append("re-create the old listener")
        self.signals.critical = False

    def verify(self) -> dict[str, Any]:
        p = self.plan
        self.boundary(Step("verify"))
        lb = self.aws.load_balancer(p.name, health=False)
        listener = next((ls for ls in lb["listeners"] if ls["port"] == p.listener_port), None)
        problems = []
        if listener is None:
            problems.append(f"no listener on port {p.listener_port}")
        else:
            for key in ("protocol", "instance_port", "instance_protocol", "ssl_certificate_id"):
                if listener.get(key) != p.listener_after.get(key):
                    problems.append(f"listener {key} is {listener.get(key)}, expected {p.listener_after.get(key)}")
        if p.type == "classic":
            hc = lb.get("health_check")
            want = (p.lb.get("backend_policies") or {}).get(p.listener_before["instance_port"])
            have = (lb.get("backend_policies") or {}).get(p.instance_port)
            if want and have != want:
                problems.append(f"instance port {p.instance_port} has the policies {have}, expected {want}")
        else:
            arn = (p.target_group_before or {}).get("arn")
            group = next((t for t in lb["target_groups"] if t["arn"] == arn), None)
            hc = (group or {}).get("health_check")
            if listener is not None and listener.get("target_group_arns") != [arn]:
                problems.append(f"listener forwards to {listener.get('target_group_arns')}, expected [{arn}]")
        if (hc or {}).get("target") != p.health_after["target"]:
            problems.append(f"health check is {(hc or {}).get('target')}, expected {p.health_after['target']}")
        if problems:
            raise RemoteError("verification after the change failed: " + "; ".join(problems), exit_code=1)
        return lb

    def cleanup(self) -> None:
        """After the change: remove what avictl made earlier and nothing uses now. A failure here
        leaves the change in place and is reported as an event ("cleanup_failed")."""
        for step in self.plan.steps:
            if not step.cleanup or step.do is None:
                continue
            self.emit(Event("step", step))
            entry = None
            try:
                entry = self.begin(step)
                step.do.run(self.aws)
                self.applied(step, entry, step.do)
            except AvictlError as exc:
                self.failed(entry, exc)
                self.emit(Event("cleanup_failed", step, error=exc.message))

    def rollback(self, cause: BaseException) -> list[str]:
        undone = list(self.restored)
        self.signals.critical = self.rolling_back = True  # finish the rollback whatever arrives
        try:
            # The steps of one journal entry (the classic window's) are undone under that entry,
            # reopened: it ends `rolled back`, or `failed` if the undo fails.
            runs: list[tuple[Any, list[Step]]] = []
            for step in reversed(self.done):
                entry = self.entries.get(step.name)
                if runs and entry is not None and runs[-1][0] is entry:
                    runs[-1][1].append(step)
                else:
                    runs.append((entry, [step]))
            for entry, steps in runs:
                if not any(s.undo for s in steps):
                    continue  # e.g. targets registered in a group the rollback deletes
                try:
                    with (self.aws.journal.rolling_back(entry) if entry is not None else _no_entry()):
                        for step in steps:
                            if not step.undo:
                                continue
                            self.boundary(step, "undo")
                            for call in step.undo:
                                call.run(self.aws)
                except AvictlError as exc:
                    step = steps[-1]
                    listener = step.subject.get("listener") if step.window == "open" else None
                    raise RollbackFailed(exc, cause, listener, self.plan.name) from None
                for step in steps:
                    label = UNDO_LABELS.get(step.name, f"undo {step.name}")
                    if step.undo and label and label not in undone:
                        undone.append(label)
        finally:
            self.signals.critical = self.rolling_back = False
        return undone


def apply_plan(aws: AwsClient, plan: Plan, *, on_event: OnEvent = None, wait_timeout: float = 300.0) -> dict[str, Any]:
    """Carry out `plan`; returns the load balancer as read back after the change.

    Errors: RolledBack (exit 8) when a step failed after something changed and everything was
    undone (`undone` lists the steps); Interrupted (exit 130) on SIGINT/SIGTERM, after the change
    was finished or undone; RollbackFailed when undoing failed too; the step's own error when it
    failed before anything changed.
    """
    if plan.no_change:
        return plan.lb
    applier = _Applier(aws, plan, on_event, wait_timeout)
    with applier.signals:
        try:
            applier.run()
            if applier.signals.pending is not None:
                applier.emit(Event("completed"))
                applier.signals.critical = True  # the change stands; only read it back
            lb = applier.verify()
            applier.signals.critical = True
            applier.cleanup()
            if applier.signals.pending is not None:
                raise Interrupted(f"interrupted after the change to {plan.name} completed "
                                  f"(port {plan.listener_port} → instance port {plan.instance_port})")
        except (Interrupted, RollbackFailed):
            raise
        except (_Stop, KeyboardInterrupt) as exc:
            if not applier.done and not applier.restored:
                raise Interrupted("interrupted before anything changed") from None
            applier.rollback(exc)
            raise Interrupted(f"interrupted: the change to {plan.name} was rolled back") from None
        except Exception as exc:
            if not applier.done and not applier.restored:
                raise
            undone = applier.rollback(exc)
            error = RolledBack(f"{_short(exc)}; rolled back ({', '.join(undone)})",
                               f"{plan.name} is as before: port {plan.listener_port} → instance port "
                               f"{plan.listener_before.get('instance_port')}")
            error.undone = undone  # type: ignore[attr-defined]
            raise error from exc
    return lb


@contextmanager
def _no_entry() -> Iterator[None]:
    yield


def _short(exc: BaseException) -> str:
    return exc.message if isinstance(exc, AvictlError) else describe_exception(exc)
