"""Planning a retarget: read the load balancer, work out the listener, health check and steps."""

from __future__ import annotations

import re
from typing import Any

from ...aws import elb, elbv2
from ...aws.client import AwsClient
from ...errors import NotFound, UsageError
from .model import Call, Notice, Plan, SettingError, Step, validate_health_path, validate_health_protocol, \
    validate_health_values, validate_port
from .security_groups import check_security_groups


def plan_retarget(aws: AwsClient, name: str, port: int, *, listener_port: int = 80,
                  health_path: str | None = None, health_protocol: str | None = None,
                  interval: int | None = None, timeout: int | None = None,
                  healthy_threshold: int | None = None, unhealthy_threshold: int | None = None,
                  fix_security_group: bool = False) -> Plan:
    """Read the load balancer `name` and work out the change to instance port `port` (validates first)."""
    port = validate_port(port, "port")
    listener_port = validate_port(listener_port, "listener_port")
    flags = {"interval": interval, "timeout": timeout, "healthy_threshold": healthy_threshold,
             "unhealthy_threshold": unhealthy_threshold}
    validate_health_values(flags)
    health_path = validate_health_path(health_path)
    health_protocol = validate_health_protocol(health_protocol)

    lb = aws.load_balancer(name)
    listener = next((ls for ls in lb["listeners"] if ls["port"] == listener_port), None)
    if listener is None:
        raise NoSuchListener(lb, listener_port)
    if lb["type"] == "classic":
        plan = _plan_classic(lb, listener, port, health_path, health_protocol, flags)
    else:
        plan = _plan_v2(aws, lb, listener, port, health_path, health_protocol, flags)
    plan.fix_security_group = fix_security_group
    check_security_groups(aws, plan)
    if plan.missing_rules and fix_security_group:
        from ...aws import ec2

        plan.steps[:0] = [Step("authorize_ingress", do=Call(ec2.authorize_ingress, {"group_id": r.group_id,
                                                                                  "rule": r.as_rule()}),
                               undo=[Call(ec2.revoke_ingress, {"group_id": r.group_id, "rule": r.as_rule()})],
                               subject={"rule": r.to_dict()}) for r in plan.missing_rules]
    return plan


class NoSuchListener(NotFound):
    """The load balancer has no listener on the port asked for (`listeners` are the ones it has)."""

    def __init__(self, lb: dict[str, Any], port: int):
        super().__init__(f"load balancer {lb['name']} has no listener on port {port}")
        self.listeners = lb["listeners"]
        self.port = port


def _merged_health(before: dict[str, Any] | None, flags: dict[str, Any]) -> dict[str, Any]:
    before = before or {}
    defaults = {"interval": 30, "timeout": 5, "healthy_threshold": 2, "unhealthy_threshold": 2}
    merged = {k: flags[k] if flags.get(k) is not None else (before.get(k) or defaults[k]) for k in defaults}
    try:
        validate_health_values(merged)
    except SettingError as exc:
        raise SettingError(f"{exc.message} (after keeping the current values)", "interval", "timeout",
                           "healthy_threshold", "unhealthy_threshold") from None
    return merged


def split_target(target: str | None) -> tuple[str | None, str | None]:
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


def _hc_key(hc: dict[str, Any] | None) -> tuple[Any, ...]:
    hc = hc or {}
    return tuple(hc.get(k) for k in ("target", "interval", "timeout", "healthy_threshold", "unhealthy_threshold"))


