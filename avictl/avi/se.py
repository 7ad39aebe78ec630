"""Service Engines and the cloud's own status, read from the controller. Never prints.

Sources (avinetworks/sdk; tests/fixtures/avi/swagger/README.md):
- `GET /api/serviceengine-inventory` (docs/inventory.html): per SE `config` (uuid, name,
  cloud_ref, se_group_ref, enable_state, mgmt_ip_address, virtualservice_refs) and
  `runtime` (ServiceEngineRuntimeSummary: oper_status{state, reason}, version, hb_status);
- `GET /api/serviceengine/<uuid>/runtime/` (swagger/ServiceEngine.json; fields per the SDK's
  ServiceEngineRuntime: oper_status, se_connected, power_state, version);
- `GET /api/cloud/<uuid>/status/` (swagger/Cloud.json path; reply CloudStatus of
  vmware/alb-sdk go/models/cloud_status.go: state CLOUD_STATE_*, reason, cc_id, se_image_state),
  and `GET /api/cloud-inventory` (docs/inventory.html: each cloud's config and status at once).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .. import errors
from .vip import ref_label

SE_UP = "OPER_UP"
CLOUD_READY = "CLOUD_STATE_PLACEMENT_READY"


def summarize_se(item: dict[str, Any]) -> dict[str, Any]:
    """One row of `se list` from an inventory item (or a plain SE object with `runtime`)."""
    cfg = item.get("config") if isinstance(item.get("config"), dict) else item
    rt = item.get("runtime") if isinstance(item.get("runtime"), dict) else {}
    oper = rt.get("oper_status") if isinstance(rt.get("oper_status"), dict) else {}
    mgmt = cfg.get("mgmt_ip_address") if isinstance(cfg.get("mgmt_ip_address"), dict) else {}
    address = mgmt.get("addr") or _mgmt_vnic_address(cfg)
    vss = [ref_label(r) for r in cfg.get("virtualservice_refs") or [] if isinstance(r, str)]
    reason = oper.get("reason")
    return {
        "name": cfg.get("name"),
        "uuid": cfg.get("uuid"),
        "node": address or cfg.get("name"),
        "address": address,
        "state": oper.get("state") or "OPER_UNKNOWN",
        "reason": "; ".join(reason) if isinstance(reason, list) else reason,
        "vss": vss,
        "version": rt.get("version"),
        "cloud": ref_label(cfg.get("cloud_ref")),
        "enable_state": cfg.get("enable_state"),
    }


def _mgmt_vnic_address(cfg: dict[str, Any]) -> str | None:
    vnic = cfg.get("mgmt_vnic") if isinstance(cfg.get("mgmt_vnic"), dict) else {}
    for net in vnic.get("vnic_networks") or []:
        addr = ((net or {}).get("ip") or {}).get("ip_addr") or {}
        if addr.get("addr"):
            return addr["addr"]
    return None


def list_service_engines(client: Any, *, cloud: str | None = None) -> Iterator[dict[str, Any]]:
    params: dict[str, Any] = {"include_name": "true"}
    if cloud:
        params["cloud_ref.name"] = cloud
    for item in client.iter_objects("serviceengine-inventory", params):
        if isinstance(item, dict):
            yield summarize_se(item)


def get_service_engine(client: Any, name_or_uuid: str) -> dict[str, Any]:
    """`se show`: the summary plus the full runtime (connected, power state, reason)."""
    key = "uuid" if name_or_uuid.startswith("se-") else "name"
    data = client.session.request("GET", "/api/serviceengine-inventory",
                                  params={key: name_or_uuid, "include_name": "true"})
    results = (data or {}).get("results") if isinstance(data, dict) else None
    if not results and key == "name":
        data = client.session.request("GET", "/api/serviceengine-inventory",
                                      params={"uuid": name_or_uuid, "include_name": "true"})
        results = (data or {}).get("results") if isinstance(data, dict) else None
    if not results or not isinstance(results[0], dict):
        raise errors.NotFound(f"Service Engine {name_or_uuid!r} not found", "list them with `avictl se list`")
    item = summarize_se(results[0])
    runtime = client.session.request("GET", f"/api/serviceengine/{item['uuid']}/runtime/")
    if isinstance(runtime, dict):
        item["connected"] = runtime.get("se_connected")
        item["power_state"] = runtime.get("power_state")
        oper = runtime.get("oper_status") if isinstance(runtime.get("oper_status"), dict) else {}
        if oper.get("reason") and not item.get("reason"):
            reason = oper["reason"]
            item["reason"] = "; ".join(reason) if isinstance(reason, list) else reason
    return item


def cloud_statuses(client: Any, name: str | None = None) -> list[dict[str, Any]]:
    """The controller's own view of each cloud (or the named one): state, reason."""
    if name:
        clouds = [client.get_cloud(name)]
    else:
        clouds = list(client.list_clouds())
    rows = []
    for cloud in clouds:
        data = client.session.request("GET", f"/api/cloud/{cloud['uuid']}/status/")
        if not isinstance(data, dict):
            raise errors.RemoteError(f"GET /api/cloud/{cloud['uuid']}/status/: unexpected reply (not an object)")
        rows.append({"name": cloud["name"], "uuid": cloud["uuid"], "type": cloud.get("type"),
                     "state": data.get("state") or "CLOUD_STATE_UNKNOWN", "reason": data.get("reason"),
                     "ready": data.get("state") == CLOUD_READY})
    return rows


def mesos_cloud_status(client: Any) -> dict[str, Any] | None:
    """The first Mesos cloud's status in one read of `/api/cloud-inventory` (config + status), or None."""
    for item in client.iter_objects("cloud-inventory", {"include_name": "true"}):
        cfg = item.get("config") if isinstance(item, dict) and isinstance(item.get("config"), dict) else {}
        if cfg.get("vtype") != "CLOUD_MESOS":
            continue
        status = item.get("status") if isinstance(item.get("status"), dict) else {}
        return {"name": cfg.get("name"), "uuid": cfg.get("uuid"), "type": cfg.get("vtype"),
                "state": status.get("state") or "CLOUD_STATE_UNKNOWN", "reason": status.get("reason"),
                "ready": status.get("state") == CLOUD_READY}
    return None
