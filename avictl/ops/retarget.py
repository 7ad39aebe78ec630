"""Point a load balancer's listener and health check at a new instance port, safely.

`plan_retarget` reads the load balancer and returns a `Plan` (before → after, the steps, the
missing security-group rules); `apply_plan` carries it out and `wait_healthy` waits for a
healthy instance. Nothing here prints: progress goes to an `on_progress(message)` callback,
failures are avictl errors. The CLI (`elb retarget`) and `deploy` both use these.

Classic ELB (listeners cannot be edited): [authorize ingress] → [ConfigureHealthCheck] →
DeleteLoadBalancerListeners + CreateLoadBalancerListeners (+ SetLoadBalancerPoliciesOfListener
when the listener had policies) → describe again to verify. The delete/create pair is the
critical section: SIGINT/SIGTERM are deferred until the create (or the re-creation of the old
listener) finished. A failure after the first write undoes what was done, in reverse, and ends
in RolledBack (exit 8).

ALB/NLB (a target group's port is fixed): a new target group on the new port (same protocol,
VPC, target type; the health check on traffic-port), the same instances registered, wait until
one is healthy, then one ModifyListener of the forward action. The listener never disappears
and the rollback is one more ModifyListener (and deleting the group avictl created).

Calls one classic retarget makes (elb unless noted): DescribeLoadBalancers, DescribeInstanceHealth,
ec2 DescribeInstances + DescribeSecurityGroups (+ DescribeVpcs only when a CIDR rule must be
compared) to plan; then only what differs: [ec2 AuthorizeSecurityGroupIngress],
[ConfigureHealthCheck], DeleteLoadBalancerListeners + CreateLoadBalancerListeners
[+ SetLoadBalancerPoliciesOfListener]; DescribeLoadBalancers to verify; DescribeInstanceHealth
per poll of --wait. Already right: the planning reads only, no write.

Test-only hooks (never set them in production): AVICTL_FAULT_STEP=<step>[,<step>...] makes the
named step fail instead of calling AWS (steps: authorize_ingress, configure_health_check,
delete_listener, create_listener, set_listener_policies, verify, create_target_group,
register_targets, modify_target_group, modify_listener); AVICTL_STEP_DELAY=<seconds> sleeps
before every step, so a test can send a signal between steps.
"""

from __future__ import annotations

import ipaddress
import os
import re
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..aws.client import AwsClient, listener_text
from ..errors import AvictlError, Interrupted, NotFound, RemoteError, RolledBack, UsageError, WaitTimeout

FAULT_ENV = "AVICTL_FAULT_STEP"
DELAY_ENV = "AVICTL_STEP_DELAY"

Progress = Callable[[str], None] | None

HEALTH_LIMITS = {"interval": (5, 300), "timeout": (2, 60), "healthy_threshold": (2, 10),
                 "unhealthy_threshold": (2, 10)}
HEALTH_PROTOCOLS = ("HTTP", "HTTPS", "TCP", "SSL")


@dataclass
class SgRule:
    """An ingress rule the instances' security group lacks."""

    group_id: str
    group_name: str | None
    port: int
    source_group_id: str | None
    source_group_name: str | None = None
    source_owner: str | None = None
    instances: list[str] = field(default_factory=list)

    def text(self) -> str:
        src = self.source_group_id or f"{self.source_owner}/{self.source_group_name}"
        name = f" ({self.group_name})" if self.group_name else ""
        return f"{self.group_id}{name}: allow tcp {self.port} from {src}"

    def permission(self) -> dict[str, Any]:
        pair: dict[str, Any] = ({"GroupId": self.source_group_id} if self.source_group_id
                                else {"GroupName": self.source_group_name, "UserId": self.source_owner})
        return {"IpProtocol": "tcp", "FromPort": self.port, "ToPort": self.port, "UserIdGroupPairs": [pair]}

    def to_dict(self) -> dict[str, Any]:
        return {"group_id": self.group_id, "group_name": self.group_name, "protocol": "tcp", "port": self.port,
                "source_group_id": self.source_group_id, "source_group_name": self.source_group_name,
                "instances": self.instances, "rule": self.text()}


