"""`avictl stack create|wait|events|list|show|delete`: CloudFormation stacks, the seed's bring-up.

Every CloudFormation call is in avictl.aws.cloudformation; this module parses the flags,
asks for missing parameters, and renders parameters, events, progress and outputs.
"""

from __future__ import annotations

import re
from typing import Any

import typer

from .. import errors
from ._common import check_wait_timeout, new_group
from ._options import YES
from .context import Context

group = new_group("CloudFormation stacks: create (the seed's bring-up), wait, events, list, show, delete."
                         "\n\nExamples:\n\n\b\n  avictl stack create avi-mesos --template-file "
                         "examples/avi-mesos.cloudformation.json \\\n      --parameter KeyName=my-key --parameter "
                         "AcceptEULA=Yes --configure\n  avictl stack events avi-mesos --follow\n"
                         "  avictl stack list\n  avictl stack delete avi-mesos --yes")

NAME_RE = re.compile(r"[a-zA-Z][-a-zA-Z0-9]{0,127}")
CAPABILITIES = ("CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND")
DEFAULT_TIMEOUT = 3600.0  # the seed's stack takes 10-20 minutes
POLL = 0.5


def register(root: typer.Typer) -> None:
    root.add_typer(group, name="stack")


def _name(name: str) -> str:
    if not NAME_RE.fullmatch(name):
        raise errors.UsageError(f"invalid stack name {name!r}: a letter, then letters, digits and '-' "
                                "(at most 128 characters)")
    return name


