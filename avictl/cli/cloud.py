"""`avictl cloud list|show`: Avi clouds (a Mesos cloud shows its Marathon URL and port ranges)."""

from __future__ import annotations

from typing import Any

import typer

from ._common import new_group
from .context import Context

group = new_group("Avi clouds (a Mesos cloud shows its Marathon URL and port ranges) and their status.\n\n"
                  "Examples:\n\n\b\n  avictl cloud list\n  avictl cloud show Default-Cloud\n  avictl cloud status")


def register(root: typer.Typer) -> None:
    root.add_typer(group, name="cloud")


def _marathon_urls(item: dict[str, Any]) -> list[str]:
    return [m.get("url") for m in item.get("marathon") or [] if m.get("url")]


def _port_ranges(item: dict[str, Any]) -> list[str]:
    out = []
    for m in item.get("marathon") or []:
        if m.get("public_port_range"):
            out.append(f"public {m['public_port_range']}")
        if m.get("private_port_range"):
            out.append(f"private {m['private_port_range']}")
    return out


@group.command("list")
def cloud_list(ctx: typer.Context) -> None:
    """List clouds: NAME, TYPE, MARATHON (for Mesos clouds), PORT RANGES.

    Examples:

    \b
      avictl cloud list
      avictl cloud list -o json
    """
    from ..output import Column

    cx: Context = ctx.obj
    cx.out.list(cx.avi().list_clouds(), [
        Column("NAME", "name"),
        Column("TYPE", "type"),
        Column("MARATHON", _marathon_urls),
        Column("PORT RANGES", _port_ranges),
        Column("UUID", "uuid", wide=True),
    ])


@group.command("show")
def cloud_show(ctx: typer.Context, name: str = typer.Argument(..., metavar="NAME|UUID")) -> None:
    """Show a cloud; for a Mesos cloud its Marathon URL(s) and service port ranges.

    Examples:

    \b
      avictl cloud show Default-Cloud
    """
    cx: Context = ctx.obj
    item = cx.avi().get_cloud(name)
    cx.out.show(item, [
        "name",
        "uuid",
        "type",
        ("marathon", _marathon_urls),
        ("port_ranges", _port_ranges),
        "use_bridge_ip_as_vip",
    ])


@group.command("status")
def cloud_status(ctx: typer.Context,
                 name: str = typer.Argument(None, metavar="[NAME|UUID]", help="One cloud (default: every cloud).")
                 ) -> None:
    """The controller's own view of its clouds: STATE (CLOUD_STATE_PLACEMENT_READY when ready) and REASON.

    Read from the controller's cloud status API (GET /api/cloud/<uuid>/status/). Exit 1
    when a named cloud is not ready.

    Examples:

    \b
      avictl cloud status
      avictl cloud status Default-Cloud -o json
    """
    from .. import errors
    from ..avi.se import cloud_statuses
    from ..output import Column

    cx: Context = ctx.obj
    rows = cloud_statuses(cx.avi(), name)
    cx.out.list(rows, [
        Column("NAME", "name"),
        Column("TYPE", "type"),
        Column("STATE", "state", color=lambda v: "green" if v == "CLOUD_STATE_PLACEMENT_READY" else "red"),
        Column("REASON", "reason"),
        Column("UUID", "uuid", wide=True),
    ])
    if name and not rows[0]["ready"]:
        raise errors.AvictlError(f"cloud {rows[0]['name']} is {rows[0]['state']}"
                                 + (f": {rows[0]['reason']}" if rows[0].get("reason") else ""),
                                 "see `avictl status` for the links the cloud depends on")
