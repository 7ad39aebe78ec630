"""`avictl deploy FILE --elb NAME`: the whole seed procedure, end to end."""

from __future__ import annotations

import typer

from .. import errors
from ._common import parse_port, read_input, state


def register(root: typer.Typer) -> None:
    root.command("deploy")(deploy)


def deploy(
    file: str = typer.Argument(..., metavar="FILE", help="Marathon app definition (Docker.json), or - for stdin."),
    elb: str = typer.Option(None, "--elb", metavar="NAME", help="Load balancer to point at the app (default: profile elb)."),
    overrides: list[str] = typer.Option(None, "--set", metavar="KEY=VALUE", help="Override a field (repeatable)."),
    listener_port: str = typer.Option("80", "--listener-port", metavar="PORT", help="Load balancer port to retarget."),
    health_path: str = typer.Option("/", "--health-path", metavar="PATH", help="Health check path."),
    health_protocol: str = typer.Option("HTTP", "--health-protocol", metavar="HTTP|TCP", help="Health check protocol."),
    fix_security_group: bool = typer.Option(False, "--fix-security-group",
                                            help="Add the security-group rule the ELB needs, if missing."),
    check_url: str = typer.Option(None, "--check-url", metavar="PATH|URL",
                                  help="Finally probe http://<ELB DNS>/PATH (or a full URL, e.g. your CNAME)."),
    timeout: float = typer.Option(600, "--timeout", metavar="SECONDS", min=1, help="Limit for each wait."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show the plan of every step; change nothing."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask before changing the load balancer."),
) -> None:
    """Post an app, wait for it, find its Avi service port and point the ELB at it.

    Steps: validate the definition; post it to Marathon (or apply it when the app exists);
    wait for the deployment; wait until the controller shows the app's virtual service up;
    read its service port; retarget the ELB listener and health check to that port (plan,
    confirm, rollback on failure); wait until instances are in service; optionally probe
    the ELB URL. Re-running converges and changes nothing that is already right.

    Examples:

    \b
      avictl deploy examples/Docker.json --elb avi-mesos-PublicSlaveL
      avictl deploy Docker.json --set instances=3 --yes --check-url /
      avictl deploy Docker.json --dry-run
    """
    from ..marathon import appdef
    from ..ops.deploy import DeployOptions, STEPS
    from ..ops.deploy import deploy as run_deploy
    from .progress import StepProgress

    st = state()
    lport = parse_port(listener_port, "--listener-port")
    if health_protocol.upper() not in ("HTTP", "TCP", "HTTPS", "SSL"):
        raise errors.UsageError(f"--health-protocol must be HTTP or TCP, not {health_protocol!r}")
    data, source = read_input(file)
    definition = appdef.load_app_definition(data, source)
    if overrides:
        definition = appdef.apply_overrides(definition, overrides)
    s = st.settings
    elb = elb or s.elb
    if not elb:
        raise errors.UsageError("no load balancer given", "pass --elb NAME or set the profile's elb")
    if not s.marathon:
        raise errors.UsageError("no Marathon URL configured", "avictl config set marathon URL (or MARATHON_URL)")
    if not dry_run and not yes and not (st.stdin_tty and st.stderr_tty):
        raise errors.UsageError("deploy changes Marathon and the load balancer: refusing to go ahead without --yes "
                                "(stdin is not a terminal)", "pass --yes, or --dry-run to see the plan")

    def confirm_app(question: str) -> bool:
        if yes:
            return True
        progress.close()
        return st.confirm(question, yes)

    def confirm(plan: object) -> bool:
        if yes:
            return True
        rows = "\n".join(f"  {w}\n    before: {b}\n    after:  {a}"
                         for w, b, a in plan.lines())  # type: ignore[attr-defined]
        progress.close()
        st.info(f"planned change to {elb}:\n{rows}")
        return st.confirm(f"Change {elb}?", yes)

    progress = StepProgress(st.stderr, len(STEPS), live=st.progress_enabled, color=not st.opts.no_color)
    opts = DeployOptions(definition=definition, source=source, elb=elb, listener_port=lport,
                         health_path=health_path, health_protocol=health_protocol.upper(),
                         fix_security_group=fix_security_group, check_url=check_url, timeout=timeout,
                         vs_timeout=min(timeout, 300), health_timeout=min(timeout, 300), dry_run=dry_run,
                         confirm_app=confirm_app, confirm=confirm)
    try:
        avi = st.avi() if st.has_controller else None
        result = run_deploy(st.marathon(), avi, st.aws(), opts, progress)
    finally:
        progress.close()
    summary = result.to_dict()
    if st.out.format in ("json", "jsonl", "yaml") or st.opts.query:
        st.out.show(summary)
        return
    st.out.show(summary, [
        ("app", lambda r: f"{r['app_id']} ({r['app_action'] or '-'})"),
        ("tasks", "tasks"),
        ("virtual service", lambda r: f"{r['vs']} {r['vs_state'] or ''}".strip() if r["vs"] else None),
        ("VIP", "vip"),
        ("service port", "service_port"),
        ("load balancer", lambda r: f"{r['elb']} ({r['elb_action'] or '-'})"),
        ("listener", "listener"),
        ("URL", "url"),
        ("probe", "probe"),
    ])
    if not dry_run and not result.changed:
        st.info("no change: everything was already as defined")
