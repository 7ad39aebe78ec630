"""The lab's CloudFormation at work: creating, rolling back and deleting a stack's resources.

Runs in a thread per operation. Resources are made wave by wave in dependency order (those
whose dependencies are all made start together, as the service starts independent
resources in parallel); each wave takes the front's `resource_seconds`. Event sequence per
resource, as the service writes it: CREATE_IN_PROGRESS (no reason), CREATE_IN_PROGRESS
"Resource creation Initiated" (with the physical id), CREATE_COMPLETE. The first failure is
CREATE_FAILED with the API's reason; the rest of its wave read "Resource creation
cancelled"; the stack then rolls back (or is deleted, or stays CREATE_FAILED: OnFailure).
"""

from __future__ import annotations

import time
from typing import Any

from . import cfn_template as tpl
from .cfn_resources import TYPES, Context, ResourceFailed

STACK_TYPE = "AWS::CloudFormation::Stack"


def _pseudo(front: Any, stack: Any) -> dict[str, str]:
    return {"AWS::Region": front.region, "AWS::StackName": stack.name, "AWS::StackId": stack.id,
            "AWS::AccountId": "123456789012", "AWS::Partition": "aws", "AWS::URLSuffix": "amazonaws.com",
            "AWS::NotificationARNs": ""}


def _azs(ctx: Context) -> list[str]:
    try:
        zones = ctx.call("ec2", "describe_availability_zones")["AvailabilityZones"]
        return sorted(z["ZoneName"] for z in zones)
    except ResourceFailed:
        return [f"{ctx.region}{z}" for z in "abc"]


def create(front: Any, stack: Any) -> None:
    template = stack.template
    ctx = Context(front.clients(), stack.name, front.region, front.addresses)
    refs: dict[str, str] = {}
    attrs: dict[str, dict[str, Any]] = {}
    azs = _azs(ctx)
    resolver = tpl.Resolver(template, stack.params, _pseudo(front, stack), refs, attrs, azs)
    resources = {k: r for k, r in template["Resources"].items()
                 if "Condition" not in r or resolver.conditions.get(r["Condition"], False)}
    deps = {k: v & set(resources) for k, v in tpl.dependencies(template).items() if k in resources}
    made: list[str] = []
    failed: list[str] = []
    remaining = list(resources)
    while remaining and not failed:
        wave = [k for k in remaining if deps[k] <= set(made)]
        if not wave:
            failed = remaining[:1]
            front._event(stack, remaining[0], resources[remaining[0]]["Type"], "CREATE_FAILED",
                         f"Circular dependency between resources: [{', '.join(remaining)}]")
            break
        for k in wave:
            front._event(stack, k, resources[k]["Type"], "CREATE_IN_PROGRESS")
        started = []
        for k in wave:
            rtype = resources[k]["Type"]
            try:
                props = resolver.value(resources[k].get("Properties") or {})
                maker = TYPES.get(rtype)
                if maker is None:
                    raise ResourceFailed(f"Resource type {rtype} is not available in the lab's CloudFormation")
                physical, values = maker[0](ctx, k, props)
            except (ResourceFailed, tpl.TemplateError) as exc:
                front._event(stack, k, rtype, "CREATE_FAILED", str(exc))
                failed.append(k)
                break
            except KeyError as exc:
                front._event(stack, k, rtype, "CREATE_FAILED", f"Property {exc.args[0]} cannot be empty.")
                failed.append(k)
                break
            refs[k], attrs[k] = physical, values
            made.append(k)
            started.append(k)
            front._event(stack, k, rtype, "CREATE_IN_PROGRESS", "Resource creation Initiated", physical=physical)
            stack.resources[k]["attrs"] = values
        if failed:
            for k in wave:
                if k not in failed:
                    front._event(stack, k, resources[k]["Type"], "CREATE_FAILED", "Resource creation cancelled",
                                 physical=refs.get(k))
                    failed.append(k)
            break
        time.sleep(front.resource_seconds)
        for k in started:
            front._event(stack, k, resources[k]["Type"], "CREATE_COMPLETE", physical=refs[k])
        remaining = [k for k in remaining if k not in wave]

    if not failed:
        try:
            stack.outputs = [{"OutputKey": key, "OutputValue": _text(resolver.value(out["Value"])),
                              "Description": out.get("Description"),
                              "ExportName": resolver.value((out.get("Export") or {}).get("Name"))}
                             for key, out in (template.get("Outputs") or {}).items()
                             if "Condition" not in out or resolver.conditions.get(out["Condition"], False)]
        except tpl.TemplateError as exc:
            front._event(stack, stack.name, STACK_TYPE, "CREATE_FAILED", str(exc), physical=stack.id)
            return
        front._event(stack, stack.name, STACK_TYPE, "CREATE_COMPLETE", physical=stack.id)
        return

    # As the service words it, a doubled period included (e.g. remind101/empire#594, doccano/doccano#400).
    reason = f"The following resource(s) failed to create: [{', '.join(failed)}]. "
    if stack.on_failure == "DO_NOTHING":
        front._event(stack, stack.name, STACK_TYPE, "CREATE_FAILED", reason, physical=stack.id)
        return
    if stack.on_failure == "DELETE":
        front._event(stack, stack.name, STACK_TYPE, "DELETE_IN_PROGRESS", reason + ". Delete requested by user.",
                     physical=stack.id)
        _remove(front, stack, ctx, resources, deps, made, attrs, refs, failed)
        front._event(stack, stack.name, STACK_TYPE, "DELETE_COMPLETE", physical=stack.id)
        return
    front._event(stack, stack.name, STACK_TYPE, "ROLLBACK_IN_PROGRESS", reason + ". Rollback requested by user.",
                 physical=stack.id)
    errors = _remove(front, stack, ctx, resources, deps, made, attrs, refs, failed)
    front._event(stack, stack.name, STACK_TYPE, "ROLLBACK_FAILED" if errors else "ROLLBACK_COMPLETE",
                 f"The following resource(s) failed to delete: [{', '.join(errors)}]. " if errors else None,
                 physical=stack.id)