def _plan_classic(lb: dict[str, Any], listener: dict[str, Any], port: int, health_path: str | None,
                  health_protocol: str | None, flags: dict[str, Any]) -> Plan:
    """Classic ELB: a listener cannot be edited, so it is deleted and re-created on the new
    instance port (every other field kept); the health check and the instance port's backend
    policies (proxy protocol, backend authentication) move with it."""
    name, old_port = lb["name"], listener["instance_port"]
    before_hc = lb.get("health_check")
    old_protocol, old_path = split_target((before_hc or {}).get("target"))
    old_health_port = _target_port((before_hc or {}).get("target"))
    # a health check on its own port (not the old instance port) stays there
    health_port = old_health_port if old_health_port not in (None, old_port) else port
    protocol = health_protocol or old_protocol or "HTTP"
    path = health_path if health_path is not None else (old_path or "/")
    after_hc = {"target": _health_target(protocol, health_port, path), **_merged_health(before_hc, flags)}
    after_listener = {**listener, "instance_port": port}
    plan = Plan(name=name, type="classic", instance_port=port, listener_port=listener["port"],
                listener_before=listener, listener_after=after_listener, health_before=before_hc,
                health_after=after_hc, health_port=health_port, lb=lb)
    if _hc_key(before_hc) != _hc_key(after_hc):
        undo = ([Call(elb.configure_health_check, {"name": name, "health_check": before_hc})]
                if before_hc and before_hc.get("target") else [])
        plan.steps.append(Step("configure_health_check",
                               do=Call(elb.configure_health_check, {"name": name, "health_check": after_hc}),
                               undo=undo, subject={"health_check": after_hc}))
    if old_port == port:
        return plan
    backend = lb.get("backend_policies") or {}
    moving = backend.get(old_port) or []
    if moving and backend.get(port) != moving:
        plan.steps.append(Step("set_backend_policies",
                               do=Call(elb.set_backend_policies, {"name": name, "instance_port": port,
                                                                  "policy_names": moving}),
                               undo=[Call(elb.set_backend_policies, {"name": name, "instance_port": port,
                                                                     "policy_names": backend.get(port) or []})],
                               subject={"instance_port": port, "policy_names": moving}))
    lport = listener["port"]
    restore = [Call(elb.create_listener, {"name": name, "listener": listener})]
    if listener.get("policy_names"):
        restore.append(Call(elb.set_listener_policies, {"name": name, "port": lport,
                                                        "policy_names": listener["policy_names"]}))
    policies = listener.get("policy_names") or []
    plan.steps.append(Step("delete_listener", do=Call(elb.delete_listener, {"name": name, "port": lport}),
                           undo=restore, subject={"listener": listener}, window="open"))
    plan.steps.append(Step("create_listener", do=Call(elb.create_listener, {"name": name,
                                                                            "listener": after_listener}),
                           undo=[Call(elb.delete_listener, {"name": name, "port": lport})],
                           subject={"listener": after_listener, "old_listener": listener},
                           window=None if policies else "close"))
    if policies:
        plan.steps.append(Step("set_listener_policies",
                               do=Call(elb.set_listener_policies, {"name": name, "port": lport,
                                                                   "policy_names": policies}),
                               subject={"policy_names": policies}, window="close"))
    still_used = any(ls["instance_port"] == old_port for ls in lb["listeners"] if ls["port"] != lport)
    if moving and not still_used:
        plan.steps.append(Step("clear_backend_policies",
                               do=Call(elb.set_backend_policies, {"name": name, "instance_port": old_port,
                                                                  "policy_names": []}),
                               undo=[Call(elb.set_backend_policies, {"name": name, "instance_port": old_port,
                                                                     "policy_names": moving})],
                               subject={"instance_port": old_port, "policy_names": moving}))
    return plan


def _target_port(target: str | None) -> int | None:
    m = re.match(r"^[A-Za-z]+:(\d+)", target or "")
    return int(m.group(1)) if m else None


