"""Point a load balancer's listener and health check at a new instance port, safely.

`plan_retarget` reads the load balancer and returns a `Plan` (before → after, the steps, the
missing security-group rules); `apply_plan` carries it out and `wait_healthy` waits for a
healthy instance. Nothing here prints: progress goes to an `on_event(Event)` callback,
failures are avictl errors; every AWS call is a function of avictl/aws/. The CLI
(`elb retarget`, avictl/cli/) and `deploy` both use these.

- model.py: the plan, its steps (each with its AWS call and the calls that undo it), events,
  the checks on the values given;
- plan.py: reading the load balancer and working out the steps;
- security_groups.py: do the instances' groups admit the load balancer on the new port?
- apply.py: the steps in order, signals deferred, rollback;
- wait.py: waiting for a healthy instance or target.
"""

from __future__ import annotations

from .apply import DELAY_ENV, FAULT_ENV, RollbackFailed, apply_plan
from .model import (CREATED_BY, HEALTH_LIMITS, Call, Event, Notice, OnEvent, Plan,
                    SettingError, SgRule, Step, validate_health_path, validate_health_protocol,
                    validate_health_values, validate_port)
from .plan import NoSuchListener, plan_retarget
from .wait import wait_healthy

__all__ = [
    "CREATED_BY", "DELAY_ENV", "FAULT_ENV", "HEALTH_LIMITS", "Call", "Event",
    "NoSuchListener", "Notice", "OnEvent", "Plan", "RollbackFailed", "SettingError", "SgRule", "Step",
    "apply_plan", "plan_retarget", "validate_health_path", "validate_health_protocol", "validate_health_values",
    "validate_port", "wait_healthy",
]
