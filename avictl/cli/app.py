"""`avictl app ...`: Marathon apps (SPEC.md §2)."""

from __future__ import annotations

from typing import Any

import typer

from .. import errors
from ._common import check_wait_timeout, new_group
from ._options import APP_ARG, WAIT_TIMEOUT, YES
from .context import Context
from .render.marathon import force_words, set_words

group = new_group("Marathon apps: list, show, post, apply, scale, restart, delete, tasks, ports, wait.\n\n"
                  "Examples:\n\n\b\n  avictl app post examples/Docker.json\n  avictl app list\n  avictl app ports /webapp1")

SET_OPT = typer.Option(None, "--set", metavar="KEY=VALUE",
                       help="Override a field (dotted keys, [i] indexes; values typed as JSON when they parse).")


def register(root: typer.Typer) -> None:
    root.add_typer(group, name="app")


# -- helpers ------------------------------------------------------------------------------


def _load(cx: Context, path: str, overrides: list[str] | None) -> dict[str, Any]:
    from ..marathon.appdef import apply_overrides, load_app_definition

    data, name = cx.io.read_input(path)
    defn = load_app_definition(data, name)
    with set_words():
        return apply_overrides(defn, overrides or [], source_name="--set")


def _wait(cx: Context, app_id: str, timeout: float) -> dict[str, Any]:
    """Wait for the app, with a live line on a terminal; returns the app."""
    from ..ops.wait import app_progress, wait_for_app
    from .render.marathon import progress_text, wait_words

    client = cx.marathon()
    if not cx.io.progress_enabled:
        with wait_words():
            return wait_for_app(client, app_id, timeout)
    from .progress import StepProgress

    progress = StepProgress(cx.io, 1)
    progress.start(f"waiting for {app_id}")
    try:
        with wait_words():
            app = wait_for_app(client, app_id, timeout, on_progress=lambda p: progress.note(progress_text(p)))
    except KeyboardInterrupt:
        progress.fail("interrupted: stopped waiting (the deployment goes on in Marathon)")
        raise
    except BaseException as exc:
        from ..errors import describe_exception

        progress.fail(getattr(exc, "message", None) or describe_exception(exc))
        raise
    progress.done(progress_text(app_progress(app)))
    return app


def _ports_text(app: dict[str, Any]) -> str:
    from ..marathon.appdef import service_ports

    return ",".join(str(p) for p in service_ports(app)) or "-"


def _image(app: dict[str, Any]) -> str | None:
    return ((app.get("container") or {}).get("docker") or {}).get("image")


def _app_summary(app: dict[str, Any]) -> list[tuple[str, Any]]:
    from ..marathon.appdef import network_mode, service_ports
    from .render.marathon import failure_text

    return [
        "id",
        "instances",
        ("running", "tasksRunning"),
        ("healthy", lambda a: a.get("tasksHealthy") if a.get("healthChecks") else "- (no health checks)"),
        ("staged", "tasksStaged"),
        ("image", _image),
        "cmd",
        ("network", network_mode),
        ("service_ports", lambda a: service_ports(a)),
        "cpus",
        "mem",
        ("deployments", lambda a: [d.get("id") for d in a.get("deployments") or []]),
        "version",
        ("last_failure", lambda a: failure_text(a.get("lastTaskFailure")) or None),
    ]


def _status_color(value: Any) -> str | None:
    text = str(value)
    if "/" in text:
        have, _, want = text.partition("/")
        return "green" if have == want else ("yellow" if have != "0" else "red")
    return None

# -- app ----------------------------------------------------------------------------------


@group.command("list")
def app_list(
    ctx: typer.Context,
    id_filter: str = typer.Option(None, "--filter", metavar="TEXT", help="Only apps whose id contains TEXT."),
) -> None:
    """List apps: id, tasks running of wanted, healthy, image, service ports, deployments.

    Examples:

    \b
      avictl app list
      avictl app list --filter web -o wide
      avictl app list -o name
    """
    from ..output import Column

    cx: Context = ctx.obj
    apps = cx.marathon().list_apps(id_filter=id_filter)
    columns = [
        Column("ID", "id"),
        Column("TASKS", lambda a: f"{a.get('tasksRunning', 0)}/{a.get('instances', 0)}", color=_status_color),
        Column("HEALTHY", lambda a: f"{a.get('tasksHealthy', 0)}/{a.get('instances', 0)}"
               if a.get("healthChecks") else "-"),
        Column("IMAGE", _image),
        Column("SERVICE PORTS", _ports_text),
        Column("DEPLOYMENTS", lambda a: len(a.get("deployments") or []) or "-"),
        Column("CPUS", "cpus", wide=True),
        Column("MEM", "mem", wide=True),
        Column("CMD", "cmd", wide=True),
        Column("VERSION", "version", wide=True),
    ]
    if not id_filter:
        from ..names_cache import tee

        apps = tee(cx.settings.profile, "app", apps, key="id")
    cx.out.list(apps, columns, name="id")


