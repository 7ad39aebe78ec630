"""The Avi stand-in's server: state, admin hooks and request routing (see the package's docstring)."""

from __future__ import annotations

import secrets
import threading
import time
from typing import Any

from ..base import LabServer, Request, Response
from ..traffic import Traffic
from .model import (
    COLLECTIONS,
    CSRF_FAILURE,
    DEFAULT_PASSWORD,
    DEFAULT_USER,
    TYPE_TITLE,
    VERSION_WHEN_ABSENT,
    full_version,
    new_uuid,
    pool_body,
    version_tuple,
    vs_body,
)
from .engines import EnginesMixin
from .se_api import ServiceEngineApiMixin
from .queries import QueryMixin
from .render import RenderMixin
from .session import SessionMixin
from .sync import SyncMixin
from .writes import WriteMixin


class AviLab(SessionMixin, RenderMixin, QueryMixin, WriteMixin, SyncMixin, EnginesMixin, ServiceEngineApiMixin,
            LabServer):
    name = "avi"

    def __init__(self, marathon_url: str | None = None, version: str = "22.1.3", *, tls: Any = None,
                 host: str = "127.0.0.1", port: int = 0, username: str = DEFAULT_USER,
                 password: str = DEFAULT_PASSWORD, idle_timeout: float = 15 * 60, sync_interval: float = 0.5,
                 port_range: tuple[int, int] = (10000, 20000), bulk_uuid_filter: bool = True,
                 cap_page_size: int | None = None, runtime_with_fields: bool = True,
                 mesos: dict[str, Any] | None = None, marathon_config: dict[str, Any] | None = None,
                 traffic: Traffic | None = None, mesos_url: str | None = None, se_hosts: list[str] | None = None,
                 se_boot_seconds: float = 0.0):
        self.version = full_version(version)
        self.mesos_url = mesos_url.rstrip("/") if mesos_url else None  # the cloud's Mesos master: agents → SEs
        self.se_hosts = list(se_hosts or [])  # without a master: SEs on these hosts
        self.se_boot_seconds = se_boot_seconds
        self.vt = version_tuple(self.version)
        self.marathon_url = marathon_url.rstrip("/") if marathon_url else None
        self.username = username
        self.password = password
        self.idle_timeout = idle_timeout
        self.sync_interval = sync_interval
        self.port_range = port_range
        self.bulk_uuid_filter = bulk_uuid_filter  # False: `uuid=` matches one uuid only
        # Variations a client must survive, off by default: a controller that silently serves
        # smaller pages than asked, or drops the joined `runtime` when `fields=` is given.
        self.cap_page_size = cap_page_size
        self.runtime_with_fields = runtime_with_fields
        # The Mesos cloud's settings over the lab's defaults (`mesos_configuration` fields, and
        # `marathon_configurations[0]` fields such as tenant, framework_tag, vs_name_tag_framework).
        self.mesos_overrides = dict(mesos or {})
        self.marathon_overrides = dict(marathon_config or {})
        # With `traffic` (the lab's network), an SE on each agent carries the VSs' traffic.
        self.traffic = traffic
        self.state_lock = threading.RLock()
        self.sync_lock = threading.Lock()
        super().__init__(host, port, tls=tls)
        self.reset_state()

    def start(self) -> AviLab:
        super().start()
        self.start_engines()
        return self

    def stop(self) -> None:
        super().stop()
        self.stop_engines()

    # -- state ------------------------------------------------------------------------------

    def reset_state(self) -> None:
        with self.state_lock:
            self.objects: dict[str, dict[str, dict[str, Any]]] = {t: {} for t in COLLECTIONS}
            self.sessions: dict[str, dict[str, Any]] = {}
            self.tokens: dict[str, dict[str, Any]] = {}
            self.logins = 0
            self.app_objects: dict[str, dict[str, Any]] = {}  # Marathon app id -> uuids and last seen
            self.last_sync = 0.0
            self.sync_error: str | None = None
            self._vip_counter = 0
            self._render_cache: dict[tuple[Any, ...], bytes] = {}
            for name in ("admin", "dev"):
                self._store("tenant", {"name": name, "uuid": "admin" if name == "admin" else f"tenant-{new_uuid()}",
                                       "local": True}, tenant="admin")
            cloud = {"name": "Default-Cloud", "uuid": f"cloud-{new_uuid()}", "vtype": "CLOUD_NONE"}
            if self.marathon_url:
                cloud.update(vtype="CLOUD_MESOS", mesos_configuration={
                    "mesos_url": self.mesos_url or "http://leader.mesos:5050",
                    "marathon_configurations": [{
                        "marathon_url": self.marathon_url,
                        "public_port_range": {"start": self.port_range[0], "end": self.port_range[1]},
                        "private_port_range": {"start": self.port_range[0], "end": self.port_range[1]},
                        "use_token_auth": False, "vs_name_tag_framework": False, **self.marathon_overrides,
                    }],
                    "use_bridge_ip_as_vip": True, "use_container_ip_port": False,
                    # True like "AWS Mesos clusters" (Cloud.json), so an ELB in front of the agents works
                    "services_accessible_all_interfaces": True, "app_sync_frequency": 60,
                    # The seed guide reads a service port off the controller for its FE-Proxy app, so
                    # the lab's cloud turns this off; absent, the stand-in applies its default (true).
                    "feproxy_container_port_as_service": False,
                    "se_deployment_method": "MESOS_SE_CREATE_FLEET", "container_port_match_http_service": True,
                    "http_container_ports": [80, 443], "enable_event_subscription": True,
                    **self.mesos_overrides,
                })
            self.default_cloud = self._store("cloud", cloud, tenant="admin")
            self._store("cloud", {"name": "vmware-cloud", "uuid": f"cloud-{new_uuid()}", "vtype": "CLOUD_VCENTER"},
                        tenant="admin")
            self.reset_engines()

    def _store(self, otype: str, obj: dict[str, Any], tenant: str = "admin") -> dict[str, Any]:
        obj.setdefault("uuid", f"{otype}-{new_uuid()}")
        obj["_tenant"] = tenant
        obj["_last_modified"] = str(time.time_ns() // 1000)
        self.objects[otype][obj["uuid"]] = obj
        return obj

    def tenant_uuid(self, name: str) -> str | None:
        for t in self.objects["tenant"].values():
            if t["name"] == name:
                return t["uuid"]
        return None

    # -- admin hooks ------------------------------------------------------------------------

    def admin_extra(self, what: str, req: Request) -> Response:
        body = (req.json() or {}) if req.body else {}
        if what == "expire" and req.method == "POST":
            with self.state_lock:
                ids = [body["session"]] if body.get("session") else list(self.sessions)
                for sid in ids:
                    if sid in self.sessions:
                        self.sessions[sid]["expired"] = True
            return Response.json({"expired": len(ids)})
        if what == "sessions":
            with self.state_lock:
                return Response.json({"logins": self.logins, "active": sum(
                    1 for s in self.sessions.values() if not s.get("expired"))})
        if what == "seed" and req.method == "POST":
            n = self.seed(int(body.get("count", 100)), prefix=body.get("prefix", "vs-"),
                          cloud=body.get("cloud"), tenant=body.get("tenant", "admin"))
            return Response.json({"seeded": n}, 201)
        if what == "sync" and req.method == "POST":
            self.sync(force=True)
            return Response.json({"ok": self.sync_error is None, "error": self.sync_error,
                                  "apps": len(self.app_objects)})
        engines = self.engines_admin(what, body) if req.method == "POST" else None
        if engines is not None:
            return engines
        if what == "config" and req.method == "POST":
            if "idle_timeout" in body:
                self.idle_timeout = float(body["idle_timeout"])
            if "sync_interval" in body:
                self.sync_interval = float(body["sync_interval"])
            return Response.json({"idle_timeout": self.idle_timeout, "sync_interval": self.sync_interval})
        return super().admin_extra(what, req)

    def seed(self, count: int, prefix: str = "vs-", cloud: str | None = None, tenant: str = "admin") -> int:
        """Add `count` synthetic virtual services (each with a pool and a VsVip) for scale tests."""
        with self.state_lock:
            cloud_obj = self._by_name("cloud", cloud, None) if cloud else self.default_cloud
            if cloud_obj is None:
                raise ValueError(f"no cloud {cloud}")
            start = len(self.objects["virtualservice"])
            for i in range(start, start + count):
                name = f"{prefix}{i:06d}"
                pool = self._store("pool", pool_body(f"{name}-pool", cloud_obj["uuid"], [
                    {"ip": {"addr": f"10.1.{(i // 250) % 250}.{i % 250 + 1}", "type": "V4"}, "port": 8080}]),
                    tenant)
                vsvip = self._store("vsvip", {"name": f"{name}-vsvip", "cloud_uuid": cloud_obj["uuid"], "vip": [
                    {"vip_id": "0", "ip_address": {"addr": f"10.2.{(i // 250) % 250}.{i % 250 + 1}",
                                                   "type": "V4"}}]}, tenant)
                vs = self._store("virtualservice", vs_body(
                    name, cloud_obj["uuid"], pool["uuid"], vsvip["uuid"],
                    [{"port": 80 + (i % 2) * 363, "enable_ssl": bool(i % 2)}],
                    oper="OPER_UP" if i % 7 else "OPER_DOWN"),
                    tenant)
                for obj in (pool, vsvip, vs):
                    obj["_seeded"] = True
            return count


    # -- request handling -------------------------------------------------------------------

    def handle(self, req: Request) -> Response:
        response = self._route(req)
        # Every recorded reply says which API version answered: the one sent, else 16_4_2
        # (tests/fixtures/avi/cassettes/test_multiple_tenants.json).
        sent = (req.header("x-avi-version") or "").strip()
        answered = sent if sent and version_tuple(sent) <= self.vt else self.version if sent else VERSION_WHEN_ABSENT
        response.headers.append(("AVI_API_VERSION", answered.replace(".", "_") if not sent else answered))
        return response

    def _route(self, req: Request) -> Response:
        path = req.path
        if path in ("/login", "/login/"):
            return self._login(req)
        if path == "/api/initial-data":
            return Response.json({"version": self._version_info(), "user_initialized": True})
        if not (path.startswith("/api/") or path in ("/logout", "/logout/")):
            return Response.text("<html><head><title>Avi Vantage</title></head><body></body></html>", 404,
                                 "text/html")
        session = self._session(req)
        if session is None:
            return Response.json({"error": "Authentication credentials were not provided."}, 401)
        if req.method not in ("GET", "HEAD", "OPTIONS") and not self._csrf_ok(req, session):
            # As recorded (tests/fixtures/avi/cassettes/test_retry_unauth_api.json): JSON type, text body.
            return Response(401, CSRF_FAILURE.encode(), [("Content-Type", "application/json")])
        session["last_used"] = time.monotonic()
        if path.rstrip("/") == "/logout":
            with self.state_lock:
                self.sessions.pop(session["id"], None)
            return Response.json({}, 200, [("Set-Cookie", f"{c}=; Max-Age=0; Path=/") for c in self._cookie_names()])
        self.sync()
        ctx = self._context(req)
        if isinstance(ctx, Response):
            return ctx
        parts = [p for p in path[len("/api/"):].split("/") if p]
        if not parts:
            return Response.json({"error": "Not found"}, 404)
        otype = parts[0]
        if otype == "user-token" and req.method in ("POST", "GET"):
            body = req.json() if req.body else {}
            hours = float((body or {}).get("hours") or req.arg("hours") or 24)
            token = secrets.token_hex(20)
            with self.state_lock:
                self.tokens[token] = {"user": session["user"], "expires": time.time() + hours * 3600}
            return Response.json({"token": token, "expires_at": hours})
        engines = self.handle_engines(req, ctx, parts)
        if engines is not None:
            return engines
        if otype in ("virtualservice-inventory", "pool-inventory"):
            return self._inventory(req, ctx, otype.split("-")[0])
        if otype not in self.objects:
            return Response.json({"error": f"Invalid object type {otype}"}, 404)
        if len(parts) == 1:
            if req.method == "GET":
                return self._list(req, ctx, otype)
            if req.method == "POST":
                return self._create(req, ctx, otype)
            return Response.json({"error": f"Method {req.method} not allowed"}, 405)
        with self.state_lock:
            obj = self.objects[otype].get(parts[1])
            if obj is None or not self._visible(obj, ctx):
                return Response.json({"error": f"{TYPE_TITLE.get(otype, otype)} object not found!"}, 404)
            if len(parts) >= 3 and parts[2] == "runtime" and req.method == "GET":
                return self._runtime(otype, obj, parts[3:])
            if len(parts) > 2:
                return Response.json({"error": "Not found"}, 404)
            if req.method == "GET":
                return Response.json(self.render(otype, obj, ctx, req))
            if req.method in ("PUT", "PATCH"):
                return self._update(req, ctx, otype, obj)
            if req.method == "DELETE":
                del self.objects[otype][obj["uuid"]]
                return Response(204)
        return Response.json({"error": f"Method {req.method} not allowed"}, 405)
