"""`avictl deploy FILE --elb NAME`: the whole seed procedure, end to end."""

from __future__ import annotations

from typing import Any

import typer

from .. import errors
from ._common import parse_port
from .context import Context


DEPLOY_FLAGS = {"listener_port": "--listener-port", "health_path": "--health-path",
                "health_protocol": "--health-protocol"}


def register(root: typer.Typer) -> None:
    root.command("deploy")(deploy)


def deploy(
    ctx: typer.Context,
    file: str = typer.Argument(..., metavar="FILE", help="Marathon app definition (Docker.json), or - for stdin."),
    elb: str = typer.Option(None, "--elb", metavar="NAME", help="Load balancer to point at the app (default: profile elb)."),
    overrides: list[str] = typer.Option(None, "--set", metavar="KEY=VALUE", help="Override a field (repeatable)."),
    listener_port: str = typer.Option("80", "--listener-port", metavar="PORT", help="Load balancer port to retarget."),
    health_path: str = typer.Option("/", "--health-path", metavar="PATH", help="Health check path."),
    health_protocol: str = typer.Option("HTTP", "--health-protocol", metavar="HTTP|TCP", help="Health check protocol."),
    fix_security_group: bool = typer.Option(False, "--fix-security-group",
                                            help="Add the security-group rule the ELB needs, if missing."),
    check_url: str = typer.Option(None, "--check-url", metavar="PATH|URL",
                                  help="Finally probe PATH on the ELB's URL (`avictl elb url`), or a full URL, e.g. your CNAME."),
    timeout: float = typer.Option(600, "--timeout", metavar="SECONDS", min=1, help="Limit for each wait."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show the plan of every step; change nothing."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask before changing the load balancer."),
    force: bool = typer.Option(False, "--force",
                               help="Retarget even when the app's Mesos cloud says the ELB cannot reach its "
                                    "virtual service (services_accessible_all_interfaces off)."),
) -> None:
    """Post an app, wait for it, find its Avi service port and point the ELB at it.

    Steps: validate the definition; post it to Marathon (or apply it when the app exists);
    wait for the deployment; wait until the controller shows the app's virtual service up;
    read its service port; retarget the ELB listener and health check to that port (plan,
    confirm, rollback on failure); wait until instances are in service; optionally probe
    the ELB URL. Re-running converges and changes nothing that is already right.

    A warning comes before the question (and with --yes) when the ELB now serves another
    Marathon app, naming it, and when an internet-facing ELB would point at an east-west
    (internal) virtual service; on a terminal that second case is asked about again.

    Examples:

    \b
      avictl deploy examples/Docker.json --elb avi-mesos-PublicSlaveL
      avictl deploy Docker.json --set instances=3 --yes --check-url /
      avictl deploy Docker.json --dry-run
    """
    import dataclasses

    from ..marathon import appdef
    from ..ops.deploy import STEPS, DeployOptions
    from ..ops.deploy import deploy as run_deploy
    from ..ops import retarget
    from ..ops.ports import ElbCannotReach
    from .progress import StepProgress
    from .render import elb as render
    from .render.marathon import set_words, wait_words

    cx: Context = ctx.obj
    lport = parse_port(listener_port, "--listener-port")
    with render.flag_words(DEPLOY_FLAGS):
        protocol = retarget.validate_health_protocol(health_protocol)
    data, source = cx.io.read_input(file)
    definition = appdef.load_app_definition(data, source)
    if overrides:
        with set_words():
            definition = appdef.apply_overrides(definition, overrides, source_name="--set")
    s = cx.settings
    elb = elb or s.elb
    if not elb:
        raise errors.UsageError("no load balancer given", "pass --elb NAME or set the profile's elb")
    if not s.marathon:
        raise errors.UsageError("no Marathon URL configured", "avictl config set marathon URL (or MARATHON_URL)")
    if not dry_run and not yes and not cx.io.can_prompt:
        raise errors.UsageError("deploy changes Marathon and the load balancer: refusing to go ahead without --yes "
                                "(stdin is not a terminal)", "pass --yes, or --dry-run to see the plan")

    def confirm_app(question: str) -> bool:
        if yes:
            return True
        progress.close()
        return cx.confirm(question, yes)

    warned: list[str] = []

    def warn(about: object) -> None:
        """A change that moves traffic: said at once (also with --yes), and again next to the plan."""
        text = render.move_text(about) if hasattr(about, "from_ports") else render.east_west_text(about)
        warned.append(text)
        progress.close()
        cx.warn(text)

    def confirm(plan: object) -> bool:
        if yes:
            return True
        rows = "\n".join(f"  {w}\n    before: {b}\n    after:  {a}" for w, b, a in render.plan_rows(plan))
        progress.close()
        cx.info(f"planned change to {elb}:\n{rows}" + "".join(f"\n  warning: {w}" for w in warned))
        return cx.confirm(f"Change {elb}?", yes)

    avi = cx.avi() if cx.has_controller else None
    if avi is not None and cx.io.can_prompt:
        avi.connect()  # a password prompt, if one is needed, comes before the live progress display
    progress = _Reporter(StepProgress(cx.io, len(STEPS)))
    opts = DeployOptions(definition=definition, source=source, elb=elb, listener_port=lport,
                         health_path=health_path, health_protocol=protocol,
                         fix_security_group=fix_security_group, check_url=check_url,
                         elb_url=s.elb_url_for(elb), timeout=timeout,
                         vs_timeout=min(timeout, 300), health_timeout=min(timeout, 300), dry_run=dry_run,
                         confirm_app=confirm_app, confirm=confirm, warn=warn, http=cx.http_options("probe"),
                         force_unreachable=force)
    try:
        with render.flag_words(DEPLOY_FLAGS), wait_words():
            result = run_deploy(cx.marathon(), avi, cx.aws(), opts, progress)
    except ElbCannotReach as exc:
        exc.hint = ("make the cloud's service ports accessible on all host interfaces, point the load balancer at "
                    "the VIP instead, or pass --force to retarget anyway (the app is deployed; the ELB is unchanged)")
        raise
    finally:
        progress.close()
    for warning in result.warnings:
        cx.warn(warning)
    summary = result.to_dict()
    summary["plan"] = render.plan_data(result.plan) if result.plan is not None else None
    summary["listener"] = render.listener_text(result.listener) if result.listener else ""
    pending = dry_run and result.plan is None and result.service_port is None  # a new app: no port yet
    if pending:
        summary["elb_action"] = "would change once the port is known"
    summary["moves"] = dataclasses.asdict(result.moves) if result.moves is not None else None
    summary["exposure"] = dataclasses.asdict(result.exposure) if result.exposure is not None else None
    if cx.out.structured:
        cx.out.show(summary)
        return
    cx.out.show(summary, [
        ("app", lambda r: f"{r['app_id']} ({_app_action_text(r['app_action'], dry_run)})"),
        "tasks",
        ("virtual_service", lambda r: f"{r['vs']} {r['vs_state'] or ''}".strip() if r["vs"] else None),
        "vip",
        ("service_port", lambda r: r["service_port"] if not pending else "- (known once the app exists)"),
        ("load_balancer", lambda r: f"{r['elb']} ({r['elb_action'] or '-'})" if not pending else
         f"{r['elb']} (would point listener {lport} and its health check at the app's service port once it is known)"),
        ("listener", lambda r: _listener_summary(result, pending)),
        "url",
        ("probe", _probe_text),
    ])
    if not dry_run and not result.changed:
        cx.info("no change: everything was already as defined")


