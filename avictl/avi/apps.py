"""The virtual service the Mesos integration made for a Marathon app, and whether an ELB can reach it.

Finding it (names are not a contract: `framework_tag` / `vs_name_tag_framework` and apps in
groups change them, and the format is undocumented): through the app's pool first —
`pool?name=<app>-pool-<containerPort>`, then `virtualservice?refers_to=pool:<uuid>` (the
query the SDK's own samples use, `python/avi/sdk/samples/sticky_pool_group.py`) — then by the
names the app would get. Apps are looked up in every tenant (`X-Avi-Tenant: *`) unless one
is given, since the cloud's `marathon_configurations[].tenant` decides where they live. When
more than one VS remains (`/shop/cart` and `/shop-cart` both flatten to `shop-cart`), the
caller gets them all: picking one would be a guess.

An app of several ports has a VS per container port, each on that port's pool (swagger/
Cloud.json `http_container_ports`: the container ports "that create a HTTP Virtualservice
instead of a TCP/UDP VirtualService"): the app's VS — where the ELB sends traffic — is its
first container port's, and `app ports` shows each port's.

Reaching it: an ELB forwards to `<agent address>:<port>`. A Mesos cloud's service ports
answer on the agents' own interfaces only with `mesos_configuration.
services_accessible_all_interfaces` (swagger/Cloud.json: "Usually enabled AWS Mesos clusters
to export East-West services on Host interface"); without it the VS answers on its VIP (or
the bridge IP) only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .. import errors
from . import mesos
from .vip import ref_label, ref_name, ref_uuid

ALL_TENANTS = "*"


def _results(data: Any) -> list[dict[str, Any]]:
    results = data.get("results") if isinstance(data, dict) else None
    return [r for r in results if isinstance(r, dict)] if isinstance(results, list) else []


def app_vs_by_port(avi: Any, app_id: str, container_ports: list[int] | None = None, *,
                   tenant: str | None = None) -> dict[int, list[dict[str, Any]]]:
    """Raw VSs of the app through its pools, by the container port in the pool's name.

    The Mesos integration makes a VS per container port, on the pool of that port; two apps
    whose ids flatten alike (`/shop/cart`, `/shop-cart`) give one port more than one VS.
    """
    where = tenant or ALL_TENANTS
    flat = mesos.vs_name_for_app(app_id)
    pattern = re.compile(rf"^{re.escape(flat)}-pool-(\d+)$")
    if container_ports:
        pools = []
        for port in dict.fromkeys(int(p) for p in container_ports if p):
            pools += _results(avi.session.request("GET", "/api/pool", tenant=where,
                                                  params={"name": f"{flat}-pool-{port}"}))
    else:  # container ports unknown (no Marathon at hand): every `<app>-pool-<port>`
        pools = [p for p in _results(avi.session.request("GET", "/api/pool", tenant=where, params={
            "name.contains": f"{flat}-pool-", "page_size": 200})) if pattern.match(str(p.get("name")))]
    by_port: dict[int, dict[str, dict[str, Any]]] = {}
    for pool in pools:
        match = pattern.match(str(pool.get("name")))
        if not pool.get("uuid") or not match:
            continue
        found = by_port.setdefault(int(match.group(1)), {})
        for vs in _results(avi.session.request("GET", "/api/virtualservice", tenant=where, params={
                "refers_to": f"pool:{pool['uuid']}", "include_name": "true", "join_subresources": "runtime"})):
            found.setdefault(vs.get("uuid") or vs.get("name") or str(len(found)), vs)
    return {port: list(found.values()) for port, found in by_port.items() if found}


def _unique(vss: Any) -> list[dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for vs in vss:
        found.setdefault(vs.get("uuid") or vs.get("name") or str(len(found)), vs)
    return list(found.values())


def _every(avi: Any, app_id: str, by_port: dict[int, list[dict[str, Any]]], tenant: str | None) -> list[dict[str, Any]]:
    """Every VS of the app found through its pools, else the VSs named as the integration names them."""
    return _unique(v for vss in by_port.values() for v in vss) or _by_name(avi, app_id, tenant)


def _by_name(avi: Any, app_id: str, tenant: str | None) -> list[dict[str, Any]]:
    return _unique(vs for name in mesos.candidate_vs_names(app_id)
                   for vs in _results(avi.session.request("GET", "/api/virtualservice", tenant=tenant or ALL_TENANTS,
                                                          params={"name": name, "include_name": "true",
                                                                  "join_subresources": "runtime"})))


def single_app_vs(avi: Any, app_id: str, container_ports: list[int] | None = None, *,
                  tenant: str | None = None) -> dict[str, Any] | None:
    """The app's raw VS — of its first container port, where the ELB sends traffic — or None when
    there is none yet; Conflict (exit 4) naming them when several remain (two apps whose ids
    flatten alike, or an app of several ports whose first port is not known)."""
    by_port = app_vs_by_port(avi, app_id, container_ports, tenant=tenant)
    first = int(container_ports[0]) if container_ports and container_ports[0] else None
    found = by_port.get(first) if first is not None else None
    if not found:
        found = _every(avi, app_id, by_port, tenant)
    if len(found) > 1:
        raise errors.Conflict(f"app {mesos.loose_app_path(app_id)} matches {len(found)} virtual services: "
                              + ", ".join(vs_label(v) for v in found), "name the virtual service instead of the app")
    return found[0] if found else None


@dataclass
class AppVsIndex:
    """The app's VSs as found: by the container port of their pool, and all of them."""

    app_id: str
    by_port: dict[int, list[dict[str, Any]]]
    every: list[dict[str, Any]]


