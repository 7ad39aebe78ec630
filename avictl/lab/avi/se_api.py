"""Service Engines of the Mesos cloud and the cloud's status API.

Sources (tests/fixtures/avi/swagger/README.md, tests/fidelity/README.md):
- avinetworks/sdk swagger/ServiceEngine.json: `/serviceengine` (with `join_subresources=runtime`),
  `/serviceengine/{uuid}`, `/serviceengine/{uuid}/runtime/`; the object's fields (name, uuid,
  cloud_ref, se_group_ref, enable_state, mgmt_vnic{vnic_networks[{ip{ip_addr}}]}, resources);
- avinetworks/sdk docs/inventory.html: `/serviceengine-inventory` items {uuid, config{uuid, name,
  cloud_ref, se_group_ref, enable_state, mgmt_ip_address, virtualservice_refs}, runtime}, and the
  runtime's fields per python/avi/migrationtools/pb_attributes.yaml (ServiceEngineRuntime:
  oper_status, se_connected, power_state, version; ServiceEngineRuntimeSummary: oper_status,
  version, hb_status, migrate_state); OperationalStatus{state, reason[], last_changed_time};
- swagger/Cloud.json `/cloud/{uuid}/status/` with the CloudStatus reply of vmware/alb-sdk
  go/models/cloud_status.go {cc_id, state CLOUD_STATE_*, reason}; and `/cloud-inventory`
  (docs/inventory.html: CloudInventory {config: Cloud, status: CloudStatus}).

The Mesos cloud learns its agents from the Mesos master (`mesos_url`, `/master/slaves`) and
runs one SE on every active agent (MESOS_SE_CREATE_FLEET), named by the agent's host name.
East-west virtual services are placed on every SE that is up. Admin hook:
`POST /_lab/se {"name": N, "state": "stopped"|"up"}` or `{"name": N, "up_in": seconds}`;
`POST /_lab/se_boot {"seconds": S}` makes SEs of new agents come up S seconds after they appear.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from typing import Any

from ..base import Request, Response
from .model import new_uuid

CLOUD_READY = "CLOUD_STATE_PLACEMENT_READY"


class ServiceEngineApiMixin:
    objects: dict[str, dict[str, dict[str, Any]]]
    state_lock: threading.RLock
    version: str
    marathon_url: str | None
    sync_error: str | None
    default_cloud: dict[str, Any]

    def reset_engines(self) -> None:
        self.ses: dict[str, dict[str, Any]] = {}  # uuid -> SE
        self.mesos_error: str | None = None
        self.se_boot_seconds = getattr(self, "se_boot_seconds", 0.0)
        self._agents_seen = 0.0

    # -- the agents and their SEs -----------------------------------------------------------

    def _agents(self) -> list[dict[str, Any]] | None:
        """The Mesos master's agents (hostname, ip, active), or None when it cannot be read."""
        url = getattr(self, "mesos_url", None)
        if not url:
            static = getattr(self, "se_hosts", None) or []
            return [{"hostname": h, "ip": h, "active": True} for h in static]
        try:
            with urllib.request.urlopen(f"{url.rstrip('/')}/master/slaves", timeout=5) as resp:
                slaves = json.loads(resp.read().decode("utf-8")).get("slaves", [])
        except Exception as exc:  # the master is down: keep the SEs, say so in the cloud status
            self.mesos_error = f"{type(exc).__name__}: {exc}"
            return None
        self.mesos_error = None
        agents = []
        for s in slaves:
            pid = str(s.get("pid") or "")
            ip = pid.split("@", 1)[-1].split(":", 1)[0] if "@" in pid else s.get("hostname")
            agents.append({"hostname": s.get("hostname") or ip, "ip": ip, "active": bool(s.get("active", True))})
        return agents

    def sync_engines(self) -> None:
        agents = self._agents()
        if agents is None:
            return
        now = time.monotonic()
        with self.state_lock:
            by_host = {se["name"]: se for se in self.ses.values()}
            for agent in agents:
                se = by_host.get(agent["hostname"])
                if se is None and agent["active"]:
                    uid = f"se-{new_uuid()}"
                    se = {"uuid": uid, "name": agent["hostname"], "ip": agent["ip"], "stopped": False,
                          "up_at": now + self.se_boot_seconds, "changed": time.time()}
                    self.ses[uid] = se
                if se is not None:
                    se["agent_active"] = agent["active"]
            gone = {se["name"] for se in self.ses.values()} - {a["hostname"] for a in agents}
            for se in self.ses.values():
                if se["name"] in gone:
                    se["agent_active"] = False

    def se_state(self, se: dict[str, Any]) -> tuple[str, list[str], bool]:
        """(oper state, reasons, connected) of one SE now."""
        if se["stopped"]:
            return "OPER_DOWN", ["SE heartbeat lost: the Service Engine container is not running"], False
        if time.monotonic() < se["up_at"]:
            return "OPER_CREATING", ["Service Engine is being created"], False
        if not se.get("agent_active", True):
            return "OPER_DOWN", ["Host is no longer an active Mesos agent"], False
        return "OPER_UP", [], True

    def se_vss(self, se: dict[str, Any]) -> list[str]:
        """The virtual services placed on this SE: every VS of the Mesos cloud, on each SE that is up."""
        if self.se_state(se)[0] != "OPER_UP":
            return []
        cloud = self.default_cloud["uuid"]
        return [uid for uid, vs in self.objects["virtualservice"].items()
                if vs.get("cloud_uuid") == cloud and not vs.get("_seeded")]

    # -- rendering --------------------------------------------------------------------------

    def se_config(self, se: dict[str, Any], ctx: dict[str, Any], include_name: bool) -> dict[str, Any]:
        ref = self.ref  # type: ignore[attr-defined]
        return {
            "url": ref(ctx, "serviceengine", se["uuid"], False) + (f"#{se['name']}" if include_name else ""),
            "uuid": se["uuid"], "name": se["name"],
            "cloud_ref": ref(ctx, "cloud", self.default_cloud["uuid"], include_name),
            "tenant_ref": ref(ctx, "tenant", "admin", include_name),
            "se_group_ref": f"{ctx['base']}/api/serviceenginegroup/serviceenginegroup-{self.default_cloud['uuid'][6:]}"
                            + ("#Default-Group" if include_name else ""),
            "enable_state": "SE_STATE_ENABLED", "container_mode": True, "container_type": "CONTAINER_TYPE_HOST",
            "controller_created": True, "availability_zone": "",
            "mgmt_vnic": {"if_name": "eth0", "linux_name": "eth0", "connected": True, "is_mgmt": True,
                          "mac_address": "02:42:ac:11:00:02", "enabled": True, "dhcp_enabled": True,
                          "vnic_networks": [{"ip": {"ip_addr": {"addr": se["ip"], "type": "V4"}, "mask": 24},
                                             "mode": "DHCP", "ctlr_alloc": False}]},
            "resources": {"num_vcpus": 2, "memory": 2048, "disk": 10, "sockets": 1, "cores_per_socket": 2,
                          "hyper_threading": False},
            "_last_modified": str(int(se["changed"] * 1_000_000)),
        }

    def se_runtime(self, se: dict[str, Any], summary: bool = False) -> dict[str, Any]:
        state, reasons, connected = self.se_state(se)
        oper = {"state": state, "reason": reasons,
                "last_changed_time": {"secs": int(se["changed"]), "usecs": 0}}
        version = self.version
        if summary:
            return {"oper_status": oper, "version": version, "migrate_state": "SE_MIGRATE_STATE_IDLE",
                    "hb_status": {"num_outstanding_hb": 0 if connected else 3,
                                  "last_hb_req_sent": "", "last_hb_resp_recv": ""}}
        return {"oper_status": oper, "se_connected": connected, "prev_se_connected": connected,
                "power_state": "SE_POWER_ON" if not se["stopped"] else "SE_POWER_OFF", "version": version,
                "at_curr_ver": True, "gateway_up": connected, "migrate_state": "SE_MIGRATE_STATE_IDLE",
                "inband_mgmt": False, "creation_in_progress": state == "OPER_CREATING",
                "delete_in_progress": False, "state_name": "SeMgrFsmMap::Active" if connected
                else "SeMgrFsmMap::Inactive"}

    # -- requests ---------------------------------------------------------------------------

    def _selected_ses(self, req: Request, ctx: dict[str, Any]) -> list[dict[str, Any]]:
        with self.state_lock:
            items = sorted(self.ses.values(), key=lambda s: s["name"])
        uuid_filter = req.arg("uuid")
        if uuid_filter is not None:
            items = [s for s in items if s["uuid"] in uuid_filter.split(",")]
        name = req.arg("name")
        if name is not None:
            items = [s for s in items if s["name"] == name]
        cloud_name = req.arg("cloud_ref.name")
        if cloud_name is not None and cloud_name != self.default_cloud["name"]:
            items = []
        return items

    def handle_engines(self, req: Request, ctx: dict[str, Any], parts: list[str]) -> Response | None:
        """Routes of this mixin, or None when the path is not one of them."""
        otype = parts[0]
        include_name = "include_name" in req.query
        if otype == "cloud" and len(parts) == 3 and parts[2] == "status" and req.method == "GET":
            cloud = self.objects["cloud"].get(parts[1])
            if cloud is None:
                return Response.json({"error": "Cloud object not found!"}, 404)
            return Response.json(self.cloud_status(cloud))
        if otype == "cloud-inventory" and len(parts) == 1 and req.method == "GET":
            paged = self._selected_page(req, ctx, "cloud")  # type: ignore[attr-defined]
            if isinstance(paged, Response):
                return paged
            chunk, meta = paged
            results = [{"uuid": cl["uuid"], "config": self.render("cloud", cl, ctx, req),  # type: ignore[attr-defined]
                        "status": self.cloud_status(cl)} for cl in chunk]
            return Response.json({"count": meta["count"], "results": results,
                                  **({"next": meta["next"]} if "next" in meta else {})})
        if otype not in ("serviceengine", "serviceengine-inventory"):
            return None
        if req.method != "GET":
            return Response.json({"error": f"Method {req.method} not allowed"}, 405)
        self.sync_engines()
        if len(parts) == 1:
            paged = self._page(req, self._selected_ses(req, ctx))  # type: ignore[attr-defined]
            if isinstance(paged, Response):
                return paged
            chunk, meta = paged
            results = []
            with self.state_lock:
                for se in chunk:
                    cfg = self.se_config(se, ctx, include_name)
                    if otype == "serviceengine-inventory":
                        inv_cfg = {k: cfg[k] for k in ("url", "uuid", "name", "cloud_ref", "tenant_ref",
                                                       "se_group_ref", "enable_state")}
                        inv_cfg["mgmt_ip_address"] = {"addr": se["ip"], "type": "V4"}
                        inv_cfg["virtualservice_refs"] = [self.ref(ctx, "virtualservice", u, include_name)  # type: ignore[attr-defined]
                                                          for u in self.se_vss(se)]
                        results.append({"uuid": se["uuid"], "config": inv_cfg,
                                        "runtime": self.se_runtime(se, summary=True)})
                    else:
                        if "runtime" in (req.arg("join_subresources") or ""):
                            cfg["runtime"] = self.se_runtime(se)
                        results.append(cfg)
            return Response.json({"count": meta["count"], "results": results,
                                  **({"next": meta["next"]} if "next" in meta else {})})
        with self.state_lock:
            se = self.ses.get(parts[1])
            if se is None or otype != "serviceengine":
                return Response.json({"error": "ServiceEngine object not found!"}, 404)
            if len(parts) == 2:
                return Response.json(self.se_config(se, ctx, include_name))
            if parts[2] == "runtime" and len(parts) == 3:
                return Response.json(self.se_runtime(se))
        return Response.json({"error": "Not found"}, 404)

    def cloud_status(self, cloud: dict[str, Any]) -> dict[str, Any]:
        if cloud.get("vtype") != "CLOUD_MESOS":
            return {"cc_id": cloud["uuid"], "state": "CLOUD_STATE_NOT_CONNECTED",
                    "reason": "Cloud is not configured"}
        self.sync(force=False)  # type: ignore[attr-defined]
        self.sync_engines()
        problems = []
        if self.sync_error:
            problems.append(f"Marathon {self.marathon_url} is not reachable: {self.sync_error}")
        if self.mesos_error:
            problems.append(f"Mesos master {getattr(self, 'mesos_url', '')} is not reachable: {self.mesos_error}")
        if problems:
            return {"cc_id": cloud["uuid"], "state": "CLOUD_STATE_FAILED", "reason": "; ".join(problems)}
        return {"cc_id": cloud["uuid"], "state": CLOUD_READY, "reason": "Cloud is ready for placement"}

    def engines_admin(self, what: str, body: dict[str, Any]) -> Response | None:
        if what == "se_boot":
            self.se_boot_seconds = float(body.get("seconds", 0))
            return Response.json({"seconds": self.se_boot_seconds})
        if what != "se":
            return None
        self.sync_engines()
        with self.state_lock:
            match = [s for s in self.ses.values() if body.get("name") in (s["name"], s["uuid"], s["ip"])]
            if not match:
                return Response.json({"message": "no such Service Engine"}, 404)
            for se in match:
                if "state" in body:
                    se["stopped"] = body["state"] == "stopped"
                if "up_in" in body:
                    se["up_at"] = time.monotonic() + float(body["up_in"])
                se["changed"] = time.time()
            return Response.json({"ses": [{"name": s["name"], "state": self.se_state(s)[0]} for s in match]})