@dataclass
class Plan:
    """What a retarget will do; `steps` empty means the load balancer is already right."""

    name: str
    type: str  # classic | application | network
    port: int
    listener_port: int
    listener_before: dict[str, Any]
    listener_after: dict[str, Any]
    health_before: dict[str, Any] | None
    health_after: dict[str, Any]
    steps: list[str] = field(default_factory=list)
    missing_rules: list[SgRule] = field(default_factory=list)
    fix_security_group: bool = False
    sg_note: str | None = None
    warnings: list[str] = field(default_factory=list)
    # ELBv2 only
    target_group_before: dict[str, Any] | None = None
    target_group_after: dict[str, Any] | None = None
    targets: list[str] = field(default_factory=list)
    lb: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def no_change(self) -> bool:
        return not self.steps

    def lines(self) -> list[tuple[str, str, str]]:
        """(what, before, after) rows for the printed plan."""
        rows = [("listener", listener_text(self.listener_before), listener_text(self.listener_after))]
        if self.target_group_after is not None:
            tgb, tga = self.target_group_before or {}, self.target_group_after
            new = "" if tga.get("arn") else " (new)"
            rows.append(("target group", f"{tgb.get('name')} ({tgb.get('protocol')}:{tgb.get('port')})",
                         f"{tga['name']} ({tga['protocol']}:{tga['port']}){new}"))
        rows.append(("health check", health_text(self.health_before), health_text(self.health_after)))
        if self.missing_rules:
            after = "add the rule" if self.fix_security_group else "unchanged (use --fix-security-group)"
            for rule in self.missing_rules:
                rows.append(("security group", f"missing: {rule.text()}", after))
        return rows

    def to_dict(self) -> dict[str, Any]:
        return {
            "load_balancer": self.name, "type": self.type, "port": self.port, "listener_port": self.listener_port,
            "no_change": self.no_change, "steps": list(self.steps),
            "before": {"listener": listener_text(self.listener_before), "health_check": self.health_before,
                       "target_group": self.target_group_before},
            "after": {"listener": listener_text(self.listener_after), "health_check": self.health_after,
                      "target_group": self.target_group_after},
            "security_group": {"missing": [r.to_dict() for r in self.missing_rules],
                               "fix": self.fix_security_group, "note": self.sg_note},
            "warnings": list(self.warnings),
        }


def health_text(hc: dict[str, Any] | None) -> str:
    if not hc:
        return "none"
    return (f"{hc.get('target')} (every {hc.get('interval')}s, timeout {hc.get('timeout')}s, "
            f"healthy {hc.get('healthy_threshold')}, unhealthy {hc.get('unhealthy_threshold')})")


# -- validation (before any AWS call) ----------------------------------------------------------


def validate_port(port: Any, what: str = "port") -> int:
    try:
        value = int(port)
    except (TypeError, ValueError):
        raise UsageError(f"{what} must be a number from 1 to 65535, not {port!r}") from None
    if not 1 <= value <= 65535 or isinstance(port, bool):
        raise UsageError(f"{what} must be from 1 to 65535, not {port}")
    return value


def validate_health_values(values: dict[str, Any], source: str = "flag") -> None:
    """Interval 5–300 s, timeout 2–60 s and below the interval, thresholds 2–10 (ELB limits)."""
    for key, (low, high) in HEALTH_LIMITS.items():
        value = values.get(key)
        if value is None:
            continue
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            flag = "--health-timeout" if key == "timeout" else "--" + key.replace("_", "-")
            raise UsageError(f"health check {key.replace('_', ' ')} must be from {low} to {high}, not {value}",
                             f"fix {flag}" if source == "flag" else None)
    if values.get("interval") is not None and values.get("timeout") is not None:
        if values["timeout"] >= values["interval"]:
            raise UsageError(f"health check timeout ({values['timeout']}s) must be less than the interval "
                             f"({values['interval']}s)", "set --health-timeout lower or --interval higher")


def validate_health_path(path: str | None) -> str | None:
    if path is None:
        return None
    if not path.startswith("/"):
        path = "/" + path
    if any(c.isspace() for c in path) or len(path) > 1024:
        raise UsageError(f"health check path {path!r} must be a URL path without spaces")
    return path


# -- planning ------------------------------------------------------------------------------------


