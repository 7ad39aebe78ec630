"""The virtual service the Mesos integration made for a Marathon app, and whether an ELB can reach it.

Finding it (names are not a contract: `framework_tag` / `vs_name_tag_framework` and apps in
groups change them, and the format is undocumented): through the app's pool first —
`pool?name=<app>-pool-<containerPort>`, then `virtualservice?refers_to=pool:<uuid>` (the
query the SDK's own samples use, `python/avi/sdk/samples/sticky_pool_group.py`) — then by the
names the app would get. Apps are looked up in every tenant (`X-Avi-Tenant: *`) unless one
is given, since the cloud's `marathon_configurations[].tenant` decides where they live. When
more than one VS remains (`/shop/cart` and `/shop-cart` both flatten to `shop-cart`), the
caller gets them all: picking one would be a guess.

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
from .vip import ref_name, ref_uuid

ALL_TENANTS = "*"


def _results(data: Any) -> list[dict[str, Any]]:
    results = data.get("results") if isinstance(data, dict) else None
    return [r for r in results if isinstance(r, dict)] if isinstance(results, list) else []


def app_virtualservices(avi: Any, app_id: str, container_ports: list[int] | None = None, *,
                        tenant: str | None = None) -> list[dict[str, Any]]:
    """Raw VSs of the app: through its pools, else by name; [] when none (yet)."""
    where = tenant or ALL_TENANTS
    flat = mesos.vs_name_for_app(app_id)
    found: dict[str, dict[str, Any]] = {}
    if container_ports:
        pools = []
        for port in dict.fromkeys(int(p) for p in container_ports if p):
            pools += _results(avi.session.request("GET", "/api/pool", tenant=where,
                                                  params={"name": f"{flat}-pool-{port}"}))
    else:  # container ports unknown (no Marathon at hand): every `<app>-pool-<port>`
        pattern = re.compile(rf"^{re.escape(flat)}-pool-\d+$")
        pools = [p for p in _results(avi.session.request("GET", "/api/pool", tenant=where, params={
            "name.contains": f"{flat}-pool-", "page_size": 200})) if pattern.match(str(p.get("name")))]
    for pool in pools:
        if not pool.get("uuid"):
            continue
        for vs in _results(avi.session.request("GET", "/api/virtualservice", tenant=where, params={
                "refers_to": f"pool:{pool['uuid']}", "include_name": "true", "join_subresources": "runtime"})):
            found.setdefault(vs.get("uuid") or vs.get("name") or str(len(found)), vs)
    if found:
        return list(found.values())
    for name in mesos.candidate_vs_names(app_id):
        for vs in _results(avi.session.request("GET", "/api/virtualservice", tenant=where, params={
                "name": name, "include_name": "true", "join_subresources": "runtime"})):
            found.setdefault(vs.get("uuid") or vs.get("name") or str(len(found)), vs)
    return list(found.values())


def single_app_vs(avi: Any, app_id: str, container_ports: list[int] | None = None, *,
                  tenant: str | None = None) -> dict[str, Any] | None:
    """The app's raw VS, None when there is none yet; Conflict (exit 4) naming them when several."""
    found = app_virtualservices(avi, app_id, container_ports, tenant=tenant)
    if len(found) > 1:
        raise errors.Conflict(f"app {mesos.loose_app_path(app_id)} matches {len(found)} virtual services: "
                              + ", ".join(vs_label(v) for v in found), "name the virtual service instead of the app")
    return found[0] if found else None


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
    tenant = ref_name(vs.get("tenant_ref")) or ref_uuid(vs.get("tenant_ref"))
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


def virtualservices_on_port(avi: Any, port: int) -> list[dict[str, Any]]:
    """The raw VSs of every tenant with a service listening on `port` (port..port_range_end).

    Light reads (names, services, pool and cloud references; no runtime, no VIPs): what tells
    which app the traffic an ELB forwards to `<agent>:<port>` belongs to.
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
            if low <= port <= high:
                found.append(vs)
                break
    return found
