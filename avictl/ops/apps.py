"""Bringing a Marathon app in line with a definition: create, update, or leave it unchanged.

`plan_app` reads the app and decides; `apply_app` sends the one request the decision needs
(POST for a new app, PUT with the definition for a changed one, nothing otherwise). `app
apply`, `app post` (`create_app`) and `deploy` (step 2) all go through here, so they agree
on what "already as defined" means (see `marathon.appdef.diff`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .. import errors
from ..marathon.appdef import AppId, diff_app

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"


@dataclass
class AppPlan:
    """What applying a definition would do to the app Marathon runs."""

    app_id: AppId
    definition: dict[str, Any]
    action: str  # create | update | unchanged
    current: dict[str, Any] | None = None
    changes: list[dict[str, Any]] = field(default_factory=list)  # [{"field", "current", "desired"}] for update

    @property
    def changes_app(self) -> bool:
        return self.action != UNCHANGED


@dataclass
class AppApplied:
    """What was sent: the action taken, Marathon's deployment id, and warnings for the user."""

    app_id: AppId
    action: str
    deployment_id: str | None = None
    reply: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def plan_app(marathon: Any, definition: dict[str, Any], *, app_id: AppId | None = None) -> AppPlan:
    """Read the app named by `definition["id"]` (`app_id`, when the caller made it) and decide."""
    app_id = app_id or AppId(definition["id"])
    current = marathon.find_app(app_id)
    if current is None:
        return AppPlan(app_id, definition, CREATE)
    changes = diff_app(definition, current)
    return AppPlan(app_id, definition, UPDATE if changes else UNCHANGED, current, changes)


def apply_app(marathon: Any, plan: AppPlan, *, force: bool = False) -> AppApplied:
    """Carry out a plan: POST (create), PUT (update, `force` overriding a deployment in progress), or nothing."""
    if plan.action == CREATE:
        return create_app(marathon, plan.definition, app_id=plan.app_id)
    if plan.action == UNCHANGED:
        return AppApplied(plan.app_id, UNCHANGED)
    warnings = _network_form_warnings(marathon, plan.definition)
    reply = marathon.put_app(plan.app_id, plan.definition, force=force, current=plan.current)
    return AppApplied(plan.app_id, UPDATE, reply.get("deploymentId"), reply, warnings)


def create_app(marathon: Any, definition: dict[str, Any], *, app_id: AppId | None = None) -> AppApplied:
    """POST a new app (Conflict, exit 4, when it exists); a lost answer is checked, never sent twice."""
    app_id = app_id or AppId(definition["id"])
    warnings = _network_form_warnings(marathon, definition)
    posted = marathon.post_app(definition)
    return AppApplied(app_id, CREATE, posted.value.get("deploymentId"), posted.value, warnings + posted.warnings)


def _network_form_warnings(marathon: Any, definition: dict[str, Any]) -> list[str]:
    """Marathon < 1.5 silently ignores `networks` and `container.portMappings`: say so before it bites."""
    if not (definition.get("networks") or (definition.get("container") or {}).get("portMappings")):
        return []
    try:
        version = str(marathon.info().get("version") or "")
    except errors.AvictlError:
        return []
    nums = tuple(int(x) for x in re.findall(r"\d+", version)[:2])
    if nums and nums < (1, 5):
        return [f"Marathon {version} ignores `networks` and `container.portMappings` (the 1.5 form); "
                "use container.docker.network and container.docker.portMappings"]
    return []
