"""`avictl deployment list|watch|cancel`: Marathon deployments (SPEC.md §2)."""

from __future__ import annotations

from typing import Any

import typer

from .. import errors
from ._common import check_wait_timeout, new_group
from ._options import WAIT_TIMEOUT, YES
from .context import Context

group = new_group("Marathon deployments: list, watch, cancel.\n\n"
                  "Examples:\n\n\b\n  avictl deployment list\n  avictl deployment watch\n  avictl deployment cancel ID --yes")


def register(root: typer.Typer) -> None:
    root.add_typer(group, name="deployment")


@group.command("list")
def deployment_list(ctx: typer.Context) -> None:
    """List deployments in progress: id, apps, step, current actions.

    Examples:

    \b
      avictl deployment list
      avictl deployment list -o json
    """
    from ..output import Column
    from .render.marathon import current_actions

    cx: Context = ctx.obj
    deps = cx.marathon().deployments()
    columns = [Column("ID", "id"), Column("APPS", "affectedApps"),
               Column("STEP", lambda d: f"{d.get('currentStep', '?')}/{d.get('totalSteps', '?')}"),
               Column("ACTIONS", current_actions), Column("VERSION", "version", wide=True)]
    cx.out.list(deps, columns, name="id")


@group.command("watch")
def deployment_watch(
    ctx: typer.Context,
    deployment_id: str = typer.Argument(None, metavar="[ID]", help="Deployment id (default: all in progress)."),
    timeout: float = WAIT_TIMEOUT,
) -> None:
    """Follow deployments until they finish (exit 7 at --timeout, with the apps' last task failure).

    An ID that is not in progress (finished, or unknown: Marathon keeps no history) is exit 3.

    Examples:

    \b
      avictl deployment watch
      avictl deployment watch 97c136bf-5a28-4821-9d94-480d9fbb01c8 --timeout 300
    """
    import time

    from ..ops.wait import wait_for_deployment
    from .render.marathon import current_actions, step_text, wait_words

    cx: Context = ctx.obj
    check_wait_timeout(timeout)
    client = cx.marathon()
    ids = [deployment_id] if deployment_id else [d["id"] for d in client.deployments()]
    if deployment_id and not any(d.get("id") == deployment_id for d in client.deployments()):
        # Marathon keeps no history: a finished deployment and an unknown id look the same. Both
        # are "not found" (exit 3), as for `deployment cancel`; a script that must not fail on a
        # deployment that ended first can watch `app wait APP` instead.
        raise errors.NotFound(f"deployment {deployment_id} is not in progress (it finished, or never existed)",
                              "avictl deployment list")
    deadline = time.monotonic() + timeout
    done = []
    for dep_id in ids:
        left = max(0.001, deadline - time.monotonic())

        def report(dep: dict[str, Any] | None, dep_id: str = dep_id) -> None:
            if dep is None:
                cx.info(f"deployment {dep_id}: finished")
            else:
                cx.info(f"deployment {dep_id}: {step_text(dep)} {current_actions(dep)}")

        with wait_words():
            wait_for_deployment(client, dep_id, left, on_progress=report)
        done.append({"id": dep_id, "status": "finished"})
    if not ids:
        cx.info("no deployment in progress")
    cx.out.list(done, _dep_done_columns(), name="id")


def _dep_done_columns() -> list[Any]:
    from ..output import Column

    return [Column("ID", "id"), Column("STATUS", "status")]


@group.command("cancel")
def deployment_cancel(
    ctx: typer.Context,
    deployment_id: str = typer.Argument(..., metavar="ID", help="Deployment id (see `avictl deployment list`)."),
    force: bool = typer.Option(False, "--force", help="Just stop it, without a rollback deployment."),
    yes: bool = YES,
) -> None:
    """Cancel a deployment: roll it back (a new deployment), or with --force just stop it.

    Examples:

    \b
      avictl deployment cancel 97c136bf-5a28-4821-9d94-480d9fbb01c8
      avictl deployment cancel 97c136bf-5a28-4821-9d94-480d9fbb01c8 --force --yes
    """
    cx: Context = ctx.obj
    client = cx.marathon()
    dep = next((d for d in client.deployments() if d.get("id") == deployment_id), None)
    if dep is None:
        raise errors.NotFound(f"deployment {deployment_id} not found (finished, or never existed)",
                              "list the running ones with `avictl deployment list`")
    apps = ", ".join(dep.get("affectedApps") or []) or "?"
    cx.confirm(f"{'Stop' if force else 'Roll back'} deployment {deployment_id} of {apps}?", yes)
    reply = client.cancel_deployment(deployment_id, force=force)
    result = {"id": deployment_id, "action": "stopped" if force else "rolled back",
              "rollback_deployment_id": reply.get("deploymentId")}
    cx.info(f"deployment {deployment_id} {result['action']}" +
            (f"; rollback deployment {reply['deploymentId']}" if reply.get("deploymentId") else ""))
    cx.out.show(result, ["id", "action", ("rollback_deployment", "rollback_deployment_id")])