@group.command("show")
def app_show(ctx: typer.Context, app_id: str = APP_ARG) -> None:
    """Show one app: counts, image, network, service ports, deployments, last task failure.

    -o json/yaml print the app as Marathon's API gives it (Marathon's keys: tasksRunning);
    -o tsv prints the lines above with lower_snake keys (service_ports).

    Examples:

    \b
      avictl app show /webapp1
      avictl app show webapp1 -o json
    """
    from ..marathon.appdef import AppId

    cx: Context = ctx.obj
    app = cx.marathon().get_app(AppId(app_id))
    app.pop("tasks", None)
    cx.out.show(app, _app_summary(app))


@group.command("post")
def app_post(
    ctx: typer.Context,
    file: str = typer.Argument(..., metavar="FILE|-", help="App definition (JSON, e.g. Docker.json); - for stdin."),
    overrides: list[str] = SET_OPT,
    dry_run: bool = typer.Option(False, "--dry-run", help="Validate and print what would be sent; send nothing."),
    wait: bool = typer.Option(True, "--wait/--no-wait", help="Wait for the deployment to finish (default)."),
    timeout: float = WAIT_TIMEOUT,
) -> None:
    """Create an app from a Marathon app definition and wait for its deployment.

    The file is checked locally first (JSON syntax with line and column, id rules, types);
    a bad file exits 2 and nothing is sent. An app that already exists exits 4: use
    `avictl app apply` to update it. Prints the app with its assigned service ports.

    Examples:

    \b
      avictl app post Docker.json
      avictl app post Docker.json --set instances=3 --set id=/web
      cat Docker.json | avictl app post - --no-wait
      avictl app post Docker.json --dry-run -o json
    """
    cx: Context = ctx.obj
    check_wait_timeout(timeout)
    defn = _load(cx, file, overrides)
    if dry_run:
        cx.info(f"dry run: would POST /v2/apps for {defn['id']} (nothing sent)")
        cx.out.json(defn)
        return
    from ..ops.apps import create_app

    client = cx.marathon()
    created = create_app(client, defn)
    for warning in created.warnings:
        cx.warn(warning)
    app_id = created.app_id
    cx.info(f"created app {app_id}" + (f" (deployment {created.deployment_id})" if created.deployment_id else ""))
    app = _wait(cx, app_id, timeout) if wait else client.get_app(app_id)
    app.pop("tasks", None)
    cx.out.show(app, _app_summary(app))


@group.command("apply")
def app_apply(
    ctx: typer.Context,
    file: str = typer.Argument(..., metavar="FILE|-", help="App definition (JSON); - for stdin."),
    overrides: list[str] = SET_OPT,
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the field diff; change nothing."),
    force: bool = typer.Option(False, "--force", help="Override a deployment in progress (Marathon ?force=true)."),
    wait: bool = typer.Option(True, "--wait/--no-wait", help="Wait for the deployment to finish (default)."),
    timeout: float = WAIT_TIMEOUT,
) -> None:
    """Create the app, or update it (PUT) to match the file; unchanged → nothing sent.

    Only the fields the file sets are compared; ports the file leaves at 0 and defaults
    Marathon fills in are not differences. Running it twice changes nothing the second time.

    Examples:

    \b
      avictl app apply Docker.json
      avictl app apply Docker.json --set instances=4 --dry-run
      avictl app apply Docker.json --force --no-wait
    """
    from ..ops.apps import CREATE, apply_app, plan_app

    cx: Context = ctx.obj
    check_wait_timeout(timeout)
    defn = _load(cx, file, overrides)
    client = cx.marathon()
    plan = plan_app(client, defn)
    app_id = plan.app_id
    result: dict[str, Any] = {"id": str(app_id), "changes": plan.changes, "action": plan.action}
    if dry_run or not plan.changes_app:
        if not plan.changes_app:
            cx.info(f"app {app_id}: no change")
        elif dry_run:
            cx.info(f"dry run: would {plan.action} app {app_id} (nothing sent)")
        _print_apply(cx, result)
        return
    with force_words():
        applied = apply_app(client, plan, force=force)
    for warning in applied.warnings:
        cx.warn(warning)
    result["deployment_id"] = applied.deployment_id
    if plan.action == CREATE:
        cx.info(f"created app {app_id}")
    else:
        cx.info(f"updated app {app_id}: {len(plan.changes)} field(s) changed" +
                (f" (deployment {applied.deployment_id})" if applied.deployment_id else ""))
    if wait:
        _wait(cx, app_id, timeout)
    _print_apply(cx, result)