def _plan_v2(aws: AwsClient, lb: dict[str, Any], listener: dict[str, Any], port: int, health_path: str | None,
             health_protocol: str | None, flags: dict[str, Any]) -> Plan:
    """ALB/NLB: the new port joins the listener's own target group, then the old port leaves it.

    Why not a new target group on the new port: a group that no listener or rule uses is not
    health-checked (its targets stay `unused` / `Target.NotInUse`, botocore's elbv2 model), so
    waiting for it to turn healthy before pointing the listener at it never ends on AWS; and
    why not an ALB weighted forward (new group at weight 0, then shifted): NLB forward actions
    take one group only, and it would need a copy of the old group (matcher, attributes ...).
    Registering the same instances again in the group the listener already uses, with
    Port=N (RegisterTargets takes a per-target port), gets the new port health-checked while
    the old port still serves; once a target on N is healthy the old-port targets are
    deregistered (they drain for the group's deregistration delay). The listener never
    changes, works the same for ALB and NLB, and the rollback is the reverse pair.
    """
    arns = listener.get("target_group_arns") or []
    if len(arns) != 1:
        raise UsageError(f"listener {listener['port']}/{listener['protocol']} of {lb['name']} forwards to "
                         f"{len(arns)} target groups; avictl retargets listeners with one forward target group",
                         "edit this listener in the AWS console or with `aws elbv2 modify-listener`")
    tg = next(t for t in lb["target_groups"] if t["arn"] == arns[0])
    before_hc = tg["health_check"]
    old_protocol, old_path = split_target(before_hc.get("target"))
    protocol = health_protocol or before_hc.get("protocol") or old_protocol or "HTTP"
    if lb["type"] == "application" and protocol not in ("HTTP", "HTTPS"):
        raise SettingError(f"an application load balancer checks health over HTTP or HTTPS, not {protocol}",
                           "health_protocol")
    if protocol == "SSL":
        raise SettingError("ELBv2 health checks use HTTP, HTTPS or TCP, not SSL", "health_protocol")
    path = health_path if health_path is not None else (old_path or "/")
    current = elbv2.registered(tg["targets"])
    old_ports = sorted({int(t["port"]) for t in current if t.get("port") is not None})
    # A health check on its own fixed port (not the traffic port) stays there; else it follows the traffic.
    fixed = str(before_hc.get("port") or "traffic-port")
    keep = fixed.isdigit() and int(fixed) not in old_ports and int(fixed) != tg["port"]
    health_port = int(fixed) if keep else port
    after_hc = {"target": _health_target(protocol, health_port, path), **_merged_health(before_hc, flags),
                "protocol": protocol, "path": path if protocol in ("HTTP", "HTTPS") else None,
                "port": fixed if keep else "traffic-port"}
    ids = sorted({t["id"] for t in current})
    tg_before = {k: tg[k] for k in ("name", "arn", "port", "protocol", "vpc_id", "target_type")}
    plan = Plan(name=lb["name"], type=lb["type"], instance_port=port, listener_port=listener["port"],
                listener_before=listener, listener_after={**listener, "instance_port": port, "instance_ports": [port]},
                health_before=before_hc, health_after=after_hc, health_port=health_port,
                target_group_before=tg_before, targets=ids, lb=lb)
    arn = tg["arn"]
    if elbv2.health_check_payload(before_hc) != elbv2.health_check_payload(after_hc):
        plan.steps.append(Step("modify_target_group",
                               do=Call(elbv2.modify_health_check, {"arn": arn, "health_check": after_hc}),
                               undo=[Call(elbv2.modify_health_check, {"arn": arn, "health_check": before_hc})],
                               subject={"target_group": tg_before, "health_check": after_hc}))
    new = [{"id": i, "port": port} for i in ids if not any(t["id"] == i and t.get("port") == port for t in current)]
    old = [{"id": t["id"], "port": t["port"]} for t in current if t.get("port") != port]
    if new:
        plan.steps.append(Step("register_targets", do=Call(elbv2.register_targets, {"arn": arn, "targets": new}),
                               undo=[Call(elbv2.deregister_targets, {"arn": arn, "targets": new})],
                               subject={"target_group": tg_before, "targets": new}))
    if new or (old and not any(t.get("port") == port and t.get("state") == "healthy" for t in current)):
        plan.steps.append(Step("wait_targets", subject={"target_group": tg_before, "arn": arn, "port": port}))
    if old:
        plan.steps.append(Step("deregister_targets", do=Call(elbv2.deregister_targets, {"arn": arn, "targets": old}),
                               undo=[Call(elbv2.register_targets, {"arn": arn, "targets": old})],
                               subject={"target_group": tg_before, "targets": old}))
    if not ids:
        plan.notices.append(Notice("empty_target_group", {"target_group": tg_before}))
    return plan
