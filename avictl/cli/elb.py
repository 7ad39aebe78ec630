"""`avictl elb list|show|health|url|retarget`: classic ELBs and ALB/NLBs."""

from __future__ import annotations

from typing import Any

import typer

from .. import errors
from ._common import new_group, parse_port
from ._options import YES
from .context import Context

group = new_group("Classic ELBs and ALB/NLBs: list, show, health, retarget to a port.\n\n"
                  "Examples:\n\n\b\n  avictl elb list\n  avictl elb health avi-mesos-PublicSlaveL\n  avictl elb retarget avi-mesos-PublicSlaveL --app /webapp1 --dry-run")


def register(root: typer.Typer) -> None:
    root.add_typer(group, name="elb")


def _elb_name(cx: Context, name: str | None) -> str:
    name = name or cx.settings.elb
    if not name:
        raise errors.UsageError("no load balancer named", "pass NAME, or set AVICTL_ELB / the profile's elb")
    return name


def _instances_text(lb: dict[str, Any]) -> str:
    if lb.get("in_service") is None:
        return f"?/{lb.get('total', 0)}"
    return f"{lb['in_service']}/{lb['total']}"


def _instances_color(text: Any) -> str | None:
    try:
        ok, total = (int(x) for x in str(text).split("/"))
    except ValueError:
        return None
    return "green" if total and ok == total else ("yellow" if ok else "red")


def _columns() -> list[Any]:
    from ..output import Column
    from .render.elb import listener_text

    return [
        Column("NAME", "name"),
        Column("TYPE", "type"),
        Column("DNS NAME", "dns_name"),
        Column("LISTENERS", lambda lb: ", ".join(listener_text(ls) for ls in lb["listeners"])),
        Column("HEALTH CHECK", "health_check.target"),
        Column("INSTANCES", _instances_text, color=_instances_color),
        Column("SCHEME", "scheme", wide=True),
        Column("VPC", "vpc_id", wide=True),
        Column("SECURITY GROUPS", "security_groups", wide=True),
    ]


@group.command("list")
def elb_list(ctx: typer.Context) -> None:
    """List the classic and v2 load balancers of the region with listeners, health check and instances.

    INSTANCES is in service / registered (healthy / registered targets for ALB/NLB).

    Examples:

    \b
      avictl elb list
      avictl elb list -o wide
      avictl elb list -o json --query "[?type=='classic'].name"
    """
    cx: Context = ctx.obj
    from ..names_cache import tee

    cx.out.list(tee(cx.settings.profile, "elb", cx.aws().list_load_balancers()), _columns(), name="name")


@group.command("show")
def elb_show(ctx: typer.Context, name: str = typer.Argument(None, metavar="NAME", help="Load balancer name (default: profile elb).")) -> None:
    """Show one load balancer: DNS name, listeners, health check, security groups, instances.

    Examples:

    \b
      avictl elb show avi-mesos-PublicSlaveL
      avictl elb show avi-mesos-PublicSlaveL -o json
    """
    from .render.elb import health_text, listener_text

    cx: Context = ctx.obj
    lb = cx.aws().load_balancer(_elb_name(cx, name))
    cx.out.show(lb, [
        "name", "type", "dns_name", "scheme", ("vpc", "vpc_id"), "security_groups",
        ("listeners", lambda lb: "; ".join(listener_text(ls) for ls in lb["listeners"])),
        ("health_check", lambda lb: health_text(lb.get("health_check"))),
        ("target_groups", lambda lb: [f"{t['name']} ({t['protocol']}:{t['port']})" for t in lb["target_groups"]]
         or None),
        ("instances", lambda lb: f"{_instances_text(lb)} in service"),
        ("instance_states", lambda lb: "; ".join(f"{i['id']} {i.get('state')}" for i in lb["instances"]) or None),
    ])


@group.command("health")
def elb_health(ctx: typer.Context, name: str = typer.Argument(None, metavar="NAME", help="Load balancer name (default: profile elb).")) -> None:
    """Show the health of every instance (classic) or target (ALB/NLB) behind a load balancer.

    Examples:

    \b
      avictl elb health avi-mesos-PublicSlaveL
      avictl elb health avi-mesos-PublicSlaveL -o json
    """
    from ..output import Column

    cx: Context = ctx.obj
    lb = cx.aws().load_balancer(_elb_name(cx, name))
    good = ("InService", "healthy")
    cx.out.list(lb["instances"], [
        Column("INSTANCE", "id"),
        Column("PORT", "port"),
        Column("STATE", "state", color=lambda v: "green" if v in good else ("yellow" if v in ("initial", "Unknown",
                                                                                              "draining") else "red")),
        Column("REASON", lambda i: i.get("description") or i.get("reason")),
        Column("TARGET GROUP", "target_group", wide=True),
    ], name="id")


