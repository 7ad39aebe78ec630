"""Reading an app's ports and network mode, whichever Marathon form (0.9–1.4 or 1.5+) it uses."""

from __future__ import annotations

from typing import Any


def port_mappings(app: dict[str, Any]) -> list[dict[str, Any]]:
    """The app's Docker port mappings in either form (1.5+ `container.portMappings` first)."""
    c = app.get("container") or {}
    pms = c.get("portMappings")
    if not pms:
        pms = (c.get("docker") or {}).get("portMappings")
    return list(pms or [])


def network_mode(app: dict[str, Any]) -> str:
    """'BRIDGE', 'HOST', 'USER' or 'NONE' whichever form the app uses (Marathon's 1.5 names mapped back)."""
    nets = app.get("networks")
    if nets:
        mode = (nets[0] or {}).get("mode", "container")
        return {"host": "HOST", "container/bridge": "BRIDGE", "container": "USER"}.get(mode, mode.upper())
    docker = (app.get("container") or {}).get("docker") or {}
    return docker.get("network") or "HOST"


def container_ports(defn: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per port: containerPort (None without a container), servicePort, hostPort, protocol, name."""
    rows = []
    pms = port_mappings(defn)
    if pms:
        for pm in pms:
            rows.append({"containerPort": pm.get("containerPort"), "hostPort": pm.get("hostPort"),
                         "servicePort": pm.get("servicePort"), "protocol": pm.get("protocol", "tcp"),
                         "name": pm.get("name")})
        return rows
    pds = defn.get("portDefinitions")
    if pds:
        return [{"containerPort": None, "hostPort": None, "servicePort": pd.get("port"),
                 "protocol": pd.get("protocol", "tcp"), "name": pd.get("name")} for pd in pds]
    return [{"containerPort": None, "hostPort": None, "servicePort": port, "protocol": "tcp", "name": None}
            for port in defn.get("ports") or []]


def service_ports(app: dict[str, Any]) -> list[int]:
    """The service ports Marathon assigned (0 until it has, e.g. in a 201 reply)."""
    ports = [r["servicePort"] for r in container_ports(app) if r["servicePort"] is not None]
    if not ports and app.get("ports"):
        ports = list(app["ports"])
    return [int(p) for p in ports]

