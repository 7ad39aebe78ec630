"""`avictl se list|show`: the controller's Service Engines, the node each runs on and the VSs placed on it."""

from __future__ import annotations

from typing import Any

import typer

from ._common import new_group
from .context import Context

group = new_group("Avi Service Engines: the node each runs on, its state and the virtual services "
                  "placed on it.\n\nExamples:\n\n\b\n  avictl se list\n  avictl se show 10.0.1.10")


def register(root: typer.Typer) -> None:
    root.add_typer(group, name="se")


def _state(value: Any) -> str | None:
    return {"OPER_UP": "green", "OPER_CREATING": "yellow"}.get(str(value), "red")


def columns() -> list[Any]:
    from ..output import Column

    return [
        Column("NAME", "name"),
        Column("NODE", "node"),
        Column("STATE", "state", color=_state),
        Column("VSS", lambda r: len(r.get("vss") or [])),
        Column("VERSION", "version"),
        Column("CLOUD", "cloud"),
        Column("VIRTUAL SERVICES", "vss", wide=True),
        Column("REASON", "reason", wide=True),
        Column("UUID", "uuid", wide=True),
    ]


@group.command("list")
def se_list(ctx: typer.Context, cloud: str = typer.Option(None, "--cloud", metavar="NAME", help="Only the SEs of this cloud.")) -> None:
    """List Service Engines: NAME, NODE, STATE, VSS (placed), VERSION, CLOUD.

    Examples:

    \b
      avictl se list
      avictl se list -o wide
      avictl se list --cloud Default-Cloud -o json
    """
    from ..avi.se import list_service_engines
    from ..names_cache import tee

    cx: Context = ctx.obj
    items = list_service_engines(cx.avi(), cloud=cloud)
    cx.out.list(items if cloud else tee(cx.settings.profile, "se", items), columns())


@group.command("show")
def se_show(ctx: typer.Context, name: str = typer.Argument(..., metavar="NAME|UUID", help="Service Engine name or uuid.")) -> None:
    """Show one Service Engine: node, state and reason, connection, version, placed virtual services.

    Examples:

    \b
      avictl se show 10.0.1.10
      avictl se show se-4c2f... -o json
    """
    from ..avi.se import get_service_engine

    cx: Context = ctx.obj
    item = get_service_engine(cx.avi(), name)
    cx.out.show(item, [
        "name", "uuid", "node", "state", "reason", "connected", ("power", "power_state"), "version", "cloud",
        ("virtual_services", "vss"),
    ])