def plan_retarget(aws: AwsClient, name: str, port: int, *, listener_port: int = 80,
                  health_path: str | None = None, health_protocol: str | None = None,
                  interval: int | None = None, timeout: int | None = None,
                  healthy_threshold: int | None = None, unhealthy_threshold: int | None = None,
                  fix_security_group: bool = False) -> Plan:
    """Read the load balancer `name` and work out the change to `port` (validates everything first)."""
    port = validate_port(port, "port")
    listener_port = validate_port(listener_port, "--listener-port")
    flags = {"interval": interval, "timeout": timeout, "healthy_threshold": healthy_threshold,
             "unhealthy_threshold": unhealthy_threshold}
    validate_health_values(flags)
    health_path = validate_health_path(health_path)
    if health_protocol is not None:
        health_protocol = health_protocol.upper()
        if health_protocol not in HEALTH_PROTOCOLS:
            raise UsageError(f"--health-protocol must be one of {', '.join(HEALTH_PROTOCOLS)}, not {health_protocol}")

    lb = aws.load_balancer(name)
    listener = next((ls for ls in lb["listeners"] if ls["port"] == listener_port), None)
    if listener is None:
        have = ", ".join(listener_text(ls) for ls in lb["listeners"]) or "none"
        raise NotFound(f"load balancer {name} has no listener on port {listener_port} (listeners: {have})",
                       "choose one with --listener-port")
    if lb["type"] == "classic":
        plan = _plan_classic(lb, listener, port, health_path, health_protocol, flags)
    else:
        plan = _plan_v2(aws, lb, listener, port, health_path, health_protocol, flags)
    plan.fix_security_group = fix_security_group
    _check_security_groups(aws, plan)
    if plan.missing_rules and fix_security_group:
        plan.steps.insert(0, "authorize_ingress")
    return plan


def _merged_health(before: dict[str, Any] | None, flags: dict[str, Any]) -> dict[str, Any]:
    before = before or {}
    defaults = {"interval": 30, "timeout": 5, "healthy_threshold": 2, "unhealthy_threshold": 2}
    merged = {k: flags[k] if flags.get(k) is not None else (before.get(k) or defaults[k]) for k in defaults}
    try:
        validate_health_values(merged, source="merged")
    except UsageError as exc:
        raise UsageError(f"{exc.message} (after keeping the current values)",
                         "set --interval, --health-timeout and the thresholds explicitly") from None
    return merged


def _split_target(target: str | None) -> tuple[str | None, str | None]:
    """`HTTP:80/path` → ("HTTP", "/path"); `TCP:80` → ("TCP", None)."""
    if not target:
        return None, None
    m = re.match(r"^([A-Za-z]+):(\d+|traffic-port)(/.*)?$", target)
    if not m:
        return None, None
    return m.group(1).upper(), m.group(3)


def _health_target(protocol: str, port: int, path: str | None) -> str:
    if protocol in ("HTTP", "HTTPS"):
        return f"{protocol}:{port}{path or '/'}"
    return f"{protocol}:{port}"


def _plan_classic(lb: dict[str, Any], listener: dict[str, Any], port: int, health_path: str | None,
                  health_protocol: str | None, flags: dict[str, Any]) -> Plan:
    before_hc = lb.get("health_check")
    old_protocol, old_path = _split_target((before_hc or {}).get("target"))
    protocol = health_protocol or old_protocol or "HTTP"
    path = health_path if health_path is not None else (old_path or "/")
    after_hc = {"target": _health_target(protocol, port, path), **_merged_health(before_hc, flags)}
    after_listener = {**listener, "instance_port": port}
    plan = Plan(name=lb["name"], type="classic", port=port, listener_port=listener["port"],
                listener_before=listener, listener_after=after_listener, health_before=before_hc,
                health_after=after_hc, lb=lb)
    if _hc_key(before_hc) != _hc_key(after_hc):
        plan.steps.append("configure_health_check")
    if listener["instance_port"] != port:
        plan.steps += ["delete_listener", "create_listener"]
        if listener.get("policy_names"):
            plan.steps.append("set_listener_policies")
    return plan


def _hc_key(hc: dict[str, Any] | None) -> tuple[Any, ...]:
    hc = hc or {}
    return tuple(hc.get(k) for k in ("target", "interval", "timeout", "healthy_threshold", "unhealthy_threshold"))


