"""CloudFormation: every call avictl makes to it, and the wait on a stack's events.

All calls go through `AwsClient.client("cloudformation")`, so they get the same retries
(botocore standard mode), `-v` logging and error translation as the other AWS calls. The
functions return plain data (AWS's own shapes, times as ISO strings) and typed results;
nothing here prints or prompts: the CLI renders events, progress and outputs.

Facts this relies on (botocore's cloudformation 2010-05-15 model):
- TemplateBody is at most 51,200 bytes (documented on the member; the shape carries no
  `max`, so botocore does not check it and the service answers ValidationError);
- DescribeStackEvents lists the newest event first, paginated by NextToken;
- an existing name on CreateStack is `AlreadyExistsException`; a stack that does not
  exist is a `ValidationError` "Stack with id NAME does not exist";
- ValidateTemplate returns TemplateParameter (no type, no AllowedValues), GetTemplateSummary
  ParameterDeclaration (ParameterType, ParameterConstraints.AllowedValues): avictl calls
  ValidateTemplate first (the template's errors), then GetTemplateSummary (its parameters).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..errors import AvictlError, Conflict, NotFound, UsageError
from .client import AwsClient, aws_error

TEMPLATE_BODY_LIMIT = 51_200
CANCELLED = "Resource creation cancelled"
ON_FAILURE = ("ROLLBACK", "DELETE", "DO_NOTHING")
LIVE_STATUSES = [  # ListStacks' StackStatusFilter: every status but DELETE_COMPLETE
    "CREATE_IN_PROGRESS", "CREATE_FAILED", "CREATE_COMPLETE", "ROLLBACK_IN_PROGRESS", "ROLLBACK_FAILED",
    "ROLLBACK_COMPLETE", "DELETE_IN_PROGRESS", "DELETE_FAILED", "UPDATE_IN_PROGRESS",
    "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", "UPDATE_COMPLETE", "UPDATE_FAILED", "UPDATE_ROLLBACK_IN_PROGRESS",
    "UPDATE_ROLLBACK_FAILED", "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS", "UPDATE_ROLLBACK_COMPLETE",
    "REVIEW_IN_PROGRESS", "IMPORT_IN_PROGRESS", "IMPORT_COMPLETE", "IMPORT_ROLLBACK_IN_PROGRESS",
    "IMPORT_ROLLBACK_FAILED", "IMPORT_ROLLBACK_COMPLETE",
]
SUCCESS = frozenset({"CREATE_COMPLETE", "UPDATE_COMPLETE", "IMPORT_COMPLETE", "DELETE_COMPLETE"})


@dataclass
class TemplateParameter:
    key: str
    type: str = "String"
    description: str = ""
    default: str | None = None
    allowed_values: list[str] = field(default_factory=list)
    no_echo: bool = False

    @property
    def required(self) -> bool:
        return self.default is None


@dataclass
class TemplateSummary:
    description: str
    parameters: list[TemplateParameter]
    capabilities: list[str]
    resource_types: list[str]


@dataclass
class WaitResult:
    """How a wait ended: the stack as last read (None once deleted) and the root cause of a failure."""

    stack: dict[str, Any] | None
    ok: bool
    status: str
    failure: dict[str, Any] | None = None  # the first failed resource's event


# -- calls --------------------------------------------------------------------------------


def _call(aws: AwsClient, operation: str, **params: Any) -> dict[str, Any]:
    """One CloudFormation call; its errors become avictl errors (not found 3, exists 4, bad input 2)."""
    client = aws.client("cloudformation")
    try:
        return getattr(client, operation)(**params)
    except AvictlError:
        raise
    except Exception as exc:
        err = getattr(exc, "response", {}).get("Error", {}) if "ClientError" in {
            c.__name__ for c in type(exc).__mro__} else {}
        code, message = str(err.get("Code") or ""), str(err.get("Message") or "")
        text = f"AWS {getattr(exc, 'operation_name', '')}: {code}: {message}"
        if code == "ValidationError" and "does not exist" in message and params.get("StackName"):
            raise NotFound(f"CloudFormation stack {params['StackName']!r} not found in region {aws.region_name}",
                           "`avictl stack list` shows the stacks of this region") from None
        if code == "AlreadyExistsException":
            raise Conflict(text) from None
        if code == "InsufficientCapabilitiesException":
            raise UsageError(text, "acknowledge them with --capability CAPABILITY_IAM "
                                   "(or CAPABILITY_NAMED_IAM, CAPABILITY_AUTO_EXPAND)") from None
        if code == "ValidationError":
            raise UsageError(text) from None
        raise aws_error(exc) from exc


def _plain(value: Any) -> Any:
    """AWS replies with datetimes as ISO strings (the -o json form)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value.isoformat() if hasattr(value, "isoformat") else value


