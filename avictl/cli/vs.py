"""`avictl vs list|show|port`: Avi virtual services (parse, call the client, render — no HTTP here)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import typer

from .. import errors
from ._common import new_group, oper_state_text
from ._options import ALL_TENANTS, TENANT
from .context import Context

group = new_group("Avi virtual services: list, show, and the service port of an app.\n\n"
                  "Examples:\n\n\b\n  avictl vs list -o wide\n  avictl vs show /webapp1\n  avictl vs port /webapp1")


def register(root: typer.Typer) -> None:
    root.add_typer(group, name="vs")


# -- rendering helpers ----------------------------------------------------------------------

def _state_color(value: Any) -> str | None:
    text = str(value or "")
    if text.endswith("UP"):
        return "green"
    if text.endswith("DOWN") or text.endswith("UNAVAILABLE"):
        return "red"
    if text:
        return "yellow"
    return None


def _ports_text(item: dict[str, Any]) -> str:
    out = []
    for svc in item.get("services") or []:
        port, end = svc.get("port"), svc.get("port_range_end")
        text = f"{port}-{end}" if end and end != port else str(port)
        out.append(text + ("/ssl" if svc.get("enable_ssl") else ""))
    return ",".join(out) or "-"


def _vs_columns() -> list[Any]:
    from ..output import Column

    return [
        Column("NAME", "name"),
        Column("VIP", lambda i: ",".join(i.get("vips") or []) or "-"),
        Column("PORTS", _ports_text),
        Column("STATE", lambda i: oper_state_text(i.get("state")), color=_state_color),
        Column("POOL", "pool"),
        Column("APP", "app"),
        Column("CLOUD", "cloud"),
        Column("TENANT", "tenant", wide=True),
        Column("UUID", "uuid", wide=True),
    ]


def _known_apps(cx: Context) -> dict[str, str] | None:
    """Exact APP names from Marathon's app list when Marathon is configured (else a name guess)."""
    from ..ops.app_index import known_apps

    found = known_apps(cx.marathon() if cx.has_marathon else None)
    for warning in found.warnings:
        cx.warn(warning)
    return found.value


def _known_apps_later(cx: Context) -> Callable[[], dict[str, str] | None] | None:
    """`_known_apps`, read from Marathon beside the controller's first pages: the listing asks for
    them when it summarizes its first page (warnings are said then). A daemon thread, so that
    Ctrl-C or an error is not held up by a slow Marathon."""
    if not cx.has_marathon:
        return None
    import threading
    from concurrent.futures import Future

    from ..ops.app_index import known_apps

    marathon = cx.marathon()
    future: Future = Future()

    def read() -> None:
        try:
            future.set_result(known_apps(marathon))
        except BaseException as exc:  # handed to the listing, raised there
            future.set_exception(exc)

    threading.Thread(target=read, name="marathon-apps", daemon=True).start()

    def result() -> dict[str, str] | None:
        found = future.result()
        for warning in found.warnings:
            cx.warn(warning)
        return found.value

    return result


def _container_ports(cx: Context, target: str) -> list[int] | None:
    """An app's container ports from Marathon, when configured: an app of several ports has a VS
    per port, and its first port's is the app's. None for a VS name or when Marathon cannot say."""
    if not cx.has_marathon or "/" not in target:
        return None
    from ..marathon.appdef import AppId
    from ..ops.ports import app_container_ports

    try:
        return app_container_ports(cx.marathon(), AppId(target))
    except errors.AvictlError:
        return None


# -- vs -------------------------------------------------------------------------------------


@group.command("list")
def vs_list(
    ctx: typer.Context,
    name: str = typer.Option(None, "--name", metavar="GLOB", help="Only names matching this glob (web*, *-prod)."),
    cloud: str = typer.Option(None, "--cloud", metavar="NAME", help="Only virtual services of this cloud."),
    oper_state: str = typer.Option(None, "--state", metavar="STATE", help="up, down, disabled, ... (or OPER_UP)."),
    tenant: str = TENANT,
    all_tenants: bool = ALL_TENANTS,
) -> None:
    """List virtual services: NAME, VIP, PORTS, STATE, POOL, APP, CLOUD.

    Pages of 200 are fetched concurrently and printed as they arrive (-o jsonl/tsv stream).

    Examples:

    \b
      avictl vs list
      avictl vs list --name 'web*' --state down
      avictl vs list --cloud Default-Cloud --all-tenants -o jsonl
    """
    from ..avi.summary import normalize_state

    cx: Context = ctx.obj
    if oper_state:
        normalize_state(oper_state)  # bad values fail before any request
    if tenant and all_tenants:
        raise errors.UsageError("--tenant and --all-tenants exclude each other")
    client = cx.avi()
    items = client.list_virtualservices(name=name, cloud=cloud, state=oper_state, tenant=tenant or None,
                                        all_tenants=all_tenants, known_apps=_known_apps_later(cx))
    if not (name or cloud or oper_state or tenant or all_tenants):
        from ..names_cache import tee

        items = tee(cx.settings.profile, "vs", items)
    cx.out.list(items, _vs_columns())


@group.command("show")
def vs_show(
    ctx: typer.Context,
    name: str = typer.Argument(..., metavar="NAME|UUID|APP", help="VS name, uuid, or Marathon app id (/group/app)."),
    tenant: str = TENANT,
) -> None:
    """Show one virtual service: VIPs, services, state, pool members with health.

    -o json/yaml print avictl's summary (lower_snake keys) with the controller's own object
    under `config`.

    Examples:

    \b
      avictl vs show webapp1
      avictl vs show /webapp1 -o json
    """
    cx: Context = ctx.obj
    client = cx.avi()
    item = client.describe_virtualservice(name, tenant=tenant or None, known_apps=_known_apps(cx))
    cx.out.show(item, [
        "name",
        "uuid",
        ("state", lambda i: oper_state_text(i.get("state"))),
        "enabled",
        "vips",
        ("services", _ports_text),
        ("placement", lambda i: "east-west" if i.get("east_west") else "north-south"),
        "pool",
        ("members", lambda i: [f"{m['ip']}:{m['port']} {oper_state_text(m['health'])}" for m in i.get("members") or []]),
        "app",
        "cloud",
        "tenant",
    ])


@group.command("port")
def vs_port(
    ctx: typer.Context,
    target: str = typer.Argument(..., metavar="APP|VS", help="Marathon app id (/group/app) or VS name."),
    ssl: bool = typer.Option(False, "--ssl", help="The SSL service's port instead of the first non-SSL one."),
    tenant: str = TENANT,
) -> None:
    """Print just the service port of an app's virtual service (exit 3 when there is none).

    The controller makes a virtual service per container port: for an app of several ports
    this is its first container port's (read from Marathon when it is configured; without
    it, exit 4 naming the app's virtual services — pass one of their names instead).

    Examples:

    \b
      avictl vs port /webapp1
      curl "http://$AGENT_IP:$(avictl vs port /webapp1)/"   # the VS on one agent
      avictl vs port webapp1 --ssl
    """
    from ..avi.summary import NoServicePort

    cx: Context = ctx.obj
    try:
        port = cx.avi().vs_port_for_app(target, ssl=ssl, tenant=tenant or None,
                                        container_ports=_container_ports(cx, target))
    except NoServicePort as exc:
        exc.hint = "drop --ssl" if exc.ssl else "use --ssl for its SSL service"
        raise
    cx.out.value(port)