def app_vs_index(avi: Any, app_id: str, *, tenant: str | None = None) -> AppVsIndex:
    """Every VS of the app (through its pools `<app>-pool-<port>`, else by name), by port."""
    by_port = app_vs_by_port(avi, app_id, None, tenant=tenant)
    return AppVsIndex(app_id, by_port, _every(avi, app_id, by_port, tenant))


def port_vs_ports(index: AppVsIndex, rows: list[dict[str, Any]]) -> tuple[list[Any], list[str]]:
    """For each of an app's ports (rows with container_port and service_port, in order), the port
    its VS listens on: the VS on that port's pool, else a VS of the app with a service on the
    port's service or container port; "-" when there is none, or more than one (a warning
    names them). Returns (ports, warnings)."""
    from .summary import service_port

    ports: list[Any] = []
    warnings: list[str] = []
    if not index.every:
        warnings.append(f"no virtual service for app {mesos.loose_app_path(index.app_id)} yet")
    for row in rows:
        wanted = {row.get("service_port"), row.get("container_port")} - {None}

        def listens(vs: dict[str, Any]) -> int | None:
            return next((int(s["port"]) for s in vs.get("services") or [] if s.get("port") in wanted), None)

        candidates = index.by_port.get(row.get("container_port")) if row.get("container_port") else None
        if not candidates:
            candidates = [vs for vs in index.every if listens(vs) is not None]
        if len(candidates) > 1:
            warnings.append(f"port {row.get('container_port') or row.get('service_port')} of "
                            f"{mesos.loose_app_path(index.app_id)} matches {len(candidates)} virtual services: "
                            + ", ".join(vs_label(v) for v in candidates))
        vs = candidates[0] if len(candidates) == 1 else None
        port = None if vs is None else (listens(vs) or service_port(vs) or service_port(vs, ssl=True))
        ports.append("-" if port is None else port)
    return ports, warnings


def app_vs_port(avi: Any, app_id: str, container_ports: list[int] | None = None, *, ssl: bool = False,
                tenant: str | None = None) -> tuple[int, dict[str, Any]]:
    """(the port the app's VS listens on, read from the VS; the raw VS). NotFound (exit 3) if none."""
    from .summary import NoServicePort, service_port

    vs = single_app_vs(avi, app_id, container_ports, tenant=tenant)
    if vs is None:
        raise avi._no_vs_for_app(app_id)
    port = service_port(avi.summarize_vs(vs, {}), ssl)
    if port is None:
        raise NoServicePort(vs.get("name"), ssl)
    return port, vs


def vs_label(vs: dict[str, Any]) -> str:
    """'name' or 'name (tenant t)' for naming VSs in a message."""
    tenant = ref_label(vs.get("tenant_ref"))
    return f"{vs.get('name')}" + (f" (tenant {tenant})" if tenant else "")


@dataclass
class Reach:
    """Whether an ELB forwarding to the agents' addresses reaches the VS's port."""

    reachable: bool | None  # None: not a Mesos cloud, or the cloud could not be read
    placement: str  # "east-west" or "north-south"
    cloud: str | None
    reason: str


def elb_reach(avi: Any, vs: dict[str, Any]) -> Reach:
    placement = "east-west" if vs.get("east_west_placement") else "north-south"
    cloud_uuid = ref_uuid(vs.get("cloud_ref"))
    cloud_name = ref_name(vs.get("cloud_ref")) or cloud_uuid
    if not cloud_uuid:
        return Reach(None, placement, None, "the virtual service names no cloud")
    response = avi.session.send("GET", f"/api/cloud/{cloud_uuid}", tenant=ALL_TENANTS)
    try:
        cloud = response.json() if response.status_code == 200 else None
    except ValueError:
        cloud = None
    if not isinstance(cloud, dict):
        return Reach(None, placement, cloud_name, f"cloud {cloud_name} could not be read "
                                                  f"(HTTP {response.status_code})")
    cfg = cloud.get("mesos_configuration")
    cloud_name = cloud.get("name") or cloud_name
    if cloud.get("vtype") != "CLOUD_MESOS" or not isinstance(cfg, dict):
        return Reach(None, placement, cloud_name, f"cloud {cloud_name} is not a Mesos cloud")
    if cfg.get("services_accessible_all_interfaces"):
        return Reach(True, placement, cloud_name,
                     f"cloud {cloud_name} makes service ports accessible on all host interfaces")
    return Reach(False, placement, cloud_name,
                 f"cloud {cloud_name} does not make service ports accessible on the agents' own addresses "
                 f"(mesos_configuration.services_accessible_all_interfaces is off), so the {placement} virtual "
                 f"service {vs.get('name')} answers only on its VIP, not where the load balancer forwards")


def virtualservices_on_ports(avi: Any, ports: list[int]) -> list[dict[str, Any]]:
    """The raw VSs of every tenant with a service listening on one of `ports` (port..port_range_end).

    Light reads (names, services, pool and cloud references; no runtime, no VIPs), one listing
    for all the ports: what tells which app the traffic an ELB forwards to `<agent>:<port>`
    belongs to.
    """
    params = {"include_name": "true", "fields": "name,uuid,services,pool_ref,cloud_ref,cloud_type,tenant_ref,"
                                                  "east_west_placement"}
    found = []
    for vs in avi.iter_objects("virtualservice", params, tenant=ALL_TENANTS):
        for service in (vs.get("services") or []) if isinstance(vs, dict) else []:
            try:
                low = int(service.get("port"))
                high = int(service.get("port_range_end") or low)
            except (TypeError, ValueError):
                continue
            if any(low <= port <= high for port in ports):
                found.append(vs)
                break
    return found