def check_body(body: bytes, name: str) -> None:
    """A template body CloudFormation would refuse for its size: exit 2 before anything is sent."""
    if len(body) > TEMPLATE_BODY_LIMIT:
        raise UsageError(f"{name} is {len(body):,} bytes; CloudFormation takes at most {TEMPLATE_BODY_LIMIT:,} "
                         "bytes in a template body",
                         "upload it to S3 and pass --template-url https://<bucket>.s3.amazonaws.com/<key>")


def _source(body: str | None, url: str | None) -> dict[str, str]:
    return {"TemplateBody": body} if body is not None else {"TemplateURL": str(url)}


def template_summary(aws: AwsClient, *, body: str | None = None, url: str | None = None,
                     stack_name: str | None = None) -> TemplateSummary:
    """Validate a template (ValidateTemplate) and describe its parameters (GetTemplateSummary).

    A template CloudFormation refuses is a UsageError (exit 2) carrying its message."""
    if stack_name is None:
        _call(aws, "validate_template", **_source(body, url))
        reply = _call(aws, "get_template_summary", **_source(body, url))
    else:
        reply = _call(aws, "get_template_summary", StackName=stack_name)
    params = []
    for p in reply.get("Parameters") or []:
        params.append(TemplateParameter(
            key=p["ParameterKey"], type=p.get("ParameterType") or "String", description=p.get("Description") or "",
            default=p.get("DefaultValue"), no_echo=bool(p.get("NoEcho")),
            allowed_values=list((p.get("ParameterConstraints") or {}).get("AllowedValues") or [])))
    return TemplateSummary(description=reply.get("Description") or "", parameters=params,
                           capabilities=list(reply.get("Capabilities") or []),
                           resource_types=list(reply.get("ResourceTypes") or []))


def find_stack(aws: AwsClient, name: str) -> dict[str, Any] | None:
    """DescribeStacks' stack (AWS's shape, ISO times), or None when there is none of that name."""
    try:
        stacks = _call(aws, "describe_stacks", StackName=name).get("Stacks") or []
    except NotFound:
        return None
    if not stacks:
        return None
    stack = _plain(stacks[0])
    stack.setdefault("Outputs", [])
    stack.setdefault("Parameters", [])
    return stack


def describe_stack(aws: AwsClient, name: str) -> dict[str, Any]:
    """The stack called `name`; NotFound (exit 3) when there is none."""
    stack = find_stack(aws, name)
    if stack is None:
        raise NotFound(f"CloudFormation stack {name!r} not found in region {aws.region_name}",
                       "`avictl stack list` shows the stacks of this region")
    return stack


def stack_template(aws: AwsClient, name: str) -> str:
    body = _call(aws, "get_template", StackName=name).get("TemplateBody")
    return body if isinstance(body, str) else json.dumps(body)  # botocore decodes a JSON body to a dict


def same_stack(aws: AwsClient, stack: dict[str, Any], body: str | None, parameters: dict[str, str | None]) -> list[str]:
    """What differs between an existing stack and (template body, parameter values): [] when nothing.

    `parameters` holds every parameter's value in effect (given, else the default); a body of
    None skips the template. NoEcho values come back as "****", so they are not compared."""
    differences = []
    if body is not None and _normal(stack_template(aws, stack["StackName"])) != _normal(body):
        differences.append("template")
    current = {p["ParameterKey"]: p.get("ParameterValue") for p in stack.get("Parameters") or []}
    for key, value in parameters.items():
        if current.get(key) not in (value, "****"):
            differences.append(f"parameter {key}")
    for key in current:
        if key not in parameters:
            differences.append(f"parameter {key}")
    return differences


def _normal(body: str) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return body.strip()


