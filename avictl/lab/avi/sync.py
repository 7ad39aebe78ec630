"""The Mesos cloud connector: reads Marathon's apps and keeps, per app, a VsVip and a pool and a VS per container port."""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from typing import Any

from . import naming
from .model import EAST_WEST_VIP, NORTH_SOUTH_NET, new_uuid, pool_body, vs_body
from .naming import app_ports, avi_proxy, host_ip


class SyncMixin:
    marathon_url: str | None
    sync_interval: float
    sync_lock: threading.Lock
    state_lock: threading.RLock
    objects: dict[str, dict[str, dict[str, Any]]]
    app_objects: dict[str, dict[str, Any]]
    default_cloud: dict[str, Any]

    def sync(self, force: bool = False) -> None:
        if not self.marathon_url:
            return
        if not force and time.monotonic() - self.last_sync < self.sync_interval:
            return
        with self.sync_lock:
            if not force and time.monotonic() - self.last_sync < self.sync_interval:
                return
            try:
                request = urllib.request.Request(f"{self.marathon_url}/v2/apps?embed=apps.tasks")
                if getattr(self, "marathon_token", None):  # the cloud's DC/OS service-account token
                    request.add_header("Authorization", f"token={self.marathon_token}")
                with urllib.request.urlopen(request, timeout=5) as resp:
                    apps = json.loads(resp.read().decode("utf-8")).get("apps", [])
            except Exception as exc:  # Marathon down: keep what we have, like the controller does
                self.sync_error = f"{type(exc).__name__}: {exc}"
                self.last_sync = time.monotonic()
                return
            self.sync_error = None
            with self.state_lock:
                seen = set()
                for app in apps:
                    if app.get("id"):
                        seen.add(app["id"])
                        self._sync_app(app)
                for app_id in list(self.app_objects):
                    if app_id not in seen:
                        for otype, uid in self.app_objects.pop(app_id)["objects"]:
                            self.objects[otype].pop(uid, None)
            self.last_sync = time.monotonic()

    def _sync_app(self, app: dict[str, Any]) -> None:
        app_id = "/" + app["id"].strip("/")
        labels = app.get("labels") or {}
        proxy = avi_proxy(labels)
        mesos_cfg = self.default_cloud.get("mesos_configuration") or {}
        marathon_cfg = (mesos_cfg.get("marathon_configurations") or [{}])[0]
        label_tenant = proxy.get("tenant") if isinstance(proxy.get("tenant"), str) else None
        tenant = marathon_cfg.get("tenant") or label_tenant or "admin"  # the cloud's tenant wins
        if self.tenant_uuid(tenant) is None:
            self._store("tenant", {"name": tenant, "uuid": f"tenant-{new_uuid()}", "local": True})
        ports = app_ports(app)
        if not ports:
            return
        tag = (marathon_cfg.get("framework_tag") or "marathon") if marathon_cfg.get("vs_name_tag_framework") else None
        vs_name = naming.vs_name(app_id, tag)
        running = int(app.get("tasksRunning") or 0)
        tasks = [t for t in app.get("tasks") or [] if t.get("state", "TASK_RUNNING") == "TASK_RUNNING"]
        known = self.app_objects.get(app_id, {"objects": [], "ids": {}})
        ids = known["ids"]
        cloud_uuid = self.default_cloud["uuid"]
        pools = []
        for index, (container_port, service_port) in enumerate(ports):
            servers = []
            for task in tasks:
                host_ports = task.get("ports") or []
                if index < len(host_ports):
                    healthy = all(h.get("alive", True) for h in task.get("healthCheckResults") or [])
                    servers.append({"ip": {"addr": host_ip(task.get("host", "")), "type": "V4"},
                                    "hostname": task.get("host", ""), "port": host_ports[index],
                                    "enabled": True, "_healthy": healthy})
            pool = pool_body(naming.pool_name(app_id, container_port), cloud_uuid, servers)
            pool.update(proxy.get("pool") or {})
            pools.append(self._upsert(ids, f"pool:{index}", "pool", pool, tenant))
        north_south = str(labels.get("FE-Proxy", "")).lower() in ("yes", "true", "1")
        pinned = labels.get("FE-Proxy-VIP")
        if pinned:
            addr = pinned
        elif north_south:
            existing = self.objects["vsvip"].get(ids.get("vsvip", ""))
            if existing:
                addr = existing["vip"][0]["ip_address"]["addr"]
            else:
                self._vip_counter += 1
                addr = f"{NORTH_SOUTH_NET}{self._vip_counter}"
        else:
            addr = EAST_WEST_VIP
        vsvip = self._upsert(ids, "vsvip", "vsvip", {"name": f"vsvip-{vs_name}", "cloud_uuid": cloud_uuid,
                                                    "vip": [{"vip_id": "0", "ip_address": {"addr": addr,
                                                                                          "type": "V4"}}]}, tenant)
        container_port_as_service = north_south and mesos_cfg.get("feproxy_container_port_as_service", True)
        vs_over = dict(proxy.get("virtualservice") or {})
        services_over = vs_over.pop("services", None)
        # One VS per container port, each on its own pool (MesosConfiguration.http_container_ports:
        # "container ports that create a HTTP Virtualservice instead of a TCP/UDP VirtualService"):
        # the first keeps the app's name, the others add their container port.
        for index, (cp, sp) in enumerate(ports):
            port = cp if container_port_as_service else sp
            services = [{"port": port, "port_range_end": port, "enable_ssl": False}]
            if index == 0 and isinstance(services_over, list):
                services = [{"port_range_end": s.get("port"), "enable_ssl": False, **s} for s in services_over]
            pool = pools[index]
            oper = "OPER_UP" if running > 0 and any(s["_healthy"] for s in pool["servers"]) else "OPER_DOWN"
            vs = vs_body(vs_name if index == 0 else f"{vs_name}-{cp}", cloud_uuid, pool["uuid"], vsvip["uuid"],
                         services, oper=oper)
            vs["east_west_placement"] = not (north_south or pinned)
            vs["cloud_type"] = "CLOUD_MESOS"
            vs.update(vs_over)
            self._upsert(ids, "vs" if index == 0 else f"vs:{index}", "virtualservice", vs, tenant)
        objs = [("pool", ids[f"pool:{i}"]) for i in range(len(ports))] + [("vsvip", ids["vsvip"])] + \
            [("virtualservice", ids["vs" if i == 0 else f"vs:{i}"]) for i in range(len(ports))]
        self.app_objects[app_id] = {"objects": objs, "ids": ids}

    def _upsert(self, ids: dict[str, str], key: str, otype: str, body: dict[str, Any], tenant: str) -> dict[str, Any]:
        existing = self.objects[otype].get(ids.get(key, ""))
        if existing is not None:
            body["uuid"] = existing["uuid"]
            comparable = {k: v for k, v in existing.items() if k not in ("_last_modified", "_tenant")}
            if comparable == body and existing["_tenant"] == tenant:
                return existing
        obj = self._store(otype, body, tenant)
        ids[key] = obj["uuid"]
        return obj
