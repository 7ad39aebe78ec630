"""`avictl node list|show`: the Mesos master's agents, each joined with the Service Engine on it."""

from __future__ import annotations

from typing import Any

import typer

from .. import errors
from ._common import new_group
from .context import Context

group = new_group("Mesos agents from the Mesos master, each with the Avi Service Engine on it.\n\n"
                  "Examples:\n\n\b\n  avictl node list\n  avictl node list --check\n"
                  "  avictl node show 10.0.1.10")


def register(root: typer.Typer) -> None:
    root.add_typer(group, name="node")


def _ratio(used: Any, total: Any, unit: str = "") -> str | None:
    if total is None:
        return None
    u = "?" if used is None else f"{used:g}"
    return f"{u}/{total:g}{unit}"


def _se_state(value: Any) -> str | None:
    return {"OPER_UP": "green", None: "red"}.get(value, "red")


def columns() -> list[Any]:
    from ..output import Column

    return [
        Column("ID", "id"),
        Column("HOSTNAME", "hostname"),
        Column("ACTIVE", "active", color=lambda v: "green" if v else "yellow"),
        Column("CPUS", lambda r: _ratio(r.get("cpus_used"), r.get("cpus"))),
        Column("MEM", lambda r: _ratio(r.get("mem_used"), r.get("mem"), " MB")),
        Column("SE", "se"),
        Column("SE STATE", "se_state", color=_se_state),
        Column("ADDRESS", "address", wide=True),
        Column("VIRTUAL SERVICES", "vss", wide=True),
    ]


def _clients(cx: Context, mesos: str | None) -> tuple[Any, Any]:
    if mesos:  # the flag beats MESOS_MASTER_URL and the profile
        from ..config import validate_url

        cx.settings.mesos = validate_url("--mesos", mesos)
        cx.settings.sources["mesos"] = "flag"
    return cx.mesos(), (cx.avi() if cx.has_controller else None)


MESOS_OPTION = typer.Option(None, "--mesos", metavar="URL",
                            help="Mesos master URL (else MESOS_MASTER_URL, the profile's mesos, or <dcos>/mesos).")


@group.command("list")
def node_list(
    ctx: typer.Context,
    check: bool = typer.Option(False, "--check", help="Exit 1 naming every active node without an SE that is up."),
    mesos: str = MESOS_OPTION,
) -> None:
    """List Mesos agents: ID, HOSTNAME, ACTIVE, CPUS and MEM used/total, SE, SE STATE.

    The seed's architecture runs one Service Engine on every node: --check fails (exit 1)
    and names each active node whose SE is missing or not up. An inactive agent needs none.

    Examples:

    \b
      avictl node list
      avictl node list --check
      avictl node list -o json --query "[?se_state!='OPER_UP'].hostname"
    """
    from ..names_cache import tee
    from ..ops.nodes import gather_nodes, nodes_without_se_up

    cx: Context = ctx.obj
    mesos_client, avi = _clients(cx, mesos)
    if check and avi is None:
        raise errors.UsageError("--check needs a controller to read the Service Engines from",
                                "set AVI_CONTROLLER, or `avictl config set controller https://HOST`")
    rows, warnings = gather_nodes(mesos_client, avi)
    for w in warnings:
        cx.warn(w)
    cx.out.list(tee(cx.settings.profile, "node", rows, key="id"), columns(), name="id")
    if check:
        missing = nodes_without_se_up(rows)
        if missing:
            names = ", ".join(f"{r['hostname']} ({'SE ' + r['se'] + ' ' + str(r['se_state']) if r['se'] else 'no SE'})"
                              for r in missing)
            raise errors.AvictlError(f"{len(missing)} active node(s) without a Service Engine up: {names}",
                                     "see `avictl se list` and `avictl cloud status`")


@group.command("show")
def node_show(ctx: typer.Context, node: str = typer.Argument(..., metavar="ID|HOSTNAME", help="Agent id, host name or address."),
              mesos: str = MESOS_OPTION) -> None:
    """Show one Mesos agent with its resources and the Service Engine on it.

    Examples:

    \b
      avictl node show 10.0.1.10
      avictl node show 20170901-000000-16777343-5050-1-S0 -o json
    """
    from ..ops.nodes import find_node, gather_nodes

    cx: Context = ctx.obj
    mesos_client, avi = _clients(cx, mesos)
    rows, warnings = gather_nodes(mesos_client, avi)
    for w in warnings:
        cx.warn(w)
    row = find_node(rows, node)
    if row is None:
        raise errors.NotFound(f"no Mesos agent {node!r}", "list them with `avictl node list`")
    cx.out.show(row, [
        "id", "hostname", "address", "active",
        ("cpus", lambda r: _ratio(r.get("cpus_used"), r.get("cpus"))),
        ("mem", lambda r: _ratio(r.get("mem_used"), r.get("mem"), " MB")),
        "se", "se_state", ("virtual_services", "vss"),
    ])
