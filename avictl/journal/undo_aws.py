"""The inverses of AWS changes: load balancers back through ops.retarget, rules revoked, groups deleted.

A load balancer's listener and health-check entries of one group become one step: a
retarget to the port and health check the entries recorded as `before`, planned and
applied by ops.retarget exactly as `elb retarget` does (delete-then-create with its
rollback for a classic ELB; a target group that is healthy before the listener moves for
ALB/NLB). A security-group rule the change added is revoked; a target group it created is
deleted once no listener uses it. Every AWS call is a function of avictl/aws/.
"""

from __future__ import annotations

import re
from typing import Any

from .. import errors
from . import Entry
from .undo import Clients, Step, drift

LISTENER_FIELDS = ("protocol", "instance_port", "instance_protocol", "ssl_certificate_id")
HEALTH_FIELDS = ("target", "interval", "timeout", "healthy_threshold", "unhealthy_threshold")


def load_balancer_of(entry: Entry) -> str | None:
    return (entry.target or {}).get("load_balancer") if isinstance(entry.target, dict) else None


def is_listener_change(entry: Entry) -> bool:
    """A change a retarget made to a load balancer (listener, health check, targets, backend
    policies): those of one load balancer are undone together, by a retarget back."""
    if re.fullmatch(r"elb \S+ (listener \d+|health-check|backend-policies \d+)", entry.object) \
            or re.fullmatch(r"elbv2 \S+ listener \d+", entry.object):
        return True
    return bool(re.fullmatch(r"elbv2 target-group \S+ (targets|health-check)", entry.object)
                and isinstance(entry.before, dict) and "instance_port" in entry.before)


def _split_target(target: str | None) -> tuple[str | None, int | None, str | None]:
    m = re.match(r"^([A-Za-z]+):(\d+)(/.*)?$", target or "")
    if not m:
        return None, None, None
    return m.group(1).upper(), int(m.group(2)), m.group(3)


