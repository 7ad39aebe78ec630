"""The retarget's data: the plan, its steps (each with the AWS call it makes and the calls that
undo it), the security-group rules it needs, the events an apply reports, and the checks on
the values a caller gives. Plain data only: the CLI renders all of it (avictl/cli/render/).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ...errors import InvalidValue, UsageError
from ..health_check import health_check_protocol

HEALTH_LIMITS = {"interval": (5, 300), "timeout": (2, 60), "healthy_threshold": (2, 10),
                 "unhealthy_threshold": (2, 10)}
# avictl tags what it creates (target groups) and describes the rules it adds, so a later
# retarget can remove them once nothing uses them.
CREATED_BY = "avictl elb retarget"


class SettingError(UsageError):
    """A bad value for one retarget setting; `setting` names it (port, listener_port, interval,
    timeout, healthy_threshold, unhealthy_threshold, health_protocol, health_path) so that the
    caller can say which of its own options to fix."""

    def __init__(self, message: str, setting: str, *others: str):
        super().__init__(message)
        self.settings = (setting, *others)


@dataclass(frozen=True)
class Call:
    """One AWS write: a function of avictl.aws (it carries `api`, the AWS operation) and its
    keyword arguments, plain data the journal can record."""

    fn: Callable[..., Any] = field(compare=False)
    args: dict[str, Any] = field(default_factory=dict)

    @property
    def api(self) -> str:
        return getattr(self.fn, "api", self.fn.__name__)

    def run(self, aws: Any) -> Any:
        return self.fn(aws, **self.args)

    def to_dict(self) -> dict[str, Any]:
        return {"api": self.api, "function": f"{self.fn.__module__}.{self.fn.__name__}", "args": self.args}


@dataclass
class Step:
    """One step of a retarget: `do` is the AWS write it makes (None for a wait or a read),
    `undo` the writes that put back what it changed, in order. `subject` holds the data a
    printer needs (the listener, the rule, the group ...). `window` marks the classic
    delete/create pair: "open" at the delete, "close" at the create — signals wait until the
    window is closed again."""

    name: str
    do: Call | None = None
    undo: list[Call] = field(default_factory=list)
    subject: dict[str, Any] = field(default_factory=dict)
    window: str | None = None
    cleanup: bool = False  # removes what nothing uses any more; runs after the verification

    def to_dict(self) -> dict[str, Any]:
        return {"step": self.name, "do": self.do.to_dict() if self.do else None,
                "undo": [c.to_dict() for c in self.undo], "subject": self.subject,
                **({"cleanup": True} if self.cleanup else {})}


@dataclass
class SgRule:
    """An ingress rule a security group lacks (or has, made by avictl, and no longer needs)."""

    group_id: str
    group_name: str | None
    port: int
    source_group_id: str | None
    source_group_name: str | None = None
    source_owner: str | None = None
    instances: list[str] = field(default_factory=list)
    description: str | None = CREATED_BY

    def as_rule(self) -> dict[str, Any]:
        """The rule as avictl.aws.ec2 takes it."""
        return {"port": self.port, "source_group_id": self.source_group_id,
                "source_group_name": self.source_group_name, "source_owner": self.source_owner,
                "description": self.description}

    def to_dict(self) -> dict[str, Any]:
        return {"group_id": self.group_id, "group_name": self.group_name, "protocol": "tcp", "port": self.port,
                "source_group_id": self.source_group_id, "source_group_name": self.source_group_name,
                "instances": self.instances}


@dataclass
class Notice:
    """Something the operator should know about a plan (the CLI words it).

    kind: "missing_rule" (subject: rule — a security group does not admit the load balancer),
    "no_security_group" (the load balancer has none: nothing to check), "no_instances" (none
    registered: no rules to check), "empty_target_group" (subject: target_group).
    """

    kind: str
    subject: dict[str, Any] = field(default_factory=dict)


@dataclass
class Plan:
    """What a retarget will do; `steps` empty means the load balancer is already right."""

    name: str
    type: str  # classic | application | network
    instance_port: int
    listener_port: int
    listener_before: dict[str, Any]
    listener_after: dict[str, Any]
    health_before: dict[str, Any] | None
    health_after: dict[str, Any]
    health_port: int | None = None  # the port the health check reaches after the change
    steps: list[Step] = field(default_factory=list)
    missing_rules: list[SgRule] = field(default_factory=list)
    fix_security_group: bool = False
    notices: list[Notice] = field(default_factory=list)
    # ELBv2 only
    target_group_before: dict[str, Any] | None = None
    target_group_after: dict[str, Any] | None = None
    targets: list[str] = field(default_factory=list)
    lb: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def no_change(self) -> bool:
        return not [s for s in self.steps if not s.cleanup]

    @property
    def step_names(self) -> list[str]:
        return [s.name for s in self.steps]

    def step(self, name: str) -> Step | None:
        return next((s for s in self.steps if s.name == name), None)


@dataclass
class Event:
    """What an apply reports while it runs (the CLI turns it into a progress line).

    kind: "step" (a step starts), "undo" (a step is undone), "restore" (the create failed:
    the old listener is being re-created; `error` says why), "signal" (SIGINT/SIGTERM
    arrived; `critical` tells whether the change is finished first), "completed" (a signal
    arrived but the change was complete), "health" (`healthy` of `total` targets healthy).
    """

    kind: str
    step: Step | None = None
    error: str | None = None
    critical: bool = False
    healthy: int = 0
    total: int = 0


OnEvent = Callable[[Event], None] | None


# -- checks of the values a caller gives (before any AWS call) --------------------------------------


def validate_port(port: Any, setting: str = "port") -> int:
    what = setting.replace("_", " ")
    try:
        value = int(port)
    except (TypeError, ValueError):
        raise SettingError(f"{what} must be a number from 1 to 65535, not {port!r}", setting) from None
    if not 1 <= value <= 65535 or isinstance(port, bool):
        raise SettingError(f"{what} must be from 1 to 65535, not {port}", setting)
    return value


def validate_health_values(values: dict[str, Any]) -> None:
    """Interval 5–300 s, timeout 2–60 s and below the interval, thresholds 2–10 (ELB limits)."""
    for key, (low, high) in HEALTH_LIMITS.items():
        value = values.get(key)
        if value is None:
            continue
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise SettingError(f"health check {key.replace('_', ' ')} must be from {low} to {high}, not {value}", key)
    if values.get("interval") is not None and values.get("timeout") is not None:
        if values["timeout"] >= values["interval"]:
            raise SettingError(f"health check timeout ({values['timeout']}s) must be less than the interval "
                               f"({values['interval']}s)", "timeout", "interval")


def validate_health_protocol(protocol: str | None) -> str | None:
    if protocol is None:
        return None
    try:
        return health_check_protocol(protocol)
    except InvalidValue as exc:
        raise SettingError(exc.message, "health_protocol") from None


def validate_health_path(path: str | None) -> str | None:
    if path is None:
        return None
    if not path.startswith("/"):
        path = "/" + path
    if any(c.isspace() for c in path) or len(path) > 1024:
        raise SettingError(f"health check path {path!r} must be a URL path without spaces", "health_path")
    return path