def _print_apply(cx: Context, result: dict[str, Any]) -> None:
    import json

    out = cx.out
    if out.structured:
        out.show(result)
        return
    if result["changes"]:
        from ..output import Column

        out.list(result["changes"], [Column("FIELD", "field"),
                                     Column("CURRENT", lambda c: json.dumps(c["current"])),
                                     Column("DESIRED", lambda c: json.dumps(c["desired"]))], name="field")
    else:
        out.show(result, ["id", "action", ("deployment", "deployment_id")])


@group.command("scale")
def app_scale(
    ctx: typer.Context,
    app_id: str = APP_ARG,
    instances: int = typer.Argument(..., metavar="N", help="Number of instances (0 suspends the app)."),
    force: bool = typer.Option(False, "--force", help="Override a deployment in progress."),
    wait: bool = typer.Option(False, "--wait", help="Wait until the app runs N instances."),
    timeout: float = WAIT_TIMEOUT,
) -> None:
    """Set the number of instances of an app.

    Examples:

    \b
      avictl app scale /webapp1 3
      avictl app scale /webapp1 0 --wait      # suspend
    """
    from ..marathon.appdef import MAX_INSTANCES, AppId

    cx: Context = ctx.obj
    if not 0 <= instances <= MAX_INSTANCES:
        raise errors.UsageError(f"N must be from 0 to {MAX_INSTANCES}, not {instances}")
    check_wait_timeout(timeout)
    app_id = AppId(app_id)
    client = cx.marathon()
    current = client.get_app(app_id)  # exit 3 for an unknown app: a PUT would try to create it
    if current.get("instances") == instances and not current.get("deployments"):
        cx.info(f"{app_id} already runs {instances} instance(s); no change")
        cx.out.show({"id": str(app_id), "instances": instances, "deployment_id": None},
                    ["id", "instances", ("deployment", "deployment_id")])
        return
    with force_words():
        reply = client.scale_app(app_id, instances, force=force, current=current)
    cx.info(f"scaling {app_id} to {instances}" + (f" (deployment {reply.get('deploymentId')})"
                                                   if reply.get("deploymentId") else ""))
    if wait:
        _wait(cx, app_id, timeout)
    cx.out.show({"id": str(app_id), "instances": instances, "deployment_id": reply.get("deploymentId")},
                ["id", "instances", ("deployment", "deployment_id")])


@group.command("restart")
def app_restart(
    ctx: typer.Context,
    app_id: str = APP_ARG,
    force: bool = typer.Option(False, "--force", help="Override a deployment in progress."),
    wait: bool = typer.Option(False, "--wait", help="Wait until the new tasks are up."),
    timeout: float = WAIT_TIMEOUT,
) -> None:
    """Restart all tasks of an app (a rolling replacement by Marathon).

    Examples:

    \b
      avictl app restart /webapp1
      avictl app restart /webapp1 --wait --timeout 120
    """
    from ..marathon.appdef import AppId

    cx: Context = ctx.obj
    check_wait_timeout(timeout)
    app_id = AppId(app_id)
    client = cx.marathon()
    with force_words():
        reply = client.restart_app(app_id, force=force)
    cx.info(f"restarting {app_id} (deployment {reply.get('deploymentId')})")
    if wait:
        _wait(cx, app_id, timeout)
    cx.out.show({"id": str(app_id), "deployment_id": reply.get("deploymentId")},
                ["id", ("deployment", "deployment_id")])


@group.command("delete")
def app_delete(
    ctx: typer.Context,
    app_id: str = APP_ARG,
    yes: bool = YES,
    force: bool = typer.Option(False, "--force", help="Delete even while a deployment is in progress."),
) -> None:
    """Delete an app and kill its tasks (asks on a terminal; --yes in scripts).

    Before the delete, the load balancers of the profile's AWS region that forward to the
    app's port (its virtual service's, else its Marathon service port) are named in a
    warning: afterwards they forward to nothing until retargeted. Without AWS settings
    nothing is said about load balancers.

    Examples:

    \b
      avictl app delete /webapp1
      avictl app delete /webapp1 --yes
    """
    from ..marathon.appdef import AppId

    cx: Context = ctx.obj
    app_id = AppId(app_id)
    client = cx.marathon()
    current = client.get_app(app_id)  # exit 3 before asking about an app that is not there
    if yes or cx.io.can_prompt:  # else the confirmation below refuses at once (exit 2)
        _warn_forwarding_elbs(cx, current)
    cx.confirm(f"Delete app {app_id} and kill its tasks?", yes)
    with force_words():
        reply = client.delete_app(app_id, force=force, current=current)
    cx.info(f"deleted app {app_id}")
    cx.out.show({"id": str(app_id), "deployment_id": reply.get("deploymentId")},
                ["id", ("deployment", "deployment_id")])