def _plan_v2(aws: AwsClient, lb: dict[str, Any], listener: dict[str, Any], port: int, health_path: str | None,
             health_protocol: str | None, flags: dict[str, Any]) -> Plan:
    arns = listener.get("target_group_arns") or []
    if len(arns) != 1:
        raise UsageError(f"listener {listener['port']}/{listener['protocol']} of {lb['name']} forwards to "
                         f"{len(arns)} target groups; avictl retargets listeners with one forward target group",
                         "edit this listener in the AWS console or with `aws elbv2 modify-listener`")
    tg = next(t for t in lb["target_groups"] if t["arn"] == arns[0])
    before_hc = tg["health_check"]
    old_protocol, old_path = _split_target(before_hc.get("target"))
    protocol = health_protocol or old_protocol or "HTTP"
    if lb["type"] == "application" and protocol not in ("HTTP", "HTTPS"):
        raise UsageError(f"an application load balancer checks health over HTTP or HTTPS, not {protocol}",
                         "use --health-protocol HTTP")
    if protocol == "SSL":
        raise UsageError("ELBv2 health checks use HTTP, HTTPS or TCP, not SSL")
    path = health_path if health_path is not None else (old_path or "/")
    after_hc = {"target": _health_target(protocol, port, path), **_merged_health(before_hc, flags),
                "protocol": protocol, "path": path if protocol in ("HTTP", "HTTPS") else None}
    base = re.sub(r"-\d+$", "", tg["name"]) or lb["name"]
    suffix = f"-{port}"
    new_name = (base[: 32 - len(suffix)].rstrip("-") + suffix).lstrip("-")
    tg_before = {k: tg[k] for k in ("name", "arn", "port", "protocol", "vpc_id", "target_type")}
    targets = sorted({t["id"] for t in tg["targets"]})
    plan = Plan(name=lb["name"], type=lb["type"], port=port, listener_port=listener["port"],
                listener_before=listener, listener_after={**listener, "instance_port": port},
                health_before=before_hc, health_after=after_hc, target_group_before=tg_before,
                targets=targets, lb=lb)
    if tg["port"] == port:
        plan.target_group_after = None
        if _hc_key(before_hc) != _hc_key(after_hc):
            plan.steps.append("modify_target_group")
        return plan
    existing = _find_target_group(aws, new_name)
    if existing and (existing["Port"] != port or existing["Protocol"] != tg["protocol"]
                     or existing.get("VpcId") != tg["vpc_id"]):
        raise UsageError(f"target group {new_name} exists with other settings "
                         f"({existing['Protocol']}:{existing['Port']} in {existing.get('VpcId')})",
                         "delete or rename it, then retry")
    plan.target_group_after = {"name": new_name, "arn": existing["TargetGroupArn"] if existing else None,
                               "port": port, "protocol": tg["protocol"], "vpc_id": tg["vpc_id"],
                               "target_type": tg["target_type"]}
    plan.steps += (["modify_target_group"] if existing else ["create_target_group"])
    plan.steps += ["register_targets", "wait_targets", "modify_listener"]
    if not targets:
        plan.warnings.append(f"target group {tg['name']} has no targets: the new group will be empty")
    return plan


def _find_target_group(aws: AwsClient, name: str) -> dict[str, Any] | None:
    try:
        return aws.call("elbv2", "describe_target_groups", Names=[name])["TargetGroups"][0]
    except NotFound:
        return None


def _check_security_groups(aws: AwsClient, plan: Plan) -> None:
    """Do the instances' groups admit the load balancer's group on the new port? Fill plan.missing_rules."""
    lb = plan.lb
    sources = list(lb.get("security_groups") or [])
    src_name = src_owner = None
    if not sources and lb.get("source_security_group"):
        src_name = lb["source_security_group"].get("GroupName")
        src_owner = lb["source_security_group"].get("OwnerAlias")
    if not sources and not src_name:
        plan.sg_note = (f"{plan.name} has no security group: make sure the targets admit the clients on "
                        f"port {plan.port}")
        return
    ids = [i["id"] for i in lb.get("instances", []) if str(i.get("id", "")).startswith("i-")]
    ids = sorted(set(ids))
    if not ids:
        plan.sg_note = "no registered instances to check"
        return
    instances = aws.instances(ids)
    groups = {g["GroupId"]: g for g in aws.security_groups(
        [sg["GroupId"] for inst in instances for sg in inst.get("SecurityGroups", [])])}
    vpc_cidrs: list[str] | None = None

    def admits(group: dict[str, Any]) -> bool:
        nonlocal vpc_cidrs
        for perm in group.get("IpPermissions", []):
            proto = str(perm.get("IpProtocol"))
            if proto not in ("-1", "tcp", "6"):
                continue
            if proto != "-1" and not (perm.get("FromPort", 0) <= plan.port <= perm.get("ToPort", 65535)):
                continue
            for pair in perm.get("UserIdGroupPairs", []):
                if pair.get("GroupId") in sources or (src_name and pair.get("GroupName") == src_name):
                    return True
            for rng in perm.get("IpRanges", []):
                cidr = rng.get("CidrIp")
                if cidr == "0.0.0.0/0":
                    return True
                if cidr and lb.get("vpc_id"):
                    if vpc_cidrs is None:
                        vpc_cidrs = aws.vpc_cidrs(lb["vpc_id"])
                    if _covers(cidr, vpc_cidrs):
                        return True
        return False

    missing: dict[str, SgRule] = {}
    for inst in instances:
        inst_groups = [g["GroupId"] for g in inst.get("SecurityGroups", [])]
        if any(admits(groups[g]) for g in inst_groups if g in groups):
            continue
        if not inst_groups:
            continue
        target = next((g for g in inst_groups if g in missing), inst_groups[0])
        rule = missing.get(target) or SgRule(group_id=target, group_name=groups.get(target, {}).get("GroupName"),
                                             port=plan.port, source_group_id=sources[0] if sources else None,
                                             source_group_name=src_name, source_owner=src_owner)
        rule.instances.append(inst["InstanceId"])
        missing[target] = rule
    plan.missing_rules = list(missing.values())
    for rule in plan.missing_rules:
        plan.warnings.append(f"the instances' security group does not admit the load balancer on port "
                             f"{plan.port}: missing rule {rule.text()}"
                             + (" (will be added)" if plan.fix_security_group else " (add it with --fix-security-group)"))


