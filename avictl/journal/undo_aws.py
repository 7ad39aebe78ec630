"""The inverses of AWS changes: load balancers back through ops.retarget, rules revoked, groups deleted.

A load balancer's listener and health-check entries of one group become one step: a
retarget to the port and health check the entries recorded as `before`, planned and
applied by ops.retarget exactly as `elb retarget` does (delete-then-create with its
rollback for a classic ELB; a target group that is healthy before the listener moves for
ALB/NLB). A security-group rule the change added is revoked; a target group it created is
deleted once no listener uses it.
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
    """A listener or a classic ELB's health check: undone together, by a retarget."""
    return bool(re.fullmatch(r"elb \S+ (listener \d+|health-check)", entry.object)
                or re.fullmatch(r"elbv2 \S+ listener \d+", entry.object))


def _split_target(target: str | None) -> tuple[str | None, int | None, str | None]:
    m = re.match(r"^([A-Za-z]+):(\d+)(/.*)?$", target or "")
    if not m:
        return None, None, None
    return m.group(1).upper(), int(m.group(2)), m.group(3)


def retarget_step(name: str, entries: list[Entry], clients: Clients) -> Step:
    from ..aws.client import listener_text
    from ..ops import retarget

    aws = clients.aws
    listener_entry = next((e for e in entries if " listener " in e.object), None)
    health_entry = next((e for e in entries if e.object.endswith("health-check")), None)
    step = Step(sorted(entries, key=lambda e: e.time), "aws", f"elb {name}", "")
    try:
        lb = aws.load_balancer(name, health=False)
    except errors.NotFound:
        step.what = f"retarget {name} back"
        step.drift = [{"field": "(load balancer)", "journal": "exists", "now": "absent"}]
        step.note = "deleted since"
        return step
    lport = int((listener_entry.target or {}).get("listener_port") or listener_entry.object.split()[-1]) \
        if listener_entry else None
    if lport is None:  # only the health check changed: the listener that forwards to its port
        _, hc_port, _ = _split_target(((health_entry.after or {}) if health_entry else {}).get("target"))
        lport = next((ls["port"] for ls in lb["listeners"] if ls.get("instance_port") == hc_port),
                     lb["listeners"][0]["port"] if lb["listeners"] else 80)
    listener = next((ls for ls in lb["listeners"] if ls["port"] == lport), None)
    if listener is None:
        step.what = f"retarget {name} listener {lport} back"
        step.drift = [{"field": f"listener {lport}", "journal": "exists", "now": "absent"}]
        step.note = "listener deleted since"
        return step

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
            want = ((after.get("target_group") or {}).get("arn"))
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
            port = ((before.get("target_group") or {}).get("port"))
    else:
        port = listener.get("instance_port")
    health_before = (health_entry.before if health_entry else None) or {}
    if lb["type"] != "classic" and listener_entry is not None:
        health_before = _v2_group_health(aws, (listener_entry.before or {}).get("target_group") or {}) \
            or health_before
    protocol, _, path = _split_target(health_before.get("target") or health_now.get("target"))
    values = {k: health_before.get(k) for k in ("interval", "timeout", "healthy_threshold", "unhealthy_threshold")}
    if port is None:
        step.what = f"retarget {name} listener {lport} back"
        step.note = "the journal does not say the port before"
        return step
    target_text = f"{protocol or 'HTTP'}:{port}{path or '/' if (protocol or 'HTTP') in ('HTTP', 'HTTPS') else ''}"
    step.what = (f"retarget {name} listener {lport} back to instance port {port} (now "
                 f"{listener_text(listener)}), health check {target_text}")
    if listener.get("instance_port") == port and (health_now.get("target") == target_text
                                                  or not health_entry):
        if not step.drift:
            step.note = "already as before"
            return step

    def run() -> Any:
        plan = retarget.plan_retarget(aws, name, int(port), listener_port=lport, health_path=path,
                                      health_protocol=protocol, **{k: v for k, v in {
                                          "interval": values["interval"], "timeout": values["timeout"],
                                          "healthy_threshold": values["healthy_threshold"],
                                          "unhealthy_threshold": values["unhealthy_threshold"]}.items()})
        return retarget.apply_plan(aws, plan)

    step.run = run
    return step


def _v2_group_health(aws: Any, tg: dict[str, Any]) -> dict[str, Any] | None:
    from ..aws.client import v2_health_check

    arn = tg.get("arn")
    if not arn:
        return None
    try:
        groups = aws.call("elbv2", "describe_target_groups", TargetGroupArns=[arn]).get("TargetGroups", [])
    except errors.NotFound:
        return None
    return v2_health_check(groups[0]) if groups else None