def _warn_forwarding_elbs(cx: Context, app: dict[str, Any]) -> None:
    """Before a delete: name the load balancers that will still forward to the app's port."""
    if not cx.has_aws:
        return  # no AWS for this profile: nothing to say about load balancers
    import shlex

    from ..ops.app_index import elbs_forwarding_to_app

    found = elbs_forwarding_to_app(app, aws=cx.aws(), avi=cx.avi() if cx.has_controller else None)
    for warning in found.warnings:
        cx.warn(warning)
    profile = f" -p {shlex.quote(cx.opts.profile)}" if cx.opts.profile else ""
    for f in found.value:
        lport = f" --listener-port {f.listener_port}" if f.listener_port != 80 else ""
        cx.warn(f"{f.elb} forwards :{f.listener_port} to port {f.port}, which serves {f.app_id}: after the delete "
                f"it still forwards there, to nothing; point it elsewhere with "
                f"`avictl{profile} elb retarget {shlex.quote(f.elb)}{lport} --app APP`")


@group.command("tasks")
def app_tasks(ctx: typer.Context, app_id: str = APP_ARG) -> None:
    """List the tasks of an app: id, agent host, host ports, state, health.

    Examples:

    \b
      avictl app tasks /webapp1
      avictl app tasks /webapp1 -o json
    """
    from ..output import Column

    cx: Context = ctx.obj
    def health(t: dict[str, Any]) -> str:
        results = t.get("healthCheckResults") or []
        if not results:
            return "-"
        return "healthy" if all(r.get("alive") for r in results) else "unhealthy"

    from ..marathon.appdef import AppId

    tasks = cx.marathon().tasks(AppId(app_id))
    columns = [
        Column("ID", "id"),
        Column("HOST", "host"),
        Column("PORTS", "ports"),
        Column("STATE", lambda t: t.get("state") or ("TASK_RUNNING" if t.get("startedAt") else "TASK_STAGING"),
               color=lambda s: "green" if s == "TASK_RUNNING" else "yellow"),
        Column("HEALTH", health, color=lambda h: {"healthy": "green", "unhealthy": "red"}.get(h)),
        Column("STARTED", "startedAt"),
        Column("VERSION", "version", wide=True),
        Column("AGENT", "slaveId", wide=True),
    ]
    cx.out.list(tasks, columns, name="id")


@group.command("ports")
def app_ports(ctx: typer.Context, app_id: str = APP_ARG) -> None:
    """Show container port → service port → host ports per task (and each port's Avi VS port if configured).

    The controller makes a virtual service per container port; AVI VS PORT is the port that
    port's VS listens on (`-` with a warning when there is none yet).

    Examples:

    \b
      avictl app ports /webapp1
      avictl app ports /webapp1 -o json
    """
    from ..marathon.appdef import AppId
    from ..ops.ports import app_ports as join_ports
    from ..output import Column

    cx: Context = ctx.obj
    app_id = AppId(app_id)
    joined = join_ports(cx.marathon(), app_id, avi=cx.avi() if cx.has_controller else None)
    for warning in joined.warnings:
        cx.warn(warning)
    columns = [Column("INDEX", "index", wide=True), Column("NAME", "name", wide=True),
               Column("CONTAINER PORT", "container_port"), Column("PROTOCOL", "protocol"),
               Column("SERVICE PORT", "service_port"), Column("HOST PORTS", "host_ports")]
    if joined.with_avi:
        columns.append(Column("AVI VS PORT", "avi_vs_port"))
    cx.out.list(joined.rows, columns, name="service_port")


@group.command("wait")
def app_wait(ctx: typer.Context, app_id: str = APP_ARG, timeout: float = WAIT_TIMEOUT) -> None:
    """Wait until the app has no deployment and runs (and passes health checks on) all instances.

    Follows Marathon's event stream and polls as well. Exit 7 at --timeout, with the last
    task failure (a crash-looping app never finishes by itself).

    Examples:

    \b
      avictl app wait /webapp1
      avictl app wait /webapp1 --timeout 120 && avictl app ports /webapp1
    """
    from ..marathon.appdef import AppId
    from ..ops.wait import app_progress

    cx: Context = ctx.obj
    check_wait_timeout(timeout)
    app_id = AppId(app_id)
    app = _wait(cx, app_id, timeout)
    app.pop("tasks", None)
    p = app_progress(app)
    cx.out.show({"id": str(app_id), "instances": p.instances, "running": p.running, "healthy": p.healthy,
                      "status": "deployed"},
                     ["id", "instances", "running", "healthy", "status"])