def _covers(cidr: str, vpc_cidrs: list[str]) -> bool:
    try:
        net = ipaddress.ip_network(cidr, strict=False)
        return bool(vpc_cidrs) and all(ipaddress.ip_network(v, strict=False).subnet_of(net) for v in vpc_cidrs)
    except (ValueError, TypeError):
        return False


# -- applying ------------------------------------------------------------------------------------


class _Signals:
    """Record SIGINT/SIGTERM instead of acting on them; the apply decides when to stop."""

    def __init__(self, on_progress: Progress):
        self.pending: int | None = None
        self.critical = False
        self.on_progress = on_progress
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
        if first and self.on_progress:
            self.on_progress("interrupt received: finishing the listener change first" if self.critical
                             else "interrupt received: undoing the change so far")


class _Applier:
    def __init__(self, aws: AwsClient, plan: Plan, on_progress: Progress, wait_timeout: float):
        self.aws = aws
        self.plan = plan
        self.on_progress = on_progress
        self.wait_timeout = wait_timeout
        self.undo: list[tuple[str, Callable[[], None]]] = []
        faults = os.environ.get(FAULT_ENV, "")
        self.faults = {f.strip() for f in faults.split(",") if f.strip()}
        try:
            self.delay = float(os.environ.get(DELAY_ENV) or 0)
        except ValueError:
            self.delay = 0.0
        self.signals = _Signals(on_progress)
        self.rolling_back = False
        self.restored: list[str] = []  # undone inline, before the general rollback

    def say(self, message: str) -> None:
        if self.on_progress:
            self.on_progress(message)

    def step(self, name: str, message: str) -> None:
        """Step boundary: test hooks, then stop here if a signal arrived (outside the critical section)."""
        if self.delay:
            time.sleep(self.delay)
        if self.signals.pending is not None and not self.signals.critical and not self.rolling_back:
            raise _Stop()
        self.say(message)
        if name in self.faults:
            raise RemoteError(f"injected failure at step {name} ({FAULT_ENV}, test-only)", exit_code=1)

    # classic -----------------------------------------------------------------------------------

    def classic(self) -> None:
        p, name = self.plan, self.plan.name
        if "authorize_ingress" in p.steps:
            self.authorize_ingress()
        if "configure_health_check" in p.steps:
            self.step("configure_health_check", f"configure health check {p.health_after['target']}")
            self.aws.call("elb", "configure_health_check", LoadBalancerName=name,
                          HealthCheck=_classic_hc(p.health_after))
            if p.health_before and p.health_before.get("target"):
                old = p.health_before
                self.undo.append(("restore health check", lambda: self.aws.call(
                    "elb", "configure_health_check", LoadBalancerName=name, HealthCheck=_classic_hc(old))))
        if "delete_listener" in p.steps:
            self.swap_listener(p.listener_before, p.listener_after, "delete_listener", "create_listener")
            before = p.listener_before
            self.undo.append(("restore listener", lambda: self.swap_listener(
                p.listener_after, before, "rollback_delete_listener", "restore_listener", undoing=True)))

    def swap_listener(self, old: dict[str, Any], new: dict[str, Any], delete_step: str, create_step: str,
                      undoing: bool = False) -> None:
        """Delete `old` and create `new` on the same port; put `old` back if the create fails."""
        name, lport = self.plan.name, old["port"]
        self.step(delete_step, f"delete listener {listener_text(old)}")
        was_critical, self.signals.critical = self.signals.critical, True
        try:
            self.aws.call("elb", "delete_load_balancer_listeners", LoadBalancerName=name, LoadBalancerPorts=[lport])
            try:
                self.step(create_step, f"create listener {listener_text(new)}")
                self.aws.call("elb", "create_load_balancer_listeners", LoadBalancerName=name,
                              Listeners=[_classic_listener(new)])
                if new.get("policy_names"):
                    self.step("set_listener_policies", f"set policies {', '.join(new['policy_names'])}")
                    self.aws.call("elb", "set_load_balancer_policies_of_listener", LoadBalancerName=name,
                                  LoadBalancerPort=lport, PolicyNames=new["policy_names"])
            except BaseException as exc:
                if undoing:
                    raise
                self.say(f"create failed ({_short(exc)}): re-creating {listener_text(old)}")
                self._restore_listener(old, exc)
                self.restored.append("re-create the old listener")
                raise
        finally:
            self.signals.critical = was_critical

    def _restore_listener(self, old: dict[str, Any], cause: BaseException) -> None:
        name = self.plan.name
        try:
            try:
                self.aws.call("elb", "delete_load_balancer_listeners", LoadBalancerName=name,
                              LoadBalancerPorts=[old["port"]])  # in case the new one half-exists
            except AvictlError:
                pass
            self.aws.call("elb", "create_load_balancer_listeners", LoadBalancerName=name,
                          Listeners=[_classic_listener(old)])
            if old.get("policy_names"):
                self.aws.call("elb", "set_load_balancer_policies_of_listener", LoadBalancerName=name,
                              LoadBalancerPort=old["port"], PolicyNames=old["policy_names"])
        except AvictlError as exc:
            raise _RollbackFailed(exc, cause, old, name) from None

    # ELBv2 -------------------------------------------------------------------------------------

    def v2(self) -> None:
        p = self.plan
        if "authorize_ingress" in p.steps:
            self.authorize_ingress()
        if p.target_group_after is None:  # the port is right; only the health check changes
            if "modify_target_group" in p.steps:
                arn = p.target_group_before["arn"]
                self.step("modify_target_group", f"modify health check of {p.target_group_before['name']}")
                self.aws.call("elbv2", "modify_target_group", TargetGroupArn=arn, **_v2_hc(p.health_after))
                old = p.health_before
                self.undo.append(("restore health check", lambda: self.aws.call(
                    "elbv2", "modify_target_group", TargetGroupArn=arn, **_v2_hc(old))))
            return
        tga = p.target_group_after
        if "create_target_group" in p.steps:
            self.step("create_target_group", f"create target group {tga['name']} ({tga['protocol']}:{tga['port']})")
            created = self.aws.call("elbv2", "create_target_group", Name=tga["name"], Protocol=tga["protocol"],
                                    Port=tga["port"], VpcId=tga["vpc_id"], TargetType=tga["target_type"] or "instance",
                                    **_v2_hc(p.health_after))["TargetGroups"][0]
            arn = created["TargetGroupArn"]
            self.undo.append(("delete the new target group", lambda: self.aws.call(
                "elbv2", "delete_target_group", TargetGroupArn=arn)))
        else:
            arn = tga["arn"]
            self.step("modify_target_group", f"reuse target group {tga['name']}; set its health check")
            self.aws.call("elbv2", "modify_target_group", TargetGroupArn=arn, **_v2_hc(p.health_after))
        tga["arn"] = arn
        if p.targets:
            self.step("register_targets", f"register {len(p.targets)} target(s) in {tga['name']}")
            self.aws.call("elbv2", "register_targets", TargetGroupArn=arn, Targets=[{"Id": t} for t in p.targets])
            self.step("wait_targets", f"wait until a target of {tga['name']} is healthy")
            wait_healthy(self.aws, p, self.wait_timeout, self.on_progress, target_group_arn=arn,
                         stop=lambda: self.signals.pending is not None)
            if self.signals.pending is not None:
                raise _Stop()
        old_actions = p.listener_before["default_actions"]
        listener_arn = p.listener_before["arn"]
        self.step("modify_listener", f"point listener {p.listener_port}/{p.listener_before['protocol']} "
                                     f"at {tga['name']}")
        self.aws.call("elbv2", "modify_listener", ListenerArn=listener_arn,
                      DefaultActions=[{"Type": "forward", "TargetGroupArn": arn}])
        self.undo.append(("point the listener back", lambda: self.aws.call(
            "elbv2", "modify_listener", ListenerArn=listener_arn, DefaultActions=_clean_actions(old_actions))))

    # shared ------------------------------------------------------------------------------------

    def authorize_ingress(self) -> None:
        for rule in self.plan.missing_rules:
            self.step("authorize_ingress", f"add security group rule {rule.text()}")
            perm = rule.permission()
            self.aws.call("ec2", "authorize_security_group_ingress", GroupId=rule.group_id, IpPermissions=[perm])
            gid = rule.group_id
            self.undo.append((f"remove rule {rule.text()}", lambda gid=gid, perm=perm: self.aws.call(
                "ec2", "revoke_security_group_ingress", GroupId=gid, IpPermissions=[perm])))

    def verify(self) -> dict[str, Any]:
        p = self.plan
        self.step("verify", "verify")
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
        else:
            arn = (p.target_group_after or p.target_group_before or {}).get("arn")
            hc = next((t["health_check"] for t in lb["target_groups"] if t["arn"] == arn), None)
            if listener is not None and listener.get("target_group_arns") != [arn]:
                problems.append(f"listener forwards to {listener.get('target_group_arns')}, expected [{arn}]")
        if (hc or {}).get("target") != p.health_after["target"]:
            problems.append(f"health check is {(hc or {}).get('target')}, expected {p.health_after['target']}")
        if problems:
            raise RemoteError("verification after the change failed: " + "; ".join(problems), exit_code=1)
        return lb

    def rollback(self, cause: BaseException) -> list[str]:
        done = list(self.restored)
        self.signals.critical = self.rolling_back = True  # finish the rollback whatever arrives
        try:
            for what, fn in reversed(self.undo):
                self.say(f"rollback: {what}")
                try:
                    fn()
                except _RollbackFailed:
                    raise
                except AvictlError as exc:
                    raise _RollbackFailed(exc, cause, None, self.plan.name) from None
                done.append(what)
        finally:
            self.signals.critical = self.rolling_back = False
        return done