class _Reporter:
    """The deploy's step progress, wording what the retarget step reports (notices, events, its plan)."""

    def __init__(self, progress: Any):
        self.progress = progress

    def __getattr__(self, name: str) -> Any:
        return getattr(self.progress, name)

    def note(self, detail: Any) -> None:
        from .render import elb as render
        from .render.marathon import progress_text

        if not isinstance(detail, str):
            if hasattr(detail, "app_id"):  # ops.wait.AppProgress
                detail = progress_text(detail)
            elif hasattr(detail, "healthy"):  # ops.retarget.Event
                detail = render.event_text(detail)
            else:  # ops.retarget.Notice
                detail = render.notice_text(detail)[1]
        if detail:
            self.progress.note(detail)

    def done(self, result: Any = "") -> None:
        from .render import elb as render

        if hasattr(result, "first_line"):  # http.Probe
            result = f"{result.url} → " + _probe_text({"probe": result.text, "probe_seconds": result.seconds,
                                                       "probe_answer": result.first_line})
        elif not isinstance(result, str):
            result = "; ".join(f"{w} now {a} (was {b})" for w, b, a in render.plan_rows(result) if a != b)
        self.progress.done(result)

    def skip(self, result: Any) -> None:
        from .render import elb as render

        if not isinstance(result, str):
            result = "dry run: would make " + "; ".join(f"{w} {a} (now {b})" for w, b, a in render.plan_rows(result)
                                                        if a != b)
        self.progress.skip(result)


def _app_action_text(action: str, dry_run: bool) -> str:
    """`create`, or `would create` in a dry run (`unchanged` either way)."""
    return f"would {action}" if dry_run and action and action != "unchanged" else (action or "-")


def _listener_summary(result: Any, pending: bool) -> str | None:
    """The listener as it is, or in a dry run the one it would become, with how it is now:
    `80/HTTP → 10001/HTTP (now 80/HTTP → 80/HTTP)`; for a new app the port is a placeholder."""
    from .render import elb as render

    if result.listener is None:
        return None
    now = render.listener_text(result.listener)
    if pending:
        after = render.listener_text({**result.listener, "instance_ports": [], "instance_port": "<service port>"})
    elif result.plan is not None and result.elb_action == "would change":
        after = render.listener_text(result.plan.listener_after)
    else:
        return now
    return f"{after} (now {now})" if after != now else now


def _probe_text(r: dict) -> str | None:
    """'HTTP 200 in 12 ms: <first line of the answer>' (or what came instead of an answer)."""
    if not r.get("probe"):
        return None
    text = r["probe"]
    if r.get("probe_seconds") is not None:
        text += f" in {r['probe_seconds'] * 1000:.0f} ms"
    return text + (f": {r['probe_answer']}" if r.get("probe_answer") else "")