def create_stack(aws: AwsClient, name: str, *, body: str | None = None, url: str | None = None,
                 parameters: dict[str, str] | None = None, capabilities: list[str] | None = None,
                 tags: dict[str, str] | None = None, on_failure: str = "ROLLBACK") -> str:
    """CreateStack → the stack id. An existing name is Conflict (exit 4). Journaled (SPEC §12)."""
    with aws.change(f"cloudformation stack {name}", "create", before=None,
                    after={"StackName": name, "TemplateURL": url, "Parameters": dict(parameters or {}),
                           "Capabilities": list(capabilities or []), "Tags": dict(tags or {}),
                           "OnFailure": on_failure}) as entry:
        reply = _call(aws, "create_stack", StackName=name, **_source(body, url),
                      Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in (parameters or {}).items()],
                      Capabilities=list(capabilities or []),
                      Tags=[{"Key": k, "Value": v} for k, v in (tags or {}).items()], OnFailure=on_failure)
        entry.after = {**(entry.after or {}), "StackId": reply.get("StackId")}
    return str(reply.get("StackId") or name)


def delete_stack(aws: AwsClient, name: str, before: dict[str, Any] | None = None) -> None:
    """DeleteStack (the service answers success for a stack that does not exist). Journaled (SPEC §12)."""
    label = (before or {}).get("StackName") or name
    keep = ("StackName", "StackId", "StackStatus", "Parameters", "Outputs")
    with aws.change(f"cloudformation stack {label}", "delete",
                    before={k: v for k, v in (before or {}).items() if k in keep} or {"StackName": name}, after=None):
        _call(aws, "delete_stack", StackName=name)


def list_stacks(aws: AwsClient) -> Iterator[dict[str, Any]]:
    """StackSummary of every stack that is not deleted, newest first as AWS lists them."""
    client = aws.client("cloudformation")
    try:
        for page in client.get_paginator("list_stacks").paginate(StackStatusFilter=LIVE_STATUSES):
            for summary in page.get("StackSummaries") or []:
                yield _plain(summary)
    except AvictlError:
        raise
    except Exception as exc:
        raise aws_error(exc) from exc


def stack_events(aws: AwsClient, name: str, *, limit: int | None = None,
                 after: set[str] | None = None) -> list[dict[str, Any]]:
    """The stack's events, newest first; stops at the first id in `after` (already seen) or at `limit`."""
    events: list[dict[str, Any]] = []
    token = None
    while True:
        reply = _call(aws, "describe_stack_events", StackName=name, **({"NextToken": token} if token else {}))
        for ev in reply.get("StackEvents") or []:
            if after is not None and ev.get("EventId") in after:
                return events
            events.append(_plain(ev))
            if limit is not None and len(events) >= limit:
                return events
        token = reply.get("NextToken")
        if not token:
            return events


# -- the wait ------------------------------------------------------------------------------


def first_failure(events: list[dict[str, Any]], stack_name: str) -> dict[str, Any] | None:
    """The root cause among events (oldest first): the first failed resource that was not merely
    cancelled because another one failed; else the first failed resource; else None."""
    failed = [e for e in events if str(e.get("ResourceStatus", "")).endswith("_FAILED")
              and e.get("LogicalResourceId") != stack_name]
    for ev in failed:
        if CANCELLED.lower() not in str(ev.get("ResourceStatusReason") or "").lower():
            return ev
    return failed[0] if failed else None


def finished(status: str) -> bool:
    return not status.endswith("_IN_PROGRESS") and status != "REVIEW_IN_PROGRESS"


def succeeded(status: str, deleting: bool = False) -> bool:
    return status == "DELETE_COMPLETE" if deleting else status in SUCCESS and status != "DELETE_COMPLETE"