def other_step(entry: Entry, entries: list[Entry], clients: Clients) -> Step:
    obj = entry.object
    m = re.fullmatch(r"ec2 security-group (\S+) ingress (\d+)", obj)
    if m and entry.action == "authorize ingress":
        return _revoke_step(entry, m.group(1), clients)
    m = re.fullmatch(r"elbv2 target-group (\S+)", obj)
    if m and entry.action == "create target group":
        return _delete_group_step(entry, clients)
    m = re.fullmatch(r"elbv2 target-group (\S+) (targets|health-check)", obj)
    if m:
        created = any(e.object == f"elbv2 target-group {m.group(1)}" and e.action == "create target group"
                      for e in entries)
        if created:
            return Step([entry], "aws", obj, f"{entry.action}: goes with the target group", note="deleted with it")
        if m.group(2) == "health-check" and isinstance(entry.before, dict):
            return _group_health_step(entry, clients)
    return Step([entry], "aws", obj, f"{entry.action}: no inverse", note="avictl cannot undo this change")


def _revoke_step(entry: Entry, group_id: str, clients: Clients) -> Step:
    aws = clients.aws
    perm = (entry.after or {}).get("permission") or {}
    step = Step([entry], "aws", entry.object, f"revoke {(entry.after or {}).get('rule') or entry.object}")
    try:
        groups = aws.security_groups([group_id])
    except errors.NotFound:
        groups = []
    present = any(_same_permission(p, perm) for g in groups for p in g.get("IpPermissions", []))
    if not present:
        step.drift = [{"field": "rule", "journal": "present", "now": "absent"}]
        step.note = "already absent"
        return step

    def run() -> Any:
        with aws.change(entry.object, "revoke ingress", before=entry.after, after=None,
                        target={"group_id": group_id}):
            return aws.call("ec2", "revoke_security_group_ingress", GroupId=group_id, IpPermissions=[perm])

    step.run = run
    return step


def _same_permission(have: dict[str, Any], want: dict[str, Any]) -> bool:
    if str(have.get("IpProtocol")) != str(want.get("IpProtocol")):
        return False
    if have.get("FromPort") != want.get("FromPort") or have.get("ToPort") != want.get("ToPort"):
        return False
    wanted = {(p.get("GroupId"), p.get("GroupName")) for p in want.get("UserIdGroupPairs", [])}
    present = {(p.get("GroupId"), p.get("GroupName") if not p.get("GroupId") else None)
               for p in have.get("UserIdGroupPairs", [])}
    present |= {(p.get("GroupId"), None) for p in have.get("UserIdGroupPairs", [])}
    return wanted <= present


def _delete_group_step(entry: Entry, clients: Clients) -> Step:
    aws = clients.aws
    after = entry.after or {}
    arn = after.get("arn") or (entry.target or {}).get("target_group_arn")
    step = Step([entry], "aws", entry.object, f"delete target group {after.get('name')} once no listener uses it")
    if not arn:
        step.note = "the journal has no ARN for it"
        return step
    try:
        aws.call("elbv2", "describe_target_groups", TargetGroupArns=[arn])
    except errors.NotFound:
        step.drift = [{"field": "target group", "journal": "exists", "now": "absent"}]
        step.note = "already deleted"
        return step

    def run() -> Any:
        groups = aws.call("elbv2", "describe_target_groups", TargetGroupArns=[arn]).get("TargetGroups", [])
        if groups and groups[0].get("LoadBalancerArns"):
            for lb_arn in groups[0]["LoadBalancerArns"]:
                for ls in aws.call("elbv2", "describe_listeners", LoadBalancerArn=lb_arn).get("Listeners", []):
                    from ..aws.client import forward_target_groups

                    if arn in forward_target_groups(ls.get("DefaultActions", [])):
                        raise errors.Conflict(f"target group {after.get('name')} is still used by listener "
                                              f"{ls.get('Port')}; not deleted")
        with aws.change(entry.object, "delete target group", before=after, after=None,
                        target={"target_group_arn": arn, "load_balancer": (entry.target or {}).get("load_balancer")}):
            return aws.call("elbv2", "delete_target_group", TargetGroupArn=arn)

    step.run = run
    return step


def _group_health_step(entry: Entry, clients: Clients) -> Step:
    from ..ops.retarget import _v2_hc

    aws = clients.aws
    arn = (entry.target or {}).get("target_group_arn")
    before, after = entry.before or {}, entry.after or {}
    step = Step([entry], "aws", entry.object, f"health check of {entry.object.split()[2]} back to "
                f"{before.get('target')}")
    health = _v2_group_health(aws, {"arn": arn}) if arn else None
    if health is None:
        step.drift = [{"field": "target group", "journal": "exists", "now": "absent"}]
        step.note = "deleted since"
        return step
    step.drift = drift({k: after.get(k) for k in HEALTH_FIELDS if k in after},
                       {k: health.get(k) for k in HEALTH_FIELDS}, "health_check")

    def run() -> Any:
        with aws.change(entry.object, "modify health check", before=after, after=before,
                        target=entry.target):
            return aws.call("elbv2", "modify_target_group", TargetGroupArn=arn, **_v2_hc(before))

    step.run = run
    return step
