"""Mesos agents joined with the Service Engine on each (SPEC.md §10). Never prints.

The seed's architecture runs one Avi SE on every Mesos node; the controller's Mesos cloud
knows an SE by the host it runs on, so an agent and its SE meet on the agent's host name
or address (the IP of its pid) against the SE's management address, name or node.
"""

from __future__ import annotations

from typing import Any

SE_UP = "OPER_UP"


def _se_keys(se: dict[str, Any]) -> set[str]:
    return {str(v) for v in (se.get("address"), se.get("name"), se.get("node")) if v}


def join_nodes(agents: list[Any], ses: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per agent: id, hostname, address, active, cpus/mem used and total, its SE and SE state."""
    index: dict[str, dict[str, Any]] = {}
    for se in ses:
        for key in _se_keys(se):
            current = index.get(key)
            # Two SEs claiming one host (a replaced SE not yet deleted): the one that is up wins.
            if current is None or (current.get("state") != SE_UP and se.get("state") == SE_UP):
                index[key] = se
    rows = []
    for agent in agents:
        se = next((index[n] for n in (agent.hostname, agent.address) if n and n in index), None)
        rows.append({
            "id": agent.id, "hostname": agent.hostname, "address": agent.address, "active": agent.active,
            "cpus_used": agent.cpus_used, "cpus": agent.cpus, "mem_used": agent.mem_used, "mem": agent.mem,
            "se": se.get("name") if se else None, "se_uuid": se.get("uuid") if se else None,
            "se_state": se.get("state") if se else None, "vss": list(se.get("vss") or []) if se else [],
        })
    return rows


def nodes_without_se_up(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Active nodes whose SE is missing or not up (an inactive agent needs none)."""
    return [r for r in rows if r["active"] and r["se_state"] != SE_UP]


def find_node(rows: list[dict[str, Any]], key: str) -> dict[str, Any] | None:
    for row in rows:
        if key in (row["id"], row["hostname"], row["address"]):
            return row
    return None


def gather_nodes(mesos: Any, avi: Any | None) -> tuple[list[dict[str, Any]], list[str]]:
    """Agents and SEs read concurrently, joined → (rows, warnings). Without a controller, no SE columns."""
    from concurrent.futures import ThreadPoolExecutor

    from ..avi.se import list_service_engines

    warnings: list[str] = []
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="nodes") as pool:
        state = pool.submit(mesos.state)
        ses = pool.submit(lambda: list(list_service_engines(avi))) if avi is not None else None
        agents = state.result().agents
        engines = ses.result() if ses is not None else []
    if avi is None:
        warnings.append("no controller configured: the SE columns are empty")
    return join_nodes(agents, engines), warnings