def _pairs(values: list[str], flag: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for raw in values or []:
        key, sep, value = raw.partition("=")
        if not sep or not key.strip():
            raise errors.UsageError(f"{flag} takes KEY=VALUE, not {raw!r}")
        if key in out:
            raise errors.UsageError(f"{flag} {key} given twice")
        out[key.strip()] = value
    return out


@group.command("create")
def create(
    ctx: typer.Context,
    name: str = typer.Argument(..., metavar="NAME", help="Name of the new stack."),
    template_file: str = typer.Option(None, "--template-file", metavar="FILE", help="Template (JSON or YAML), or - for stdin."),
    template_url: str = typer.Option(None, "--template-url", metavar="URL", help="Template in S3 (https://...)."),
    parameter: list[str] = typer.Option(None, "--parameter", metavar="KEY=VALUE", help="A template parameter (repeatable)."),
    capability: list[str] = typer.Option(None, "--capability", metavar="CAP",
                                         help="CAPABILITY_IAM, CAPABILITY_NAMED_IAM or CAPABILITY_AUTO_EXPAND (repeatable)."),
    tag: list[str] = typer.Option(None, "--tag", metavar="KEY=VALUE", help="A stack tag (repeatable)."),
    on_failure: str = typer.Option("ROLLBACK", "--on-failure", metavar="ROLLBACK|DELETE|DO_NOTHING",
                                   help="What CloudFormation does when a resource fails."),
    no_wait: bool = typer.Option(False, "--no-wait", help="Return once CloudFormation has accepted the stack."),
    timeout: float = typer.Option(DEFAULT_TIMEOUT, "--timeout", metavar="SECONDS",
                                  help="How long to wait (exit 7 after; the stack goes on)."),
    configure: bool = typer.Option(False, "--configure",
                                   help="Write the selected profile from the outputs (as config init --from-stack)."),
) -> None:
    """Create a stack: validate the template, show its parameters, create, and wait showing events.

    Missing required parameters are asked for on a terminal (NoEcho ones without echo); in
    scripts pass each with --parameter. An existing stack with the same template and
    parameters is "no change" (exit 0); a different one is exit 4. A failure exits 1 naming
    the resource that failed first and why; Ctrl-C stops the wait only.

    Examples:

    \b
      avictl stack create avi-mesos --template-file examples/avi-mesos.cloudformation.json \\
          --parameter KeyName=my-key --parameter AcceptEULA=Yes --configure
      avictl stack create dcos --template-url https://s3-us-west-1.amazonaws.com/avi-tm/avi-mesos.cloudformation.json \\
          --parameter KeyName=my-key --parameter AcceptEULA=Yes --no-wait
    """
    from ..aws import cloudformation as cfn

    st: Context = ctx.obj
    _name(name)
    check_wait_timeout(timeout)
    if configure:
        from .config import profile_to_configure

        profile_to_configure(st)
    if (template_file is None) == (template_url is None):
        raise errors.UsageError("give exactly one of --template-file FILE and --template-url URL")
    policy = on_failure.upper()
    if policy not in cfn.ON_FAILURE:
        raise errors.UsageError(f"--on-failure must be ROLLBACK, DELETE or DO_NOTHING, not {on_failure!r}")
    caps = [c.upper() for c in capability or []]
    for cap in caps:
        if cap not in CAPABILITIES:
            raise errors.UsageError(f"unknown capability {cap!r}", f"choose from {', '.join(CAPABILITIES)}")
    params, tags = _pairs(parameter, "--parameter"), _pairs(tag, "--tag")
    body = None
    if template_file is not None:
        data, where = st.io.read_input(template_file)
        cfn.check_body(data, where)
        try:
            body = data.decode("utf-8")
        except UnicodeDecodeError:
            raise errors.UsageError(f"{where}: not UTF-8 text") from None
    elif not template_url.startswith("https://"):
        raise errors.UsageError(f"--template-url must be an https:// URL of an S3 object, not {template_url!r}")

    aws = st.aws()
    try:
        summary = cfn.template_summary(aws, body=body, url=template_url)
    except errors.UsageError as exc:
        raise errors.UsageError(f"the template is not valid: {exc.message}", exc.hint) from None
    declared = {p.key: p for p in summary.parameters}
    unknown = [k for k in params if k not in declared]
    if unknown:
        raise errors.UsageError(f"unknown parameter(s) {', '.join(unknown)}: the template declares "
                                f"{', '.join(declared) or 'none'}")
    for key, value in params.items():
        _check_allowed(declared[key], value)
    _show_parameters(st, summary, params)
    missing = [p for p in summary.parameters if p.required and p.key not in params]
    if missing:
        params.update(_ask(st, missing))
    for p in summary.parameters:
        if p.no_echo and params.get(p.key):
            st.redactor.add(params[p.key])
    ordered = {p.key: params[p.key] for p in summary.parameters if p.key in params}

    existing = cfn.find_stack(aws, name)
    if existing is not None:
        _existing(st, aws, existing, body, template_url, summary, ordered, no_wait, timeout, configure)
        return
    stack_id = cfn.create_stack(aws, name, body=body, url=template_url, parameters=ordered, capabilities=caps,
                                tags=tags, on_failure=policy)
    st.info(f"creating stack {name} ({stack_id})")
    if no_wait:
        _accepted(st, name, stack_id, "CREATE_IN_PROGRESS", configure)
        return
    _wait(st, name, timeout, configure, total=cfn.body_resource_count(body) if body else None)


def _check_allowed(p: Any, value: str) -> None:
    if p.allowed_values and value not in p.allowed_values:
        raise errors.UsageError(f"parameter {p.key} must be one of {', '.join(p.allowed_values)}, not {value!r}")


def _show_parameters(st: Context, summary: Any, given: dict[str, str]) -> None:
    """The template's parameters on stderr: name, what it is, allowed values, default, the value used."""
    if not summary.parameters:
        return
    width = max(len(p.key) for p in summary.parameters)
    st.info("parameters:")
    for p in summary.parameters:
        facts = []
        if p.allowed_values:
            facts.append(f"one of {', '.join(p.allowed_values)}")
        facts.append("required" if p.required else f"default {p.default!r}")
        if p.key in given:
            facts.append("given: ****" if p.no_echo else f"given: {given[p.key]}")
        st.info(f"  {p.key.ljust(width)}  {p.description or p.type} ({'; '.join(facts)})")


def _ask(st: Context, missing: list[Any]) -> dict[str, str]:
    """Each missing required parameter asked on a terminal (NoEcho without echo); else exit 2 naming them."""
    if not st.io.can_prompt:
        raise errors.UsageError(f"missing value for required parameter(s) {', '.join(p.key for p in missing)}",
                                "pass each with --parameter KEY=VALUE (or run on a terminal to be asked)")
    answers: dict[str, str] = {}
    for p in missing:
        while True:
            hint = f" [{'/'.join(p.allowed_values)}]" if p.allowed_values else ""
            question = f"{p.key}{hint}: "
            if p.no_echo:
                answer = st.io.password(question)
            else:
                line = st.io.ask(question)
                if line is None:
                    raise errors.Interrupted("interrupted; nothing was created")
                answer = line.strip()
            if not answer:
                continue
            try:
                _check_allowed(p, answer)
            except errors.UsageError as exc:
                st.info(f"  {exc.message}")
                continue
            answers[p.key] = answer
            break
    return answers


def _existing(st: Context, aws: Any, stack: dict[str, Any], body: str | None, url: str | None, summary: Any,
              params: dict[str, str], no_wait: bool, timeout: float, configure: bool) -> None:
    """Same template and parameters: no change (exit 0, or wait for it while in progress); else exit 4."""
    from ..aws import cloudformation as cfn

    name, status = stack["StackName"], str(stack.get("StackStatus", ""))
    effective = {p.key: params.get(p.key, p.default) for p in summary.parameters}
    differences = cfn.same_stack(aws, stack, body, effective)
    if body is None:  # a template in S3 is compared by its summary
        current = cfn.template_summary(aws, stack_name=name)
        if (current.description, [p.key for p in current.parameters], current.resource_types) != (
                summary.description, [p.key for p in summary.parameters], summary.resource_types):
            differences.insert(0, "template")
    healthy = status in ("CREATE_COMPLETE", "UPDATE_COMPLETE", "CREATE_IN_PROGRESS", "UPDATE_IN_PROGRESS")
    if differences or not healthy:
        what = f"a different {', '.join(differences)}" if differences else f"status {status}"
        raise errors.Conflict(f"stack {name} already exists with {what}",
                              f"choose another name, or `avictl stack delete {name}` first")
    if not cfn.finished(status):
        st.info(f"no change: stack {name} is being made with this template and these parameters ({status})")
        if no_wait:
            _accepted(st, name, stack.get("StackId"), status, configure)
            return
        _wait(st, name, timeout, configure)
        return
    st.info(f"no change: stack {name} exists with this template and these parameters ({status})")
    _finish(st, stack, configure)


def _accepted(st: Context, name: str, stack_id: Any, status: str, configure: bool) -> None:
    if configure:
        st.warn(f"--configure needs the stack's outputs: run `avictl stack wait {name} --configure` to write the "
                "profile once it is complete")
    st.info(f"not waiting; follow it with `avictl stack wait {name}` or `avictl stack events {name} --follow`")
    st.out.show({"StackName": name, "StackId": stack_id, "StackStatus": status},
                [("name", "StackName"), ("id", "StackId"), ("status", "StackStatus")], name="StackName")


@group.command("wait")
def wait(
    ctx: typer.Context,
    name: str = typer.Argument(..., metavar="NAME", help="Stack name or id."),
    timeout: float = typer.Option(DEFAULT_TIMEOUT, "--timeout", metavar="SECONDS",
                                  help="How long to wait (exit 7 after; the stack goes on)."),
    configure: bool = typer.Option(False, "--configure", help="Write the selected profile from the outputs."),
) -> None:
    """Wait for a stack's current operation to end, showing its events; print the outputs.

    Exit 0 when the stack is complete, 1 when it failed (naming the first failed resource and
    its reason), 7 at --timeout. Ctrl-C stops the wait, never the stack.

    Examples:

    \b
      avictl stack wait avi-mesos
      avictl stack wait avi-mesos --timeout 1800 --configure
    """
    from ..aws import cloudformation as cfn

    st: Context = ctx.obj
    check_wait_timeout(timeout)
    if configure:
        from .config import profile_to_configure

        profile_to_configure(st)
    stack = cfn.describe_stack(st.aws(), name)
    deleting = str(stack.get("StackStatus", "")).startswith("DELETE")
    _wait(st, stack["StackName"], timeout, configure, deleting=deleting, ref=stack.get("StackId") or name)


def _wait(st: Context, name: str, timeout: float, configure: bool, *, total: int | None = None,
          deleting: bool = False, ref: str | None = None) -> None:
    """Follow stack `name` (by `ref`, its id, when given: a deleted stack is found by id only)."""
    import time

    from ..aws import cloudformation as cfn
    from .render.stack import StackWatch

    aws = st.aws()
    if total is None and not deleting:
        total = cfn.template_resource_count(aws, ref or name)
    live = st.io.progress_enabled
    watch = StackWatch(st.io.stderr, name, total, live=live, color=st.io.color_stderr,
                       verb="deleting" if deleting else "waiting for")
    if live:
        st.io.live_started()
    try:
        result = cfn.follow(aws, ref or name, on_event=watch.on_event, on_tick=watch.tick, poll=POLL,
                            deleting=deleting, deadline=time.monotonic() + timeout)
    except errors.WaitTimeout as exc:
        raise errors.WaitTimeout(f"{exc.message} after {timeout:g} s; CloudFormation goes on",
                                 f"keep watching with `avictl stack wait {name}`") from None
    except KeyboardInterrupt:
        watch.close()
        raise errors.Interrupted(f"stopped waiting for stack {name}; CloudFormation goes on (nothing was deleted)",
                                 f"avictl stack wait {name}") from None
    finally:
        watch.close()
        if live:
            st.io.live_stopped()
    if deleting:
        if not result.ok:
            _failed(name, result)
        st.info(f"deleted stack {name}")
        return
    if not result.ok:
        _failed(name, result)
    st.info(f"stack {name} is {result.status}")
    _finish(st, result.stack or {}, configure)


def _failed(name: str, result: Any) -> None:
    first = result.failure
    if first:
        what = (f"{first.get('LogicalResourceId')} ({first.get('ResourceType')}) {first.get('ResourceStatus')}: "
                f"{first.get('ResourceStatusReason') or 'no reason given'}")
    else:
        what = (result.stack or {}).get("StackStatusReason") or "no reason given"
    raise errors.AvictlError(f"stack {name} is {result.status}: {what}",
                             f"every event: `avictl stack events {name}`; remove what is left: "
                             f"`avictl stack delete {name}`")


def _finish(st: Context, stack: dict[str, Any], configure: bool) -> None:
    """The outputs on stdout; with --configure, the selected profile written from them."""
    from ..output import Column

    if configure:
        from .config import write_stack_profile

        write_stack_profile(st, stack)
    st.out.list(stack.get("Outputs") or [], [Column("OUTPUT", "OutputKey"), Column("VALUE", "OutputValue"),
                                              Column("DESCRIPTION", "Description", wide=True)], name="OutputValue")


@group.command("events")
def events(
    ctx: typer.Context,
    name: str = typer.Argument(..., metavar="NAME", help="Stack name or id."),
    follow: bool = typer.Option(False, "--follow", "-f", help="Keep printing new events until the stack settles."),
    limit: int = typer.Option(None, "--limit", metavar="N", min=1, help="Only the N newest events."),
) -> None:
    """Show a stack's events, oldest first (time, logical id, type, status, reason).

    Examples:

    \b
      avictl stack events avi-mesos
      avictl stack events avi-mesos --limit 20 --follow
      avictl stack events avi-mesos -o json --query "[?ResourceStatus=='CREATE_FAILED']"
    """
    from ..aws import cloudformation as cfn
    from ..output import Column
    from .render.stack import event_time, status_style

    st: Context = ctx.obj
    aws = st.aws()
    cfn.describe_stack(aws, name)
    every = list(reversed(cfn.stack_events(aws, name)))
    past = every[-limit:] if limit else every
    columns = [Column("TIME", event_time), Column("LOGICAL ID", "LogicalResourceId"), Column("TYPE", "ResourceType"),
               Column("STATUS", "ResourceStatus", color=lambda v: status_style(str(v))),
               Column("REASON", "ResourceStatusReason"), Column("PHYSICAL ID", "PhysicalResourceId", wide=True)]
    if not follow:
        st.out.list(past, columns, name="EventId")
        return

    def stream() -> Any:
        import queue
        import threading

        yield from past
        items: queue.Queue[Any] = queue.Queue()
        seen = {e.get("EventId") for e in every}

        def run() -> None:
            try:
                cfn.follow(aws, name, on_event=lambda ev: None if ev.get("EventId") in seen else items.put(ev),
                           poll=POLL, include_past=True)
                items.put(None)
            except BaseException as exc:  # handed to the main thread
                items.put(exc)

        threading.Thread(target=run, daemon=True).start()
        while (item := items.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item

    try:
        if st.out.format in ("table", "wide") and not st.opts.query:  # a table waits for its last row: lines
            from .render.stack import event_line

            for ev in stream():
                st.io.stdout.write(event_line(ev) + "\n")
                st.io.stdout.flush()
        else:
            st.out.list(stream(), columns, name="EventId")
    except KeyboardInterrupt:
        raise errors.Interrupted(f"stopped following stack {name}") from None


@group.command("list")
def list_stacks(ctx: typer.Context) -> None:
    """List the stacks of the region that are not deleted: NAME, STATUS, CREATED, DESCRIPTION.

    Examples:

    \b
      avictl stack list
      avictl stack list -o name
    """
    from ..aws import cloudformation as cfn
    from ..names_cache import tee
    from ..output import Column
    from .render.stack import status_style

    st: Context = ctx.obj
    st.out.list(tee(st.settings.profile, "stack", cfn.list_stacks(st.aws()), key="StackName"), [
        Column("NAME", "StackName"),
        Column("STATUS", "StackStatus", color=lambda v: status_style(str(v))),
        Column("CREATED", "CreationTime"),
        Column("DESCRIPTION", "TemplateDescription"),
        Column("REASON", "StackStatusReason", wide=True),
    ], name="StackName")


@group.command("show")
def show(ctx: typer.Context,
         name: str = typer.Argument(..., metavar="NAME", help="CloudFormation stack name or id.")) -> None:
    """Show a CloudFormation stack's status and outputs.

    `avictl config init --from-stack NAME` fills a profile from the same outputs. -o json/yaml
    print the stack as CloudFormation gives it (StackStatus, Outputs); -o tsv prints the lines
    with lower_snake keys (an output MesosMasterURL as mesos_master_url).

    Examples:

    \b
      avictl stack show avi-mesos
      avictl stack show avi-mesos -o json --query "Outputs[?OutputKey=='MarathonURL'].OutputValue | [0]"
    """
    from ..aws import cloudformation as cfn

    st: Context = ctx.obj
    stack = cfn.describe_stack(st.aws(), name)
    fields: list[tuple[str, Any]] = [("name", "StackName"), ("status", "StackStatus"),
                                     ("reason", "StackStatusReason"), ("created", "CreationTime"),
                                     ("updated", "LastUpdatedTime")]
    for out in stack.get("Outputs", []):  # an output's key, MesosMasterURL, reads mesos_master_url here
        fields.append((out["OutputKey"], lambda _s, v=out.get("OutputValue"): v))
    st.out.show(stack, fields, name="StackName")


@group.command("delete")
def delete(
    ctx: typer.Context,
    name: str = typer.Argument(..., metavar="NAME", help="Stack name or id."),
    yes: bool = YES,
    no_wait: bool = typer.Option(False, "--no-wait", help="Return once CloudFormation has accepted the deletion."),
    timeout: float = typer.Option(DEFAULT_TIMEOUT, "--timeout", metavar="SECONDS",
                                  help="How long to wait (exit 7 after; the deletion goes on)."),
) -> None:
    """Delete a stack and every resource it made (asks first; exit 3 when there is no such stack).

    Examples:

    \b
      avictl stack delete avi-mesos
      avictl stack delete avi-mesos --yes --no-wait
    """
    from ..aws import cloudformation as cfn

    st: Context = ctx.obj
    check_wait_timeout(timeout)
    aws = st.aws()
    stack = cfn.describe_stack(aws, name)
    st.confirm(f"Delete stack {stack['StackName']} ({stack.get('StackStatus')}) and every resource it made?", yes)
    cfn.delete_stack(aws, stack.get("StackId") or name, before=stack)
    st.info(f"deleting stack {stack['StackName']}")
    if no_wait:
        st.info(f"not waiting; follow it with `avictl stack wait {name}`")
        return
    _wait(st, stack["StackName"], timeout, False, deleting=True, ref=stack.get("StackId") or name)
