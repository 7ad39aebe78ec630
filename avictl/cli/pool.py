"""`avictl pool list|show`: Avi pools and their members' health."""

from __future__ import annotations

import typer

from ._common import new_group, oper_state_text
from ._options import ALL_TENANTS, TENANT
from .context import Context

group = new_group("Avi pools and their members' health.\n\n"
                  "Examples:\n\n\b\n  avictl pool list\n  avictl pool show webapp1-pool-80")


def register(root: typer.Typer) -> None:
    root.add_typer(group, name="pool")


@group.command("list")
def pool_list(
    ctx: typer.Context,
    name: str = typer.Option(None, "--name", metavar="GLOB", help="Only names matching this glob."),
    tenant: str = TENANT,
    all_tenants: bool = ALL_TENANTS,
) -> None:
    """List pools: NAME, SERVERS, CLOUD.

    Examples:

    \b
      avictl pool list
      avictl pool list --name 'webapp1-pool-*' -o json
    """
    from ..output import Column

    cx: Context = ctx.obj
    items = cx.avi().list_pools(name=name, tenant=tenant or None, all_tenants=all_tenants)
    cx.out.list(items, [
        Column("NAME", "name"),
        Column("SERVERS", "servers"),
        Column("CLOUD", "cloud"),
        Column("ENABLED", "enabled", wide=True),
        Column("TENANT", "tenant", wide=True),
        Column("UUID", "uuid", wide=True),
    ])


@group.command("show")
def pool_show(
    ctx: typer.Context,
    name: str = typer.Argument(..., metavar="NAME|UUID"),
    tenant: str = TENANT,
) -> None:
    """Show a pool and the health of each member.

    Examples:

    \b
      avictl pool show webapp1-pool-80
    """
    cx: Context = ctx.obj
    item = cx.avi().get_pool(name, tenant=tenant or None)
    cx.out.show(item, [
        "name",
        "uuid",
        "enabled",
        ("algorithm", "lb_algorithm"),
        ("members", lambda i: [f"{m['ip']}:{m['port']} {oper_state_text(m['health'])}" for m in i.get("members") or []]),
        "cloud",
        "tenant",
    ])
