"""The plain objects avictl shows for controller objects: oper states, service ports, pools, clouds."""

from __future__ import annotations

from typing import Any

from .. import errors
from .vip import ref_label

STATES = {"up": "OPER_UP", "down": "OPER_DOWN", "disabled": "OPER_DISABLED", "initializing": "OPER_INITIALIZING",
          "unavailable": "OPER_UNAVAIL", "partitioned": "OPER_PARTITIONED", "inactive": "OPER_INACTIVE"}


class NoServicePort(errors.NotFound):
    """The virtual service has no service port of the kind asked for (`ssl`: an SSL one)."""

    def __init__(self, vs_name: str, ssl: bool):
        super().__init__(f"virtual service {vs_name!r} has no {'SSL' if ssl else 'non-SSL'} service port")
        self.vs_name, self.ssl = vs_name, ssl


def normalize_state(state: str) -> str:
    s = state.strip()
    if s.upper().startswith("OPER_"):
        return s.upper()
    if s.lower() in STATES:
        return STATES[s.lower()]
    raise errors.UsageError(f"unknown state {state!r}", "use one of: " + ", ".join(STATES))


def service_port(summary: dict[str, Any], ssl: bool = False) -> int | None:
    for svc in summary.get("services") or []:
        if bool(svc.get("enable_ssl")) == ssl and svc.get("port"):
            return int(svc["port"])
    return None


def summarize_pool(pool: dict[str, Any]) -> dict[str, Any]:
    servers = pool.get("servers") or []
    return {
        "name": pool.get("name"),
        "uuid": pool.get("uuid"),
        "servers": [f"{(s.get('ip') or {}).get('addr')}:{s.get('port') or pool.get('default_server_port')}"
                    for s in servers],
        "enabled": pool.get("enabled", True),
        "cloud": ref_label(pool.get("cloud_ref")),
        "tenant": ref_label(pool.get("tenant_ref")),
        "lb_algorithm": pool.get("lb_algorithm"),
    }


def summarize_cloud(cloud: dict[str, Any]) -> dict[str, Any]:
    mesos_cfg = cloud.get("mesos_configuration") or {}
    marathons = []
    for m in mesos_cfg.get("marathon_configurations") or []:
        marathons.append({"url": m.get("marathon_url"),
                          "public_port_range": _range(m.get("public_port_range")),
                          "private_port_range": _range(m.get("private_port_range")),
                          "tenant": m.get("tenant")})
    return {
        "name": cloud.get("name"),
        "uuid": cloud.get("uuid"),
        "type": cloud.get("vtype"),
        "marathon": marathons,
        "use_bridge_ip_as_vip": mesos_cfg.get("use_bridge_ip_as_vip") if mesos_cfg else None,
        # whether an ELB forwarding to the agents' addresses reaches the VSs (avi/apps.py)
        "services_accessible_all_interfaces": (bool(mesos_cfg.get("services_accessible_all_interfaces"))
                                               if mesos_cfg else None),
    }


def _range(r: dict[str, Any] | None) -> str | None:
    if not r:
        return None
    return f"{r.get('start')}-{r.get('end')}"