def delete(front: Any, stack: Any) -> None:
    ctx = Context(front.clients(), stack.name, front.region)
    resources = {k: {"Type": r["type"]} for k, r in stack.resources.items()}
    made = [k for k, r in stack.resources.items() if r.get("physical") and r["status"] != "DELETE_COMPLETE"]
    deps = {k: v & set(resources) for k, v in tpl.dependencies(stack.template).items() if k in resources}
    attrs = {k: r.get("attrs", {}) for k, r in stack.resources.items()}
    refs = {k: r.get("physical", "") for k, r in stack.resources.items()}
    errors = _remove(front, stack, ctx, resources, deps, made, attrs, refs, [])
    if errors:
        front._event(stack, stack.name, STACK_TYPE, "DELETE_FAILED",
                     f"The following resource(s) failed to delete: [{', '.join(errors)}]. ", physical=stack.id)
        return
    front._event(stack, stack.name, STACK_TYPE, "DELETE_COMPLETE", physical=stack.id)


def _remove(front: Any, stack: Any, ctx: Context, resources: dict[str, Any], deps: dict[str, set[str]],
            made: list[str], attrs: dict[str, Any], refs: dict[str, str], failed: list[str]) -> list[str]:
    """Delete made resources, dependents first, a wave at a time; the names of those that failed."""
    for k in failed:
        if k not in made:
            front._event(stack, k, resources[k]["Type"], "DELETE_COMPLETE")
    left = list(reversed(made))
    errors: list[str] = []
    while left:
        wave = [k for k in left if not any(k in deps.get(o, set()) for o in left if o != k)] or left[:1]
        for k in wave:
            front._event(stack, k, resources[k]["Type"], "DELETE_IN_PROGRESS", physical=refs.get(k))
        time.sleep(front.resource_seconds)
        for k in wave:
            try:
                TYPES[resources[k]["Type"]][1](ctx, refs[k], attrs.get(k) or {})
            except ResourceFailed as exc:
                front._event(stack, k, resources[k]["Type"], "DELETE_FAILED", str(exc), physical=refs.get(k))
                errors.append(k)
                continue
            front._event(stack, k, resources[k]["Type"], "DELETE_COMPLETE", physical=refs.get(k))
        left = [k for k in left if k not in wave]
    return errors


def _text(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value)
