"""How Marathon waits look: an app's progress, a task failure, a deployment's current actions,
and the wording of wait timeouts (with the options to change them)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ... import errors


def progress_text(p: Any) -> str:
    """`/web: 1/2 running, 0/2 healthy, deployment 97c136bf (step 1/1 ScaleApplication /web)`."""
    if not p.exists:
        return f"{p.app_id}: gone"
    text = f"{p.app_id}: {p.running}/{p.instances} running"
    if p.needs_health:
        text += f", {p.healthy}/{p.instances} healthy"
    if p.staged:
        text += f", {p.staged} staging"
    if p.deployments:
        text += f", deployment {p.deployments[0][:8]}"
        if p.step is not None or p.total_steps is not None:
            step = f"step {p.step if p.step is not None else '?'}/{p.total_steps if p.total_steps is not None else '?'}"
            acts = current_actions({"currentActions": p.actions})
            text += f" ({step}{' ' + acts if acts else ''})"
    elif p.done:
        text += ", deployed"
    return text


def failure_text(failure: dict[str, Any] | None) -> str:
    if not failure:
        return ""
    where = f" on {failure['host']}" if failure.get("host") else ""
    when = f" at {failure['timestamp']}" if failure.get("timestamp") else ""
    return f"last task failure: {failure.get('state', 'TASK_FAILED')}{where}{when}: {failure.get('message') or '?'}"


def current_actions(dep: dict[str, Any]) -> str:
    """'ScaleApplication /web, ...'."""
    acts = dep.get("currentActions") or []
    return ", ".join(f"{a.get('action')} {a.get('app') or a.get('pod') or ''}".strip() for a in acts
                     if isinstance(a, dict))


def step_text(dep: dict[str, Any]) -> str:
    return f"step {dep.get('currentStep', '?')}/{dep.get('totalSteps', '?')}"


@contextmanager
def wait_words(timeout_flag: str = "--timeout") -> Iterator[None]:
    """Word the Marathon wait timeouts: where it was stuck, the last task failure, what to do."""
    from ...ops.wait import AppWaitTimeout, DeploymentWaitTimeout

    try:
        yield
    except AppWaitTimeout as exc:
        failure = failure_text(exc.failure)
        where = progress_text(exc.progress) if exc.progress else exc.app_id
        raise errors.WaitTimeout(
            f"timed out after {exc.timeout:g}s waiting for {where}" + (f"; {failure}" if failure else ""),
            "the app may be crash-looping (Marathon keeps retrying): check `avictl app show "
            f"{exc.app_id}`, fix it, or cancel with `avictl deployment cancel`" if failure
            else f"raise {timeout_flag}, or look at `avictl deployment list`") from None
    except DeploymentWaitTimeout as exc:
        dep = exc.deployment or {}
        failures = [f"{app_id}: {failure_text(f)}" for app_id, f in exc.failures]
        raise errors.WaitTimeout(f"timed out after {exc.timeout:g}s waiting for deployment {exc.deployment_id} "
                                 f"({step_text(dep)} {current_actions(dep)})"
                                 + (f"; {'; '.join(failures)}" if failures else ""),
                                 f"raise {timeout_flag}, or cancel it with `avictl deployment cancel`") from None


@contextmanager
def force_words() -> Iterator[None]:
    """For commands with --force: an app locked by a deployment in progress can be overridden with it."""
    from ...marathon.client import AppLocked

    try:
        yield
    except AppLocked as exc:
        exc.hint = (f"deployment {', '.join(exc.deployment_ids)} is in progress: wait for it "
                    "(`avictl deployment watch`), cancel it, or pass --force")
        raise


@contextmanager
def set_words(flag: str = "--set") -> Iterator[None]:
    """Word an override that cannot be applied as the option it came from: `--set 'x': expected KEY=VALUE`."""
    from ...marathon.appdef.overrides import BadOverride

    try:
        yield
    except BadOverride as exc:
        hint = f"e.g. {' '.join(f'{flag} {e}' for e in exc.examples)}" if exc.examples else None
        raise errors.UsageError(f"{flag} {exc.item!r}: {exc.problem}", hint) from None