class _Stop(Exception):
    """A signal arrived; stop at this step boundary."""


class _RollbackFailed(Exception):
    def __init__(self, error: AvictlError, cause: BaseException, listener: dict[str, Any] | None, name: str):
        super().__init__(str(error))
        self.error, self.cause, self.listener, self.name = error, cause, listener, name

    def as_error(self) -> AvictlError:
        hint = "check the load balancer now with `avictl elb show " + self.name + "`"
        if self.listener:
            lst = _classic_listener(self.listener)
            args = ",".join(f"{k}={v}" for k, v in lst.items())
            hint = (f"re-create the listener: aws elb create-load-balancer-listeners --load-balancer-name "
                    f"{self.name} --listeners {args}")
        return AvictlError(f"the change failed ({_short(self.cause)}) and the rollback failed too "
                           f"({self.error.message})", hint, exit_code=1)


def apply_plan(aws: AwsClient, plan: Plan, *, on_progress: Progress = None,
               wait_timeout: float = 300.0) -> dict[str, Any]:
    """Carry out `plan`; returns the load balancer as read back after the change.

    Errors: RolledBack (exit 8) when a step failed after something changed and everything was
    undone; Interrupted (exit 130) on SIGINT/SIGTERM, after the change was finished or undone;
    the step's own error when it failed before anything changed.
    """
    if plan.no_change:
        return plan.lb
    applier = _Applier(aws, plan, on_progress, wait_timeout)
    with applier.signals:
        try:
            if plan.type == "classic":
                applier.classic()
            else:
                applier.v2()
            if applier.signals.pending is not None:
                applier.say("interrupted: the change was completed")
                applier.signals.critical = True  # the change stands; only read it back
                lb = applier.verify()
                raise Interrupted(f"interrupted after the change to {plan.name} completed "
                                  f"({listener_text(plan.listener_after)})")
            lb = applier.verify()
        except Interrupted:
            raise
        except _RollbackFailed as exc:
            raise exc.as_error() from None
        except (_Stop, KeyboardInterrupt) as exc:
            if not applier.undo and not applier.restored:
                raise Interrupted("interrupted before anything changed") from None
            try:
                applier.rollback(exc)
            except _RollbackFailed as failed:
                raise failed.as_error() from None
            raise Interrupted(f"interrupted: the change to {plan.name} was rolled back") from None
        except (AvictlError, Exception) as exc:
            if not applier.undo and not applier.restored:
                raise
            try:
                undone = applier.rollback(exc)
            except _RollbackFailed as failed:
                raise failed.as_error() from None
            message = exc.message if isinstance(exc, AvictlError) else f"{type(exc).__name__}: {exc}"
            raise RolledBack(f"{message}; rolled back ({', '.join(undone)})",
                             f"{plan.name} is as before: {listener_text(plan.listener_before)}") from exc
    return lb