def retarget_step(name: str, entries: list[Entry], clients: Clients) -> Step:
    from ..ops import retarget

    aws = clients.aws
    listener_entry = next((e for e in entries if " listener " in e.object), None)
    health_entry = next((e for e in entries if e.object.endswith("health-check")), None)
    port_entry = next((e for e in sorted(entries, key=lambda e: e.time)
                       if isinstance(e.before, dict) and e.before.get("instance_port") is not None), None)
    step = Step(sorted(entries, key=lambda e: e.time), "aws", f"elb {name}", kind="retarget",
                detail={"load_balancer": name})
    try:
        lb = aws.load_balancer(name, health=False)
    except errors.NotFound:
        step.drift = [{"field": "(load balancer)", "journal": "exists", "now": "absent"}]
        step.reason = "deleted_since"
        return step
    lport = None
    recorded = next((e.target.get("listener_port") for e in entries
                     if isinstance(e.target, dict) and e.target.get("listener_port")), None)
    if listener_entry is not None:
        lport = int((listener_entry.target or {}).get("listener_port") or listener_entry.object.split()[-1])
    elif recorded:
        lport = int(recorded)
    else:  # only the health check changed: the listener that forwards to its port
        _, hc_port, _ = _split_target(((health_entry.after or {}) if health_entry else {}).get("target"))
        lport = next((ls["port"] for ls in lb["listeners"] if ls.get("instance_port") == hc_port),
                     lb["listeners"][0]["port"] if lb["listeners"] else 80)
    step.detail["listener_port"] = lport
    listener = next((ls for ls in lb["listeners"] if ls["port"] == lport), None)
    if listener is None:
        step.drift = [{"field": f"listener {lport}", "journal": "exists", "now": "absent"}]
        step.reason = "deleted_since"
        return step
    step.detail["listener_now"] = {k: listener.get(k) for k in ("port", "protocol", "instance_port",
                                                               "instance_protocol")}
    health_now = lb.get("health_check") or {}
    if lb["type"] != "classic":
        tg_now = next((t for t in lb["target_groups"] if t["arn"] in (listener.get("target_group_arns") or [])),
                      None)
        health_now = (tg_now or {}).get("health_check") or {}

    # drift: is the listener (and health check) still what the change left?
    if listener_entry is not None:
        after = listener_entry.after or {}
        if lb["type"] == "classic":
            step.drift += drift({k: after.get(k) for k in LISTENER_FIELDS if k in after},
                                {k: listener.get(k) for k in LISTENER_FIELDS}, "listener")
        else:
            want = (after.get("target_group") or {}).get("arn")
            if want and listener.get("target_group_arns") != [want]:
                step.drift.append({"field": "listener.target_group", "journal": want,
                                   "now": listener.get("target_group_arns")})
    if health_entry is not None and lb["type"] == "classic":
        after = health_entry.after or {}
        step.drift += drift({k: after.get(k) for k in HEALTH_FIELDS if k in after},
                            {k: health_now.get(k) for k in HEALTH_FIELDS}, "health_check")

    # where to go back to
    if listener_entry is not None:
        before = listener_entry.before or {}
        port = before.get("instance_port")
        if port is None:
            port = (before.get("target_group") or {}).get("port")
    elif port_entry is not None:
        port = port_entry.before["instance_port"]
        after_port = (port_entry.after or {}).get("instance_port")
        if after_port is not None and listener.get("instance_port") not in (after_port, None):
            step.drift.append({"field": "listener.instance_port", "journal": after_port,
                               "now": listener.get("instance_port")})
    else:
        port = listener.get("instance_port")
    health_before = (health_entry.before if health_entry else None) or {}
    if lb["type"] != "classic" and listener_entry is not None:
        health_before = _group_health(aws, (listener_entry.before or {}).get("target_group") or {}) \
            or health_before
    health_before = {k: v for k, v in health_before.items() if k != "instance_port"}
    protocol, _, path = _split_target(health_before.get("target") or health_now.get("target"))
    values = {k: health_before.get(k) for k in ("interval", "timeout", "healthy_threshold", "unhealthy_threshold")}
    if port is None:
        step.reason = "no_copy_before"
        return step
    protocol = protocol or "HTTP"
    health_text = f"{protocol}:{port}" + ((path or "/") if protocol in ("HTTP", "HTTPS") else "")
    step.detail.update(instance_port=port, health_check=health_text)
    if listener.get("instance_port") == port and (health_now.get("target") == health_text or not health_entry) \
            and not step.drift:
        step.reason = "already_as_before"
        return step

    def run() -> Any:
        plan = retarget.plan_retarget(aws, name, int(port), listener_port=lport, health_path=path,
                                      health_protocol=protocol, interval=values["interval"],
                                      timeout=values["timeout"], healthy_threshold=values["healthy_threshold"],
                                      unhealthy_threshold=values["unhealthy_threshold"])
        return retarget.apply_plan(aws, plan, wait_timeout=clients.wait_timeout)

    step.run = run
    return step


def _group_health(aws: Any, tg: dict[str, Any]) -> dict[str, Any] | None:
    """The current health check of the target group `tg` ({name, arn}), or None when it is gone."""
    from ..aws import elbv2

    found = elbv2.find_target_group(aws, tg["name"]) if tg.get("name") else None
    if not found or (tg.get("arn") and found.get("TargetGroupArn") != tg["arn"]):
        return None
    return elbv2.health_check_view(found)


def other_step(entry: Entry, entries: list[Entry], clients: Clients) -> Step:
    obj = entry.object
    m = re.fullmatch(r"ec2 security-group (\S+) ingress (\d+)", obj)
    if m and entry.action == "authorize ingress":
        return _revoke_step(entry, m.group(1), clients)
    m = re.fullmatch(r"elbv2 target-group (\S+)", obj)
    if m and entry.action == "create target group":
        return _delete_group_step(entry, m.group(1), clients)
    m = re.fullmatch(r"elbv2 target-group (\S+) (targets|health-check)", obj)
    if m:
        created = any(e.object == f"elbv2 target-group {m.group(1)}" and e.action == "create target group"
                      for e in entries)
        if created:
            return Step([entry], "aws", obj, detail={"action": entry.action}, reason="goes_with_target_group")
        if m.group(2) == "health-check" and isinstance(entry.before, dict):
            return _group_health_step(entry, m.group(1), clients)
    return Step([entry], "aws", obj, detail={"action": entry.action}, reason="no_inverse")