@group.command("url")
def elb_url(ctx: typer.Context,
            name: str = typer.Argument(None, metavar="NAME", help="Load balancer name (default: profile elb).")) -> None:
    """Print the URL that reaches a load balancer from here: http://<DNS name>/.

    When the profile's `elb_url` (or AVICTL_ELB_URL) is set, that URL is printed for the
    profile's load balancer instead, without asking AWS: for an ELB reached through a
    tunnel or a VPN, and in the lab, where it names the lab's ELB front on 127.0.0.1.

    Examples:

    \b
      avictl elb url avi-mesos-PublicSlaveL
      curl "$(avictl elb url)"
    """
    cx: Context = ctx.obj
    lb_name = _elb_name(cx, name)
    url = cx.settings.elb_url_for(lb_name)
    if url is None:
        dns = cx.aws().load_balancer(lb_name, health=False).get("dns_name")
        if not dns:
            raise errors.NotFound(f"load balancer {lb_name} has no DNS name",
                                  "set the URL that reaches it with `avictl config set elb_url URL`")
        url = f"http://{dns}/"
    cx.out.value(url)


@group.command("retarget")
def elb_retarget(
    ctx: typer.Context,
    name: str = typer.Argument(None, metavar="NAME", help="Load balancer name (default: profile elb)."),
    app: str = typer.Option(None, "--app", metavar="APP", help="Marathon app whose Avi virtual service port to use."),
    port: str = typer.Option(None, "--port", metavar="PORT", help="Instance port to forward to."),
    listener_port: str = typer.Option("80", "--listener-port", metavar="PORT", help="Load balancer port to change."),
    health_path: str = typer.Option(None, "--health-path", metavar="PATH",
                                    help="Health check path (default: the current one, else /)."),
    health_protocol: str = typer.Option(None, "--health-protocol", metavar="HTTP|TCP",
                                        help="Health check protocol (default: the current one)."),
    interval: int = typer.Option(None, "--interval", metavar="SECONDS", help="Health check interval, 5-300."),
    health_timeout: int = typer.Option(None, "--health-timeout", metavar="SECONDS",
                                       help="Health check timeout, 2-60 and below the interval."),
    healthy_threshold: int = typer.Option(None, "--healthy-threshold", metavar="N", help="2-10."),
    unhealthy_threshold: int = typer.Option(None, "--unhealthy-threshold", metavar="N", help="2-10."),
    fix_security_group: bool = typer.Option(False, "--fix-security-group",
                                            help="Add the missing security-group rule for the new port."),
    force: bool = typer.Option(False, "--force",
                               help="With --app: retarget even when the app's Mesos cloud says the ELB cannot "
                                    "reach its virtual service."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the plan; change nothing."),
    yes: bool = YES,
    wait: bool = typer.Option(False, "--wait", help="Wait until at least one instance is in service."),
    timeout: float = typer.Option(300, "--timeout", metavar="SECONDS", min=0,
                                  help="Limit of --wait (and of the new port's targets becoming healthy on an ALB/NLB)."),
) -> None:
    """Point a load balancer's listener and health check at an app's port.

    Classic ELB: the listener on --listener-port is deleted and re-created with the new
    instance port (protocol and certificate kept); the health check and the old port's
    backend policies (e.g. proxy protocol) move to the new port. ALB/NLB: the instances are
    registered again on the new port in the listener's own target group (so it is
    health-checked while the old port still serves); once one is healthy the old-port
    targets are deregistered and drain. If anything fails after the change started, the old
    settings are restored (exit 8). Rules avictl added that nothing uses any more are
    removed. The plan lists every AWS call and its undo. Running it again changes nothing.

    A warning comes before the question (and with --yes) when the listener leaves the port
    of another Marathon app, naming it, and when --app points an internet-facing load
    balancer at an east-west (internal) virtual service.

    Examples:

    \b
      avictl elb retarget avi-mesos-PublicSlaveL --app /webapp1 --dry-run
      avictl elb retarget avi-mesos-PublicSlaveL --port 10001 --yes --wait
      avictl elb retarget my-alb --port 10001 --health-path /health --fix-security-group
    """
    from ..ops import app_index, ports  # noqa: F401 - imported before the plan is shown: a Ctrl-C
    from ..ops import retarget as ops  # between the plan and the change must not land in an import
    from .render import elb as render

    cx: Context = ctx.obj
    lb_name = _elb_name(cx, name)
    if (app is None) == (port is None):
        raise errors.UsageError("give exactly one of --app APP and --port PORT")
    lport = parse_port(listener_port, "--listener-port")
    with render.flag_words():
        ops.validate_health_values({"interval": interval, "timeout": health_timeout,
                                    "healthy_threshold": healthy_threshold,
                                    "unhealthy_threshold": unhealthy_threshold})
        ops.validate_health_protocol(health_protocol)
    found = _port_for_app(cx, app, force) if port is None else None
    new_port = parse_port(port, "--port") if found is None else found.port

    aws = cx.aws()
    with render.flag_words():
        plan = ops.plan_retarget(aws, lb_name, new_port, listener_port=lport, health_path=health_path,
                                 health_protocol=health_protocol, interval=interval, timeout=health_timeout,
                                 healthy_threshold=healthy_threshold, unhealthy_threshold=unhealthy_threshold,
                                 fix_security_group=fix_security_group)
    for notice in plan.notices:
        level, text = render.notice_text(notice)
        if level == "warning":
            cx.warn(text)
        else:
            cx.info(f"note: {text}")
    structured = cx.out.structured
    if not structured:
        _print_plan(cx, plan)
    moves = _traffic_warnings(cx, plan, app, found)

    def progress(event: Any) -> None:
        text = render.event_text(event)
        if text:
            cx.info(f"  {text}")

    result = render.plan_data(plan)
    result.update(moves)
    if plan.no_change:
        cx.info(f"no change: {lb_name} already forwards {render.listener_text(plan.listener_after)} "
                f"with health check {plan.health_after['target']}")
        result["result"] = "no change"
    elif dry_run:
        cx.info("dry run: nothing was changed")
        result["result"] = "dry run"
    else:
        cx.confirm(f"Retarget {lb_name} listener {lport} to port {new_port}?", yes)
        ops.apply_plan(aws, plan, on_event=progress, wait_timeout=timeout)
        cx.info(f"changed: {lb_name} now forwards {render.listener_text(plan.listener_after)}, "
                f"health check {plan.health_after['target']}")
        result["result"] = "changed"
    if wait and not dry_run:
        states = ops.wait_healthy(aws, plan, timeout, on_event=progress)
        result["instances"] = states
    if structured:
        cx.out.show(result)


def _print_plan(cx: Context, plan: Any) -> None:
    """The changes (before → after), then the steps with the AWS call each makes and its undo."""
    from ..output import Column
    from .render import elb as render

    rows = [{"what": w, "before": b, "after": a} for w, b, a in render.plan_rows(plan)]
    out = cx.out
    out.list(rows, [Column("CHANGE", "what"), Column("BEFORE", "before"), Column("AFTER", "after")], name="what")
    if plan.steps:
        out.list(render.step_rows(plan), [Column("STEP", "step"), Column("AWS CALL", "call"),
                                          Column("UNDO", "undo")], name="step")


def _traffic_warnings(cx: Context, plan: Any, app: str | None, found: Any) -> dict[str, Any]:
    """Warn (before the question) when the change moves the listener off another app's port, or
    points an internet-facing load balancer at an east-west virtual service; the same as data."""
    import dataclasses

    from ..ops.app_index import traffic_move
    from ..ops.ports import east_west_exposure
    from .render import elb as render

    data: dict[str, Any] = {"moves": None, "exposure": None}
    if plan.no_change:
        return data
    if cx.has_controller or cx.has_marathon:
        move = traffic_move(plan.name, plan.listener_before, to_port=plan.instance_port, to_app=app,
                            avi=cx.avi() if cx.has_controller else None,
                            marathon=cx.marathon() if cx.has_marathon else None)
        for warning in move.warnings:
            cx.warn(warning)
        if move.value is not None:
            cx.warn(render.move_text(move.value))
            data["moves"] = dataclasses.asdict(move.value)
    exposure = east_west_exposure(found, plan.lb) if found is not None else None
    if exposure is not None:
        cx.warn(render.east_west_text(exposure))
        data["exposure"] = dataclasses.asdict(exposure)
    return data


def _port_for_app(cx: Context, app: str, force: bool = False) -> Any:
    """The app's port (ops.ports.AppPort): its Avi virtual service port (stopping when the ELB cannot
    reach it, unless `force`), or its Marathon service port when no controller is configured."""
    from ..marathon.appdef import AppId
    from ..ops.ports import MARATHON, ElbCannotReach, NoPortSource, app_port, require_reachable

    app_id = AppId(app)
    try:
        found = app_port(app_id, avi=cx.avi() if cx.has_controller else None,
                         marathon=cx.marathon() if cx.has_marathon else None)
        problem = require_reachable(found, force)
    except ElbCannotReach as exc:
        exc.hint = ("make the cloud's service ports accessible on all host interfaces, point the load balancer at "
                    "the VIP instead, or pass --force to retarget anyway")
        raise
    except NoPortSource as exc:
        exc.hint = f"{exc.hint}, or pass --port"
        raise
    if problem:
        cx.warn(problem)
    if found.source == MARATHON:
        cx.info(f"no Avi controller configured: using the Marathon service port {found.port} of {app_id}")
    return found