# -- waiting ----------------------------------------------------------------------------------------


def wait_healthy(aws: AwsClient, plan: Plan, timeout: float, on_progress: Progress = None, *,
                 target_group_arn: str | None = None, poll: float | None = None,
                 stop: Callable[[], bool] | None = None) -> list[dict[str, Any]]:
    """Wait until at least one instance (classic) or target (v2) is healthy; WaitTimeout (exit 7) with reasons."""
    deadline = time.monotonic() + max(0.0, timeout)
    interval = poll if poll is not None else min(5.0, max(1.0, float(plan.health_after.get("interval") or 5) / 2))
    arn = target_group_arn or (plan.target_group_after or {}).get("arn") or (plan.target_group_before or {}).get("arn")
    last_summary = None
    while True:
        if plan.type == "classic":
            states = aws.instance_health(plan.name)
            healthy = [s for s in states if s["state"] == "InService"]
        else:
            states = aws.target_health(arn)
            healthy = [s for s in states if s["state"] == "healthy"]
        summary = f"{len(healthy)}/{len(states)} healthy"
        if on_progress and summary != last_summary:
            on_progress(summary)
            last_summary = summary
        if healthy:
            return states
        if stop and stop():
            return states
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            reasons = "; ".join(_state_text(s) for s in states) or "no instances registered"
            raise WaitTimeout(f"no healthy instance behind {plan.name} after {timeout:g}s: {reasons}",
                              f"check that the app answers {plan.health_after['target']} on the instances "
                              "and that their security groups admit the load balancer")
        time.sleep(min(interval, remaining))