def follow(aws: AwsClient, name: str, *, on_event: Callable[[dict[str, Any]], None],
           on_tick: Callable[[str], None] | None = None, deadline: float | None = None, poll: float = 1.0,
           deleting: bool = False, include_past: bool = False, sleep: Callable[[float], None] = time.sleep
           ) -> WaitResult:
    """Watch a stack until its status is final: new events go to `on_event` oldest first, the
    stack's status to `on_tick` after each poll. Returns a WaitResult; raises WaitTimeout at
    `deadline` (time.monotonic()). Events from before the current operation are skipped unless
    `include_past`; the current operation's earlier events are passed on (a `stack wait`
    started late still names the root cause).
    """
    from ..errors import WaitTimeout

    seen: set[str] = set()
    operation: list[dict[str, Any]] = []  # this operation's events, oldest first
    first = True
    stack_id = name
    while True:
        stack = find_stack(aws, stack_id)
        if stack is None:  # gone: a delete finished (or the name never existed)
            if first and not deleting:
                raise NotFound(f"CloudFormation stack {name!r} not found in region {aws.region_name}",
                               "`avictl stack list` shows the stacks of this region")
            return WaitResult(None, deleting, "DELETE_COMPLETE", first_failure(operation, name))
        stack_id = stack.get("StackId") or stack_id  # a deleted stack is found by id only
        new = list(reversed(stack_events(aws, stack_id, after=seen)))
        if first and not include_past:
            new = _current_operation(new, stack["StackName"])
        first = False
        for ev in new:
            seen.add(ev.get("EventId", ""))
            operation.append(ev)
            on_event(ev)
        status = str(stack.get("StackStatus", ""))
        if on_tick:
            on_tick(status)
        if finished(status):
            ok = succeeded(status, deleting)
            return WaitResult(stack, ok, status, None if ok else first_failure(operation, stack["StackName"]))
        if deadline is not None and time.monotonic() >= deadline:
            raise WaitTimeout(f"stack {name} is still {status}")
        wait = poll if deadline is None else max(0.0, min(poll, deadline - time.monotonic()))
        sleep(wait)


def _current_operation(events: list[dict[str, Any]], stack_name: str) -> list[dict[str, Any]]:
    """Events (oldest first) from the last user-initiated start of an operation on the stack itself."""
    start = 0
    for i, ev in enumerate(events):
        if ev.get("LogicalResourceId") == stack_name and ev.get("ResourceType") == "AWS::CloudFormation::Stack" \
                and str(ev.get("ResourceStatus", "")) in ("CREATE_IN_PROGRESS", "DELETE_IN_PROGRESS",
                                                          "UPDATE_IN_PROGRESS", "IMPORT_IN_PROGRESS"):
            start = i
    return events[start:]


def progress(events: list[dict[str, Any]], stack_name: str) -> tuple[int, set[str]]:
    """(resources in a final state, logical ids seen) from a stack's events so far."""
    latest: dict[str, str] = {}
    for ev in events:
        lid = ev.get("LogicalResourceId")
        if lid and lid != stack_name:
            latest[lid] = str(ev.get("ResourceStatus", ""))
    return sum(1 for s in latest.values() if finished(s)), set(latest)


# -- outputs → profile ------------------------------------------------------------------------

# Profile key ← output names (compared case-insensitively), first match wins. The seed's
# template and examples/avi-mesos.cloudformation.json name them MarathonURL, ControllerURL,
# MesosMasterURL and PublicSlaveLoadBalancer.
PROFILE_OUTPUTS: dict[str, tuple[str, ...]] = {
    "marathon": ("marathonurl", "marathon", "masterurl"),
    "controller": ("controllerurl", "avicontroller", "controller"),
    "mesos": ("mesosmasterurl", "mesosmaster", "mesosurl", "mesos"),
    "elb": ("publicslaveloadbalancer", "publicslaveelb", "elbname", "loadbalancer"),
}


def profile_outputs(stack: dict[str, Any]) -> dict[str, str]:
    """Profile keys → raw values from a stack's outputs (only the keys found)."""
    outputs = {str(o.get("OutputKey", "")).lower(): o.get("OutputValue") or "" for o in stack.get("Outputs") or []}
    found: dict[str, str] = {}
    for key, names in PROFILE_OUTPUTS.items():
        for output_name in names:
            if outputs.get(output_name):
                found[key] = outputs[output_name]
                break
    return found


def template_resource_count(aws: AwsClient, name: str) -> int | None:
    """How many resources a stack's template declares (GetTemplate), None when it cannot tell."""
    try:
        body: Any = _call(aws, "get_template", StackName=name).get("TemplateBody")
    except (UsageError, NotFound):
        return None
    return body_resource_count(body)


def body_resource_count(body: Any) -> int | None:
    """Resources declared in a template (a JSON/YAML string or the dict botocore decodes)."""
    if isinstance(body, str):
        try:
            body = json.loads(body)
        except ValueError:
            try:
                import yaml

                body = yaml.load(body, Loader=_yaml_loader())  # noqa: S506 - SafeLoader with CFN tags
            except Exception:
                return None
    resources = body.get("Resources") if isinstance(body, dict) else None
    return len(resources) if isinstance(resources, dict) else None


def _yaml_loader() -> Any:
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    return Loader
