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


class Ref(dict):
    """An argument known only once an earlier step ran: the result of step `step`."""

    def __init__(self, step: str):
        super().__init__({"$result_of": step})

    @property
    def step(self) -> str:
        return self["$result_of"]


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
    name = lb["name"]
    before_hc = lb.get("health_check")
    old_protocol, old_path = split_target((before_hc or {}).get("target"))
    protocol = health_protocol or old_protocol or "HTTP"
    path = health_path if health_path is not None else (old_path or "/")
    after_hc = {"target": _health_target(protocol, port, path), **_merged_health(before_hc, flags)}
    after_listener = {**listener, "instance_port": port}
    plan = Plan(name=name, type="classic", instance_port=port, listener_port=listener["port"],
                listener_before=listener, listener_after=after_listener, health_before=before_hc,
                health_after=after_hc, lb=lb)
    if _hc_key(before_hc) != _hc_key(after_hc):
        undo = ([Call(elb.configure_health_check, {"name": name, "health_check": before_hc})]
                if before_hc and before_hc.get("target") else [])
        plan.steps.append(Step("configure_health_check",
                               do=Call(elb.configure_health_check, {"name": name, "health_check": after_hc}),
                               undo=undo, subject={"health_check": after_hc}))
    if listener["instance_port"] != port:
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
    return plan


def _plan_v2(aws: AwsClient, lb: dict[str, Any], listener: dict[str, Any], port: int, health_path: str | None,
             health_protocol: str | None, flags: dict[str, Any]) -> Plan:
    arns = listener.get("target_group_arns") or []
    if len(arns) != 1:
        raise UsageError(f"listener {listener['port']}/{listener['protocol']} of {lb['name']} forwards to "
                         f"{len(arns)} target groups; avictl retargets listeners with one forward target group",
                         "edit this listener in the AWS console or with `aws elbv2 modify-listener`")
    tg = next(t for t in lb["target_groups"] if t["arn"] == arns[0])
    before_hc = tg["health_check"]
    old_protocol, old_path = split_target(before_hc.get("target"))
    protocol = health_protocol or old_protocol or "HTTP"
    if lb["type"] == "application" and protocol not in ("HTTP", "HTTPS"):
        raise SettingError(f"an application load balancer checks health over HTTP or HTTPS, not {protocol}",
                           "health_protocol")
    if protocol == "SSL":
        raise SettingError("ELBv2 health checks use HTTP, HTTPS or TCP, not SSL", "health_protocol")
    path = health_path if health_path is not None else (old_path or "/")
    after_hc = {"target": _health_target(protocol, port, path), **_merged_health(before_hc, flags),
                "protocol": protocol, "path": path if protocol in ("HTTP", "HTTPS") else None}
    base = re.sub(r"-\d+$", "", tg["name"]) or lb["name"]
    suffix = f"-{port}"
    new_name = (base[: 32 - len(suffix)].rstrip("-") + suffix).lstrip("-")
    tg_before = {k: tg[k] for k in ("name", "arn", "port", "protocol", "vpc_id", "target_type")}
    targets = sorted({t["id"] for t in tg["targets"]})
    plan = Plan(name=lb["name"], type=lb["type"], instance_port=port, listener_port=listener["port"],
                listener_before=listener, listener_after={**listener, "instance_port": port},
                health_before=before_hc, health_after=after_hc, target_group_before=tg_before,
                targets=targets, lb=lb)
    if tg["port"] == port:
        plan.target_group_after = None
        if _hc_key(before_hc) != _hc_key(after_hc):
            plan.steps.append(Step("modify_target_group",
                                   do=Call(elbv2.modify_health_check, {"arn": tg["arn"], "health_check": after_hc}),
                                   undo=[Call(elbv2.modify_health_check, {"arn": tg["arn"],
                                                                          "health_check": before_hc})],
                                   subject={"target_group": tg_before, "health_check": after_hc}))
        return plan
    existing = elbv2.find_target_group(aws, new_name)
    if existing and (existing["Port"] != port or existing["Protocol"] != tg["protocol"]
                     or existing.get("VpcId") != tg["vpc_id"]):
        raise UsageError(f"target group {new_name} exists with other settings "
                         f"({existing['Protocol']}:{existing['Port']} in {existing.get('VpcId')})",
                         "delete or rename it, then retry")
    tga = {"name": new_name, "arn": existing["TargetGroupArn"] if existing else None, "port": port,
           "protocol": tg["protocol"], "vpc_id": tg["vpc_id"], "target_type": tg["target_type"]}
    plan.target_group_after = tga
    if existing:
        arn: Any = existing["TargetGroupArn"]
        plan.steps.append(Step("modify_target_group",
                               do=Call(elbv2.modify_health_check, {"arn": arn, "health_check": after_hc}),
                               subject={"target_group": tga, "reuse": True, "health_check": after_hc}))
    else:
        arn = Ref("create_target_group")
        plan.steps.append(Step("create_target_group",
                               do=Call(elbv2.create_target_group, {"spec": tga, "health_check": after_hc}),
                               undo=[Call(elbv2.delete_target_group, {"arn": arn})],
                               subject={"target_group": tga}))
    if targets:
        plan.steps.append(Step("register_targets",
                               do=Call(elbv2.register_targets, {"arn": arn, "targets": [{"id": t} for t in targets]}),
                               subject={"target_group": tga, "targets": targets}))
        plan.steps.append(Step("wait_targets", subject={"target_group": tga, "arn": arn}))
    plan.steps.append(Step("modify_listener",
                           do=Call(elbv2.forward_listener, {"listener_arn": listener["arn"], "target_group_arn": arn}),
                           undo=[Call(elbv2.set_listener_actions, {"listener_arn": listener["arn"],
                                                                   "actions": listener["default_actions"]})],
                           subject={"listener": listener, "target_group": tga}))
    if not targets:
        plan.notices.append(Notice("empty_target_group", {"target_group": tg_before}))
    return plan
