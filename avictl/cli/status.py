"""`avictl status`: every link of the chain checked at once, one row each, with a hint that is a command."""

from __future__ import annotations

from typing import Any

import typer

from .. import errors
from ._common import check_wait_timeout
from .context import Context


def register(root: typer.Typer) -> None:
    root.command("status")(status)


def status(
    ctx: typer.Context,
    app: str = typer.Option(None, "--app", metavar="APP", help="Also check this Marathon app's own chain."),
    elb: str = typer.Option(None, "--elb", metavar="NAME", help="The load balancer (default: the profile's elb)."),
    wait: bool = typer.Option(False, "--wait", help="Check again until every check holds (or --timeout)."),
    timeout: float = typer.Option(600.0, "--timeout", metavar="SECONDS", help="Limit of --wait (default 600)."),
) -> None:
    """Check every configured link of the chain at once; one row per check.

    Marathon (leader, version), the Mesos master (version, active agents), the controller
    (version, login), its Mesos cloud (state), the Service Engines (one up on every active
    node), AWS (credentials, region) and the profile's load balancer. With --app, the
    app's own chain: tasks running and healthy, its virtual service and pool members up,
    the ELB listener and health check on the VS's current service port (drift), the
    security-group rule, instances in service and a probe of the ELB's URL.

    Each failing row has a hint: a command that shows more or fixes it. Exit status: 0
    when every check holds; otherwise the code all failed checks share — 6 when nothing
    answers, 5 when only credentials fail, 3 when only something is missing — and 1 for a
    mix. With --wait, 7 when --timeout passes first.

    Examples:

    \b
      avictl status
      avictl -p lab status --app /webapp1
      avictl status --wait --timeout 900      # after `avictl stack create`
      avictl status -o json --query "[?!ok].check"
    """
    from ..ops import doctor
    from ..ops.checks import app_checks, base_checks

    cx: Context = ctx.obj
    if wait:
        check_wait_timeout(timeout)
    app_id = _app_id(app) if app else None  # a bad id is exit 2 before anything is sent
    links = _links(cx, elb)
    if not any((links.marathon, links.mesos, links.avi, links.aws)):
        raise errors.UsageError(f"nothing is configured for profile {cx.settings.profile!r}",
                                "run `avictl config init`, or `avictl lab up` to try the local lab")

    def make() -> list[doctor.Check]:
        cx.close()  # fresh clients and a fresh login on every round
        fresh = _links(cx, elb)
        return base_checks(fresh) + (app_checks(fresh, app_id) if app_id else [])

    if wait:
        from .progress import StepProgress

        progress = StepProgress(cx.io, 1, live=True) if cx.io.progress_enabled else None
        if progress:
            progress.start("wait until every check holds")
        results: list[Any] = []
        ok = False

        def on_round(rs: list[Any], left: float) -> None:
            if progress:
                progress.note(_progress_line(rs, left))

        try:
            results, ok = doctor.wait_until_all_ok(make, timeout, on_round=on_round)
        finally:
            if progress and results:
                (progress.done if ok else progress.fail)(_progress_line(results, None))
            elif progress:
                progress.close()
    else:
        results, ok = doctor.run_checks(make()), None
    from .render.status import row

    rows = [row(r, app_id, links.elb) for r in results]
    _warn_default_password(cx, results)
    from .history import unfinished_note

    note = unfinished_note()  # SPEC §12: a change begun and never completed
    if note:
        cx.warn(note)
    cx.out.list(rows, _columns(), name="check")
    failed = [r for r in results if not r.ok and not r.skipped]
    skipped = [r for r in results if r.skipped]
    if not failed and not skipped:
        return
    names = ", ".join(r.check for r in failed)
    what = f"{len(failed)} of {len(results)} checks failed: {names}" + (
        f" ({len(skipped)} not checked)" if skipped else "")
    if wait and ok is False:
        raise errors.WaitTimeout(f"not every check held within {timeout:g} s; {what}",
                                 "see the HINT column; run `avictl status` again to re-check")
    raise errors.AvictlError(what, "see the HINT column", exit_code=doctor.exit_code(results))


def _app_id(app: str) -> str:
    from ..marathon.appdef.app_id import AppId

    return str(AppId(app.rstrip("/")))


def _links(cx: Context, elb: str | None) -> Any:
    from ..ops.checks import Links

    s = cx.settings
    from ..mesos.client import master_url

    aws_configured = bool(s.aws_region or s.aws_endpoint_url or s.aws_profile)
    return Links(
        marathon=cx.marathon if s.marathon else None,
        mesos=cx.mesos if master_url(s) else None,
        avi=cx.avi if s.controller else None,
        aws=cx.aws if aws_configured else None,
        elb=elb or s.elb,
        elb_url=lambda: _elb_url(cx, elb or s.elb),
        probe=lambda url: _probe(cx, url),
    )


def _elb_url(cx: Context, name: str | None) -> str | None:
    configured = getattr(cx.settings, "elb_url", None)
    if configured:
        return configured
    if not name:
        return None
    lb = cx.aws().load_balancer(name, health=False)
    return f"http://{lb['dns_name']}/" if lb.get("dns_name") else None


def _probe(cx: Context, url: str) -> Any:
    from ..http import probe

    return probe(url, cx.http_options("probe"), name="load balancer")


def _columns() -> list[Any]:
    from ..output import Column

    return [
        Column("CHECK", "check"),
        Column("OK", lambda r: "ok" if r["ok"] else "FAIL", color=lambda v: "green" if v == "ok" else "red"),
        Column("DETAIL", "detail"),
        Column("SECONDS", lambda r: f"{r['seconds']:.2f}"),
        Column("HINT", "hint"),
    ]


def _progress_line(results: list[Any], left: float | None) -> str:
    good = sum(1 for r in results if r.ok)
    failing = ", ".join(r.check for r in results if not r.ok)
    return f"{good}/{len(results)} checks hold" + (f"; waiting for {failing}" if failing else "") + \
        (f" ({left:.0f} s left)" if left is not None else "")


def _warn_default_password(cx: Context, results: list[Any]) -> None:
    from .login import warn_factory_default

    for r in results:
        if r.check == "controller" and r.ok and r.data.get("default_password"):
            warn_factory_default(cx)