def _revoke_step(entry: Entry, group_id: str, clients: Clients) -> Step:
    from ..aws import ec2

    aws = clients.aws
    after = entry.after or {}
    rule = after.get("ingress") or {}
    step = Step([entry], "aws", entry.object, kind="revoke_rule",
                detail={"group_id": group_id, "rule": after.get("rule") or {}})
    try:
        groups = aws.security_groups([group_id])
    except errors.NotFound:
        groups = []
    if not any(_has_rule(p, rule) for g in groups for p in g.get("IpPermissions", [])):
        step.drift = [{"field": "rule", "journal": "present", "now": "absent"}]
        step.reason = "already_absent"
        return step

    def run() -> Any:
        # A retarget back (an earlier step) removes the rules avictl added that nothing uses any more.
        now = aws.security_groups([group_id])
        if not any(_has_rule(p, rule) for g in now for p in g.get("IpPermissions", [])):
            return None
        with aws.change(entry.object, "revoke ingress", before=after, after=None, target={"group_id": group_id}):
            return ec2.revoke_ingress(aws, group_id=group_id, rule=rule)

    step.run = run
    return step


def _has_rule(have: dict[str, Any], rule: dict[str, Any]) -> bool:
    if str(have.get("IpProtocol")) not in ("tcp", "6"):
        return False
    if have.get("FromPort") != rule.get("port") or have.get("ToPort") != rule.get("port"):
        return False
    for pair in have.get("UserIdGroupPairs", []):
        if rule.get("source_group_id") and pair.get("GroupId") == rule["source_group_id"]:
            return True
        if rule.get("source_group_name") and pair.get("GroupName") == rule["source_group_name"]:
            return True
    return False


def _delete_group_step(entry: Entry, name: str, clients: Clients) -> Step:
    from ..aws import elbv2

    aws = clients.aws
    after = entry.after or {}
    arn = after.get("arn") or (entry.target or {}).get("target_group_arn")
    step = Step([entry], "aws", entry.object, kind="delete_target_group", detail={"target_group": name})
    found = elbv2.find_target_group(aws, name)
    if not found or (arn and found.get("TargetGroupArn") != arn):
        step.drift = [{"field": "target group", "journal": "exists", "now": "absent"}]
        step.reason = "already_absent"
        return step
    arn = found["TargetGroupArn"]
    lb_name = (entry.target or {}).get("load_balancer")

    def run() -> Any:
        if lb_name:  # deleted once unused: no listener of its load balancer forwards to it any more
            lb = aws.load_balancer(lb_name, health=False)
            users = [ls["port"] for ls in lb["listeners"] if arn in (ls.get("target_group_arns") or [])]
            if users:
                raise errors.Conflict(f"target group {name} is still used by listener "
                                      f"{', '.join(map(str, users))} of {lb_name}; not deleted")
        with aws.change(entry.object, "delete target group", before=after, after=None,
                        target={"target_group_arn": arn, "load_balancer": lb_name}):
            return elbv2.delete_target_group(aws, arn=arn)

    step.run = run
    return step


def _group_health_step(entry: Entry, name: str, clients: Clients) -> Step:
    from ..aws import elbv2

    aws = clients.aws
    arn = (entry.target or {}).get("target_group_arn")
    before, after = entry.before or {}, entry.after or {}
    step = Step([entry], "aws", entry.object, kind="restore_health_check",
                detail={"target_group": name, "health_check": before.get("target")})
    health = _group_health(aws, {"name": name, "arn": arn})
    if health is None:
        step.drift = [{"field": "target group", "journal": "exists", "now": "absent"}]
        step.reason = "deleted_since"
        return step
    step.drift = drift({k: after.get(k) for k in HEALTH_FIELDS if k in after},
                       {k: health.get(k) for k in HEALTH_FIELDS}, "health_check")

    def run() -> Any:
        with aws.change(entry.object, "modify health check", before=after, after=before, target=entry.target):
            return elbv2.modify_health_check(aws, arn=arn, health_check=before)

    step.run = run
    return step
