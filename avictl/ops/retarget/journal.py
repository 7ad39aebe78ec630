"""What the journal records of a retarget step (SPEC.md §12): the object, the action, before and after.

One entry per changed object: a security-group rule (`ec2 security-group sg-… ingress 10000`),
a classic health check (`elb NAME health-check`), a classic listener (`elb NAME listener 80`:
the delete and the create of the window are one entry), a target group (`elbv2 target-group
NAME`, its `health-check`, its `targets`) and an ALB/NLB listener (`elbv2 NAME listener 80`).
The step's AWS calls and the calls that undo it are recorded with the entry (`target`).
"""

from __future__ import annotations

from typing import Any

from .model import Plan, Step

LISTENER_FIELDS = ("port", "protocol", "instance_port", "instance_protocol", "ssl_certificate_id", "policy_names")


def listener_record(listener: dict[str, Any] | None) -> dict[str, Any] | None:
    return {k: listener.get(k) for k in LISTENER_FIELDS} if listener else None


def describe(plan: Plan, step: Step) -> dict[str, Any]:
    """The journal entry of `step`: {obj, action, before, after, target}."""
    name = plan.name
    target: dict[str, Any] = {"load_balancer": name, "type": plan.type, "listener_port": plan.listener_port,
                              "calls": [step.do.to_dict()] if step.do else [],
                              "undo_calls": [c.to_dict() for c in step.undo]}
    subject = step.subject
    if step.name == "authorize_ingress":
        rule = subject.get("rule") or {}
        args = step.do.args if step.do else {}
        target.update(group_id=rule.get("group_id"))
        return {"obj": f"ec2 security-group {rule.get('group_id')} ingress {rule.get('port')}",
                "action": "authorize ingress", "before": None,
                "after": {"rule": rule, "ingress": args.get("rule")}, "target": target}
    if step.name == "configure_health_check":
        return {"obj": f"elb {name} health-check", "action": "configure health check",
                "before": plan.health_before, "after": plan.health_after, "target": target}
    if step.window == "open" or step.name in ("create_listener", "set_listener_policies"):
        return {"obj": f"elb {name} listener {plan.listener_port}", "action": "replace listener",
                "before": listener_record(plan.listener_before), "after": listener_record(plan.listener_after),
                "target": target}
    tg = subject.get("target_group") or {}
    if tg.get("arn") and isinstance(tg.get("arn"), str):
        target["target_group_arn"] = tg["arn"]
    if step.name == "create_target_group":
        return {"obj": f"elbv2 target-group {tg.get('name')}", "action": "create target group", "before": None,
                "after": {**tg, "health_check": plan.health_after}, "target": target}
    if step.name == "modify_target_group":
        before = None if subject.get("reuse") else plan.health_before
        return {"obj": f"elbv2 target-group {tg.get('name')} health-check", "action": "modify health check",
                "before": {**(before or {}), "instance_port": plan.listener_before.get("instance_port")},
                "after": {**plan.health_after, "instance_port": plan.instance_port}, "target": target}
    if step.name == "register_targets":
        return {"obj": f"elbv2 target-group {tg.get('name')} targets", "action": "register targets",
                "before": None, "after": {"targets": subject.get("targets")}, "target": target}
    if step.name == "modify_listener":
        listener = subject.get("listener") or {}
        target["listener_arn"] = listener.get("arn")
        return {"obj": f"elbv2 {name} listener {plan.listener_port}", "action": "modify listener",
                "before": {"target_group": plan.target_group_before,
                           "instance_port": plan.listener_before.get("instance_port"),
                           "default_actions": listener.get("default_actions")},
                "after": {"target_group": {k: tg.get(k) for k in ("name", "arn", "port", "protocol")},
                          "instance_port": plan.instance_port},
                "target": target}
    ports = {"before": {"instance_port": plan.listener_before.get("instance_port")},
             "after": {"instance_port": plan.instance_port}}
    if step.name in ("register_targets", "deregister_targets"):
        return {"obj": f"elbv2 target-group {tg.get('name')} targets", "action": step.name.replace("_", " "),
                "before": ports["before"], "after": {**ports["after"], "targets": subject.get("targets")},
                "target": target}
    if step.name in ("set_backend_policies", "clear_backend_policies"):
        return {"obj": f"elb {name} backend-policies {subject.get('instance_port')}",
                "action": step.name.replace("_", " "), "before": ports["before"],
                "after": {**ports["after"], "policy_names": subject.get("policy_names")}, "target": target}
    if step.name == "revoke_ingress":
        rule = subject.get("rule") or {}
        target.update(group_id=rule.get("group_id"))
        return {"obj": f"ec2 security-group {rule.get('group_id')} ingress {rule.get('port')}",
                "action": "revoke ingress", "before": {"rule": rule, "ingress": step.do.args.get("rule")},
                "after": None, "target": target}
    api = step.do.api if step.do else step.name
    return {"obj": f"{api.split(':')[0]} {name} {step.name.replace('_', '-')}", "action": step.name.replace("_", " "),
            "before": None, "after": {"subject": subject}, "target": target}
