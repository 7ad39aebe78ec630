"""Waiting until a load balancer has a healthy instance (classic) or target (ALB/NLB)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from ...aws.client import AwsClient
from ...errors import WaitTimeout
from .model import Event, OnEvent, Plan


def wait_healthy(aws: AwsClient, plan: Plan, timeout: float, on_event: OnEvent = None, *,
                 target_group_arn: str | None = None, port: int | None = None, poll: float | None = None,
                 stop: Callable[[], bool] | None = None) -> list[dict[str, Any]]:
    """Wait until at least one instance (classic) or target (v2: on `port`, by default the plan's) is healthy.

    Returns the states of the last poll; WaitTimeout (exit 7) names every instance's state and
    reason. `stop` ends the wait early (a signal arrived)."""
    deadline = time.monotonic() + max(0.0, timeout)
    interval = poll if poll is not None else min(5.0, max(1.0, float(plan.health_after.get("interval") or 5) / 2))
    arn = target_group_arn or (plan.target_group_after or {}).get("arn") or (plan.target_group_before or {}).get("arn")
    if plan.type != "classic" and port is None:
        port = plan.instance_port  # the old port's targets drain away once the change is made
    last = None
    while True:
        if plan.type == "classic":
            states = aws.instance_health(plan.name)
            healthy = [s for s in states if s["state"] == "InService"]
        else:
            states = [s for s in aws.target_health(arn) if port is None or s.get("port") == port]
            healthy = [s for s in states if s["state"] == "healthy"]
        if on_event and (len(healthy), len(states)) != last:
            on_event(Event("health", healthy=len(healthy), total=len(states)))
            last = (len(healthy), len(states))
        if healthy:
            return states
        if stop and stop():
            return states
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            reasons = "; ".join(_state(s) for s in states) or "no instances registered"
            raise WaitTimeout(f"no healthy instance behind {plan.name} after {timeout:g}s: {reasons}",
                              f"check that the app answers {plan.health_after['target']} on the instances "
                              "and that their security groups admit the load balancer")
        time.sleep(min(interval, remaining))


def _state(s: dict[str, Any]) -> str:
    text = f"{s['id']}{':' + str(s['port']) if s.get('port') else ''} {s['state']}"
    detail = s.get("description") or s.get("reason")
    return f"{text} ({detail})" if detail else text
