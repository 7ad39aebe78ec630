"""How load balancers and retargets look: listener and health-check text, the plan (changes,
steps with their AWS call and undo), progress lines, notices, and the flag words of errors.

avictl/ops/retarget returns plain data and typed results; only this module words them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ... import errors

# the option of `elb retarget` / `deploy` for each setting named by ops.retarget.SettingError
FLAGS = {"port": "--port", "listener_port": "--listener-port", "interval": "--interval",
         "timeout": "--health-timeout", "healthy_threshold": "--healthy-threshold",
         "unhealthy_threshold": "--unhealthy-threshold", "health_protocol": "--health-protocol",
         "health_path": "--health-path"}


def listener_text(listener: dict[str, Any]) -> str:
    """`80/HTTP → 10001/HTTP` (`80/HTTP → 80,10001/HTTP` while an ALB/NLB's targets are on both)."""
    ports = listener.get("instance_ports") or []
    port = ",".join(str(p) for p in ports) if len(ports) > 1 else listener.get("instance_port")
    if port is None:
        return f"{listener['port']}/{listener['protocol']} → ?"
    return f"{listener['port']}/{listener['protocol']} → {port}/{listener['instance_protocol']}"


def health_text(hc: dict[str, Any] | None) -> str:
    if not hc:
        return "none"
    return (f"{hc.get('target')} (every {hc.get('interval')}s, timeout {hc.get('timeout')}s, "
            f"healthy {hc.get('healthy_threshold')}, unhealthy {hc.get('unhealthy_threshold')})")


def rule_text(rule: Any) -> str:
    """`sg-1 (public-agents): allow tcp 10001 from sg-2` (an ops SgRule or its dict)."""
    r = rule.to_dict() if hasattr(rule, "to_dict") else rule
    src = r.get("source_group_id") or f"{r.get('source_owner')}/{r.get('source_group_name')}"
    name = f" ({r['group_name']})" if r.get("group_name") else ""
    return f"{r['group_id']}{name}: allow tcp {r['port']} from {src}"


def _group_text(tg: dict[str, Any] | None) -> str:
    tg = tg or {}
    return f"{tg.get('name')} ({tg.get('protocol')}:{tg.get('port')})"


# -- the plan -------------------------------------------------------------------------------------


def plan_rows(plan: Any) -> list[tuple[str, str, str]]:
    """(what, before, after) rows of the printed plan."""
    rows = [("listener", listener_text(plan.listener_before), listener_text(plan.listener_after))]
    if plan.target_group_after is not None:
        new = "" if plan.target_group_after.get("arn") else " (new)"
        rows.append(("target group", _group_text(plan.target_group_before),
                     _group_text(plan.target_group_after) + new))
    if plan.type != "classic" and plan.target_group_before:
        tg = plan.target_group_before
        rows.append(("targets", f"{tg['name']}: {_targets_text(plan.listener_before, len(plan.targets))}",
                     f"{tg['name']}: {_targets_text(plan.listener_after, len(plan.targets))}"))
    rows.append(("health check", health_text(plan.health_before), health_text(plan.health_after)))
    for step in plan.steps:
        if step.name in ("set_backend_policies", "clear_backend_policies"):
            s = step.subject
            before = (plan.lb.get("backend_policies") or {}).get(s["instance_port"]) or []
            rows.append((f"backend policies of port {s['instance_port']}", ", ".join(before) or "none",
                         ", ".join(s["policy_names"]) or "none"))
    for rule in plan.missing_rules:
        after = "add the rule" if plan.fix_security_group else "unchanged (use --fix-security-group)"
        rows.append(("security group", f"missing: {rule_text(rule)}", after))
    for step in plan.steps:
        if step.name == "revoke_ingress":
            rows.append(("security group", f"added by avictl: {rule_text(step.subject['rule'])}",
                         f"remove it (nothing uses port {step.subject['rule']['port']} now)"))
    return rows


def _targets_text(listener: dict[str, Any], count: int) -> str:
    ports = listener.get("instance_ports") or [listener.get("instance_port")]
    return f"{count} instance(s) on port {', '.join(str(p) for p in ports)}"


def step_rows(plan: Any) -> list[dict[str, str]]:
    """One row per step: what it does, the AWS call, and the calls that undo it."""
    return [{"step": step_title(step) + (" (after the change)" if step.cleanup else ""), "call": call_text(step.do) if step.do else "(read only)",
             "undo": "; ".join(call_text(c) for c in step.undo) or "-"} for step in plan.steps]


def plan_data(plan: Any) -> dict[str, Any]:
    """The plan as `-o json` shows it."""
    return {
        "load_balancer": plan.name, "type": plan.type, "port": plan.instance_port,
        "instance_port": plan.instance_port, "listener_port": plan.listener_port,
        "no_change": plan.no_change, "steps": plan.step_names,
        "actions": [s.to_dict() for s in plan.steps],
        "before": {"listener": listener_text(plan.listener_before), "health_check": plan.health_before,
                   "target_group": plan.target_group_before},
        "after": {"listener": listener_text(plan.listener_after), "health_check": plan.health_after,
                  "target_group": plan.target_group_after},
        "security_group": {"missing": [{**r.to_dict(), "rule": rule_text(r)} for r in plan.missing_rules],
                           "fix": plan.fix_security_group, "note": next(
                               (notice_text(n)[1] for n in plan.notices
                                if n.kind in ("no_security_group", "no_instances")), None)},
        "warnings": [notice_text(n)[1] for n in plan.notices if notice_text(n)[0] == "warning"],
    }


def notice_text(notice: Any) -> tuple[str, str]:
    """("warning" | "note", text) for one of a plan's notices."""
    s = notice.subject
    if notice.kind == "missing_rule":
        return "warning", (f"the instances' security group does not admit the load balancer on port "
                           f"{s['rule']['port']}: missing rule {rule_text(s['rule'])}"
                           + (" (will be added)" if s.get("fix") else " (add it with --fix-security-group)"))
    if notice.kind == "no_security_group":
        return "note", (f"{s['load_balancer']} has no security group: make sure the targets admit the clients on "
                        f"port {s['port']}")
    if notice.kind == "no_instances":
        return "note", "no registered instances to check"
    if notice.kind == "empty_target_group":
        return "warning", f"target group {s['target_group']['name']} has no targets: the new group will be empty"
    return "note", notice.kind.replace("_", " ")


def step_title(step: Any) -> str:
    """The progress line of a step, e.g. `delete listener 80/HTTP → 80/HTTP`."""
    s, name = step.subject, step.name
    if name == "authorize_ingress":
        return f"add security group rule {rule_text(s['rule'])}"
    if name == "configure_health_check":
        return f"configure health check {s['health_check']['target']}"
    if name == "delete_listener":
        return f"delete listener {listener_text(s['listener'])}"
    if name == "create_listener":
        return f"create listener {listener_text(s['listener'])}"
    if name == "set_listener_policies":
        return f"set policies {', '.join(s['policy_names'])}"
    if name == "create_target_group":
        return f"create target group {_group_text(s['target_group'])}"
    if name == "modify_target_group":
        if s.get("reuse"):
            return f"reuse target group {s['target_group']['name']}; set its health check"
        return f"modify health check of {s['target_group']['name']}"
    if name == "register_targets":
        return f"register {len(s['targets'])} target(s) in {s['target_group']['name']}{_ports(s['targets'])}"
    if name == "deregister_targets":
        return f"deregister {len(s['targets'])} target(s) from {s['target_group']['name']}{_ports(s['targets'])}"
    if name == "wait_targets":
        port = f" on port {s['port']}" if s.get("port") else ""
        return f"wait until a target of {s['target_group']['name']}{port} is healthy"
    if name in ("set_backend_policies", "clear_backend_policies"):
        return (f"set backend policies of port {s['instance_port']}: {', '.join(s['policy_names'])}"
                if name == "set_backend_policies" else
                f"remove backend policies of port {s['instance_port']} ({', '.join(s['policy_names'])})")
    if name == "revoke_ingress":
        return f"remove security group rule {rule_text(s['rule'])}"
    if name == "modify_listener":
        lst = s["listener"]
        return f"point listener {lst['port']}/{lst['protocol']} at {s['target_group']['name']}"
    return name.replace("_", " ")


def _ports(targets: list[dict[str, Any]]) -> str:
    ports = sorted({t["port"] for t in targets if t.get("port")})
    return f" on port {', '.join(str(p) for p in ports)}" if ports else ""


def call_text(call: Any) -> str:
    """`elb:DeleteLoadBalancerListeners 80` — the AWS operation and what it names."""
    a, fn = call.args, call.fn.__name__
    detail = ""
    if fn == "configure_health_check":
        detail = a["health_check"]["target"]
    elif fn == "delete_listener":
        detail = str(a["port"])
    elif fn == "create_listener":
        detail = listener_text(a["listener"])
    elif fn in ("set_listener_policies", "set_backend_policies"):
        detail = f"{a.get('port') or a.get('instance_port')}: {', '.join(a['policy_names']) or '(none)'}"
    elif fn in ("authorize_ingress", "revoke_ingress"):
        r = a["rule"]
        detail = f"{a['group_id']} tcp {r['port']} from {r.get('source_group_id') or r.get('source_group_name')}"
    elif fn == "create_target_group":
        detail = _group_text(a["spec"])
    elif fn in ("delete_target_group", "modify_health_check"):
        detail = _arn_name(a["arn"]) + (f" {a['health_check']['target']}" if "health_check" in a else "")
    elif fn in ("register_targets", "deregister_targets"):
        ports = sorted({str(t.get("port")) for t in a["targets"] if t.get("port")})
        detail = f"{_arn_name(a['arn'])} {len(a['targets'])} target(s)" + (f" :{','.join(ports)}" if ports else "")
    elif fn == "forward_listener":
        detail = f"forward to {_arn_name(a['target_group_arn'])}"
    elif fn == "set_listener_actions":
        detail = "the listener's actions as before"
    return f"{call.api} {detail}".strip()


def _arn_name(arn: Any) -> str:
    """A target group's name from its ARN (`…:targetgroup/NAME/ID`), or the step that makes it."""
    if isinstance(arn, dict):
        return "(the new group)"
    parts = str(arn).split("/")
    return parts[-2] if len(parts) >= 3 else str(arn)


# -- progress -------------------------------------------------------------------------------------


def event_text(event: Any) -> str | None:
    """The progress line of an apply event (ops.retarget.Event)."""
    if event.kind == "step":
        return step_title(event.step)
    if event.kind == "undo":
        return f"rollback: undo {step_title(event.step)}"
    if event.kind == "restore":
        return f"create failed ({event.error}): re-creating {listener_text(event.step.subject['listener'])}"
    if event.kind == "signal":
        return ("interrupt received: finishing the listener change first" if event.critical
                else "interrupt received: undoing the change so far")
    if event.kind == "completed":
        return "interrupted: the change was completed"
    if event.kind == "health":
        return f"{event.healthy}/{event.total} healthy"
    if event.kind == "cleanup_failed":
        return f"could not {step_title(event.step)} ({event.error}); the change itself is done"
    return None


# -- errors ---------------------------------------------------------------------------------------


@contextmanager
def flag_words(flags: dict[str, str] | None = None) -> Iterator[None]:
    """Add the CLI's option names to the retarget's setting errors and listener lookups."""
    from ...ops.retarget import NoSuchListener, SettingError

    names = flags or FLAGS
    try:
        yield
    except SettingError as exc:
        opts = [names[s] for s in exc.settings if s in names]
        hint = exc.hint or (f"fix {' or '.join(opts)}" if len(opts) <= 2 else f"set {', '.join(opts)} explicitly")
        raise errors.UsageError(exc.message, hint) from None
    except NoSuchListener as exc:
        have = ", ".join(listener_text(ls) for ls in exc.listeners) or "none"
        raise errors.NotFound(f"{exc.message} (listeners: {have})",
                              f"choose one with {names.get('listener_port', '--listener-port')}") from None


def apps_text(users: list[Any]) -> str:
    """`/other (VS other)` for the apps served on a port (ops.app_index.PortUser), joined by `and`."""
    return " and ".join(f"{u.app_id} (VS {u.vs})" if u.vs else u.app_id for u in users)


def move_text(move: Any) -> str:
    """The warning for an ops.app_index.TrafficMove: what the listener serves now, and after."""
    ports = ",".join(str(p) for p in move.from_ports)
    served = apps_text(move.apps)
    where = f"port {move.to_port}" if move.to_port is not None else "the service port"
    after = f"{where} of {move.to_app}" if move.to_app else f"port {move.to_port}"
    return (f"{move.elb} now forwards :{move.listener_port} to port {ports}, which serves {served}; after this "
            f"it forwards to {after}, and {served} gets no traffic through {move.elb}")



def east_west_text(exposure: Any) -> str:
    """The warning for an ops.ports.EastWestExposure: an internet-facing load balancer, an internal VS."""
    return (f"the virtual service {exposure.vs or '?'} of {exposure.app_id} is east-west (internal: the app has no "
            f"FE-Proxy label), and {exposure.elb} is {exposure.scheme}: this exposes an internal service; label "
            f"the app FE-Proxy: yes for a north-south virtual service")