def _state_text(s: dict[str, Any]) -> str:
    text = f"{s['id']}{':' + str(s['port']) if s.get('port') else ''} {s['state']}"
    detail = s.get("description") or s.get("reason")
    return f"{text} ({detail})" if detail else text


# -- request shapes -------------------------------------------------------------------------------


def _classic_listener(listener: dict[str, Any]) -> dict[str, Any]:
    out = {"Protocol": listener["protocol"], "LoadBalancerPort": listener["port"],
           "InstanceProtocol": listener["instance_protocol"], "InstancePort": listener["instance_port"]}
    if listener.get("ssl_certificate_id"):
        out["SSLCertificateId"] = listener["ssl_certificate_id"]
    return out


def _classic_hc(hc: dict[str, Any]) -> dict[str, Any]:
    return {"Target": hc["target"], "Interval": hc["interval"], "Timeout": hc["timeout"],
            "HealthyThreshold": hc["healthy_threshold"], "UnhealthyThreshold": hc["unhealthy_threshold"]}


def _v2_hc(hc: dict[str, Any]) -> dict[str, Any]:
    protocol, path = _split_target(hc.get("target"))
    protocol = hc.get("protocol") or protocol or "HTTP"
    out = {"HealthCheckProtocol": protocol, "HealthCheckPort": "traffic-port",
           "HealthCheckIntervalSeconds": hc["interval"], "HealthCheckTimeoutSeconds": hc["timeout"],
           "HealthyThresholdCount": hc["healthy_threshold"], "UnhealthyThresholdCount": hc["unhealthy_threshold"]}
    if hc.get("port") not in (None, "traffic-port"):
        out["HealthCheckPort"] = str(hc["port"])
    if protocol in ("HTTP", "HTTPS"):
        out["HealthCheckPath"] = hc.get("path") or path or "/"
    return out


def _clean_actions(actions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """DefaultActions as DescribeListeners gave them, minus what ModifyListener rejects."""
    cleaned = []
    for action in actions:
        a = {k: v for k, v in action.items() if v not in (None, [], {})}
        if a.get("Type") == "forward" and a.get("TargetGroupArn") and a.get("ForwardConfig"):
            a.pop("ForwardConfig")  # both forms describe the same group; sending both may be refused
        cleaned.append(a)
    return cleaned


def _short(exc: BaseException) -> str:
    return exc.message if isinstance(exc, AvictlError) else f"{type(exc).__name__}: {exc}"
