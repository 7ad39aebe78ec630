"""A stand-in for the Avi Controller REST API (HTTPS), with a Mesos cloud synced from Marathon.

Built to the facts in API-NOTES.md §Avi and tests/fixtures/avi/ (recorded 20.1 traffic):

- `POST /login` (form or JSON; password or user token) sets `csrftoken` plus the session
  cookie(s) of the emulated version: `sessionid` (17.2), `avi-sessionid` (18.2), both (20.1+).
- Writes need `X-CSRFToken` equal to the csrftoken cookie and a `Referer`, else a plain-text
  401 "CSRF token missing or incorrect." (as recorded). Idle or expired sessions → 401.
- Replies take the shape of the `X-Avi-Version` sent (16.4.3 when absent): VIP as top-level
  `ip_address` (<17.1), inline `vip[]` + `vsvip_ref` (17.1–18.2) or only `vsvip_ref` (20.1+).
- Collections page like the controller: `page` 1-based, `page_size` 1–200 (default 25),
  `count`, `next`; filters `name`, `name.contains`, `cloud_ref.name`, `fields`, `include_name`,
  `sort`, `join_subresources=runtime`; `X-Avi-Tenant: *` reads every tenant.
- The Mesos cloud: each Marathon app becomes a pool `<vs>-pool-<containerPort>` of its tasks
  and a VS named after the app on the app's service port(s); the VS is up while tasks run.

Admin hooks (besides LabServer's): `POST /_lab/expire` (end every session, or
`{"session": id}`), `POST /_lab/seed {"count": N, ...}` (synthetic VSs for scale),
`POST /_lab/sync` (read Marathon now), `GET /_lab/sessions`, `POST /_lab/config`
(`{"idle_timeout": seconds}`).
"""

from __future__ import annotations

import copy
import json
import re
import secrets
import threading
import time
import urllib.request
import uuid as uuidlib
from typing import Any
from urllib.parse import parse_qs, urlencode

from ..avi.mesos import pool_name_for, vs_name_for_app
from .base import LabServer, Request, Response

DEFAULT_USER = "admin"
DEFAULT_PASSWORD = "avi-lab-pass"
VERSION_WHEN_ABSENT = "16.4.3"
MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 25
COLLECTIONS = ("virtualservice", "vsvip", "pool", "cloud", "tenant")
TYPE_TITLE = {"virtualservice": "Virtual Service", "vsvip": "VsVip", "pool": "Pool", "cloud": "Cloud",
              "tenant": "Tenant"}
CSRF_FAILURE = "CSRF token missing or incorrect."
BUILDS = {"17.2": ("17.2.14", 9007), "18.2": ("18.2.9", 9210), "20.1": ("20.1.1", 9046), "22.1": ("22.1.3", 9051)}
NORTH_SOUTH_NET = "10.10.0."
EAST_WEST_VIP = "172.17.0.1"  # the Docker bridge IP on each host (use_bridge_ip_as_vip)


def version_tuple(text: str | None) -> tuple[int, ...]:
    nums = re.findall(r"\d+", text or "")
    return tuple(int(n) for n in nums[:3]) or (0,)


def full_version(version: str) -> str:
    """'22.1' → '22.1.3' (a real release of that train); a full version stays as it is."""
    if version.count(".") >= 2:
        return version
    return BUILDS.get(version, (f"{version}.1", 9000))[0]


class AviLab(LabServer):
    name = "avi"

    def __init__(self, marathon_url: str | None = None, version: str = "22.1.3", *, tls: Any = None,
                 host: str = "127.0.0.1", port: int = 0, username: str = DEFAULT_USER,
                 password: str = DEFAULT_PASSWORD, idle_timeout: float = 15 * 60, sync_interval: float = 0.5,
                 port_range: tuple[int, int] = (10000, 20000), bulk_uuid_filter: bool = True,
                 cap_page_size: int | None = None, runtime_with_fields: bool = True):
        self.version = full_version(version)
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
        self.state_lock = threading.RLock()
        self.sync_lock = threading.Lock()
        super().__init__(host, port, tls=tls)
        self.reset_state()

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
                self._store("tenant", {"name": name, "uuid": "admin" if name == "admin" else f"tenant-{_uuid()}",
                                       "local": True}, tenant="admin")
            cloud = {"name": "Default-Cloud", "uuid": f"cloud-{_uuid()}", "vtype": "CLOUD_NONE"}
            if self.marathon_url:
                cloud.update(vtype="CLOUD_MESOS", mesos_configuration={
                    "mesos_url": "http://leader.mesos:5050",
                    "marathon_configurations": [{
                        "marathon_url": self.marathon_url,
                        "public_port_range": {"start": self.port_range[0], "end": self.port_range[1]},
                        "private_port_range": {"start": self.port_range[0], "end": self.port_range[1]},
                        "tenant": "admin", "use_token_auth": False, "vs_name_tag_framework": False,
                    }],
                    "use_bridge_ip_as_vip": True, "use_container_ip_port": False,
                    "services_accessible_all_interfaces": False, "app_sync_frequency": 60,
                    "se_deployment_method": "MESOS_SE_CREATE_FLEET", "container_port_match_http_service": True,
                    "http_container_ports": [80, 443], "enable_event_subscription": True,
                })
            self.default_cloud = self._store("cloud", cloud, tenant="admin")
            self._store("cloud", {"name": "vmware-cloud", "uuid": f"cloud-{_uuid()}", "vtype": "CLOUD_VCENTER"},
                        tenant="admin")

    def _store(self, otype: str, obj: dict[str, Any], tenant: str = "admin") -> dict[str, Any]:
        obj.setdefault("uuid", f"{otype}-{_uuid()}")
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
                pool = self._store("pool", _pool_body(f"{name}-pool", cloud_obj["uuid"], [
                    {"ip": {"addr": f"10.1.{(i // 250) % 250}.{i % 250 + 1}", "type": "V4"}, "port": 8080}]),
                    tenant)
                vsvip = self._store("vsvip", {"name": f"{name}-vsvip", "cloud_uuid": cloud_obj["uuid"], "vip": [
                    {"vip_id": "0", "ip_address": {"addr": f"10.2.{(i // 250) % 250}.{i % 250 + 1}",
                                                   "type": "V4"}}]}, tenant)
                vs = self._store("virtualservice", _vs_body(
                    name, cloud_obj["uuid"], pool["uuid"], vsvip["uuid"],
                    [{"port": 80 + (i % 2) * 363, "enable_ssl": bool(i % 2)}],
                    oper="OPER_UP" if i % 7 else "OPER_DOWN"),
                    tenant)
                for obj in (pool, vsvip, vs):
                    obj["_seeded"] = True
            return count

    # -- Marathon sync (the Mesos cloud connector) ------------------------------------------

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
        proxy = _avi_proxy(labels)
        tenant = (proxy.get("tenant") if isinstance(proxy.get("tenant"), str) else None) or "admin"
        if self.tenant_uuid(tenant) is None:
            self._store("tenant", {"name": tenant, "uuid": f"tenant-{_uuid()}", "local": True})
        ports = app_ports(app)
        if not ports:
            return
        vs_name = vs_name_for_app(app_id)
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
                    servers.append({"ip": {"addr": _host_ip(task.get("host", "")), "type": "V4"},
                                    "hostname": task.get("host", ""), "port": host_ports[index],
                                    "enabled": True, "_healthy": healthy})
            pool = _pool_body(pool_name_for(app_id, container_port), cloud_uuid, servers)
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
        services = [{"port": sp, "port_range_end": sp, "enable_ssl": False} for _, sp in ports]
        vs_over = dict(proxy.get("virtualservice") or {})
        if isinstance(vs_over.get("services"), list):
            services = [{"port_range_end": s.get("port"), "enable_ssl": False, **s} for s in vs_over.pop("services")]
        oper = "OPER_UP" if running > 0 and any(s["_healthy"] for s in pools[0]["servers"]) else "OPER_DOWN"
        vs = _vs_body(vs_name, cloud_uuid, pools[0]["uuid"], vsvip["uuid"], services, oper=oper)
        vs["east_west_placement"] = not (north_south or pinned)
        vs["cloud_type"] = "CLOUD_MESOS"
        vs.update(vs_over)
        self._upsert(ids, "vs", "virtualservice", vs, tenant)
        objs = [("pool", ids[f"pool:{i}"]) for i in range(len(ports))] + [("vsvip", ids["vsvip"]),
                                                                         ("virtualservice", ids["vs"])]
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

    # -- request handling -------------------------------------------------------------------

    def handle(self, req: Request) -> Response:
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

    # -- session rules ----------------------------------------------------------------------

    def _cookie_names(self) -> list[str]:
        if self.vt < (18, 1):
            return ["sessionid"]
        if self.vt < (20, 1):
            return ["avi-sessionid"]
        return ["avi-sessionid", "sessionid"]

    def _version_info(self) -> dict[str, Any]:
        build = BUILDS.get(".".join(map(str, self.vt[:2])), (self.version, 9000))[1]
        return {"Version": self.version, "build": build, "Tag": f"{self.version}-{build}-20200720.043329",
                "ProductName": "Avi Cloud Controller", "Product": "controller", "min_version": 15.2,
                "Date": "2020-07-20T04:33:29+00:00"}

    def _login(self, req: Request) -> Response:
        if req.method != "POST":
            return Response.json({"error": "Method GET not allowed"}, 405)
        ctype = req.header("content-type", "")
        try:
            if "json" in ctype:
                form = req.json() or {}
            else:
                form = {k: v[-1] for k, v in parse_qs(req.body.decode("utf-8"), keep_blank_values=True).items()}
        except (ValueError, UnicodeDecodeError):
            return Response.json({"error": "Invalid request body"}, 400)
        user, password, token = form.get("username"), form.get("password"), form.get("token")
        ok = False
        with self.state_lock:
            if token:
                info = self.tokens.get(token)
                ok = bool(info and info["expires"] > time.time() and (not user or user == info["user"]))
                user = info["user"] if ok else user
            elif user == self.username and password == self.password:
                ok = True
        if not ok:
            return Response.json({"error": "Invalid credentials"}, 401)
        sid, csrf = secrets.token_hex(16), secrets.token_urlsafe(24)
        with self.state_lock:
            self.logins += 1
            self.sessions[sid] = {"id": sid, "user": user, "csrf": csrf, "last_used": time.monotonic(),
                                  "expired": False}
        reply: dict[str, Any] = {
            "user_initialized": True, "version": self._version_info(),
            "user": {"is_superuser": True, "default_tenant_ref": f"{self._base(req)}/api/tenant/admin",
                     "name": user, "username": user, "full_name": "System Administrator", "local": True,
                     "uuid": "user-1"},
            "tenants": [{"url": f"{self._base(req)}/api/tenant/admin", "uuid": "admin", "name": "admin",
                         "local": True}],
            "controller": {"api_idle_timeout": max(1, int(self.idle_timeout // 60))},
        }
        if self.vt >= (18, 1):
            reply["session_cookie_name"] = "avi-sessionid"
        cookies = [("Set-Cookie", f"csrftoken={csrf}; Max-Age=31449600; Path=/; Secure")]
        cookies += [("Set-Cookie", f"{name}={sid}; HttpOnly; Max-Age=86400; Path=/; Secure")
                    for name in self._cookie_names()]
        return Response.json(reply, 200, cookies)

    def _session(self, req: Request) -> dict[str, Any] | None:
        with self.state_lock:
            for name in self._cookie_names():
                sid = req.cookies.get(name)
                session = self.sessions.get(sid or "")
                if session is None:
                    continue
                if session["expired"] or time.monotonic() - session["last_used"] > self.idle_timeout:
                    self.sessions.pop(sid, None)
                    return None
                return session
        return None

    def _csrf_ok(self, req: Request, session: dict[str, Any]) -> bool:
        token = req.header("x-csrftoken")
        return bool(token and token == session["csrf"] and req.cookies.get("csrftoken") == token
                    and req.header("referer"))

    def _context(self, req: Request) -> dict[str, Any] | Response:
        sent = req.header("x-avi-version")
        if sent and not re.match(r"^\d+\.\d+(\.\d+)?$", sent.strip()):
            return Response.json({"error": f"Invalid version {sent}"}, 400)
        asked = version_tuple(sent or VERSION_WHEN_ABSENT)
        tenant = req.header("x-avi-tenant")
        tenant_uuid = req.header("x-avi-tenant-uuid")
        if tenant_uuid and not tenant:
            names = [t["name"] for t in self.objects["tenant"].values() if t["uuid"] == tenant_uuid]
            if not names:
                return Response.json({"error": f"Tenant {tenant_uuid} not found"}, 404)
            tenant = names[0]
        tenant = tenant or "admin"
        if tenant != "*" and self.tenant_uuid(tenant) is None:
            return Response.json({"error": f"Tenant {tenant} not found"}, 404)
        return {"version": min(asked, self.vt), "tenant": tenant, "base": self._base(req)}

    def _base(self, req: Request) -> str:
        return f"{'https' if self.tls else 'http'}://{req.header('host') or f'{self.host}:{self.port}'}"

    def _visible(self, obj: dict[str, Any], ctx: dict[str, Any]) -> bool:
        # Clouds and tenants live in the admin tenant and are readable from every tenant.
        return ctx["tenant"] in ("*", obj["_tenant"]) or obj["uuid"] in self.objects["cloud"] \
            or obj["uuid"] in self.objects["tenant"]

    # -- rendering --------------------------------------------------------------------------

    def ref(self, ctx: dict[str, Any], otype: str, uid: str | None, include_name: bool) -> str | None:
        if not uid:
            return None
        url = f"{ctx['base']}/api/{otype}/{uid}"
        if include_name:
            obj = self.objects.get(otype, {}).get(uid)
            if obj:
                url += f"#{obj['name']}"
        return url

    def render(self, otype: str, obj: dict[str, Any], ctx: dict[str, Any], req: Request | None = None,
               fields: list[str] | None = None, runtime: bool = False) -> dict[str, Any]:
        include_name = req is not None and "include_name" in req.query
        out: dict[str, Any] = {"url": self.ref(ctx, otype, obj["uuid"], include_name)}
        for k, v in obj.items():
            if k.startswith("_") and k != "_last_modified":
                continue
            out[k] = v
        out["tenant_ref"] = self.ref(ctx, "tenant", self.tenant_uuid(obj["_tenant"]), include_name)
        if otype == "pool":
            out["servers"] = [{k: v for k, v in s.items() if not k.startswith("_")} for s in obj.get("servers", [])]
            out["cloud_ref"] = self.ref(ctx, "cloud", out.pop("cloud_uuid", None), include_name)
        elif otype == "vsvip":
            out["cloud_ref"] = self.ref(ctx, "cloud", out.pop("cloud_uuid", None), include_name)
        elif otype == "virtualservice":
            out.pop("oper", None)
            out["cloud_ref"] = self.ref(ctx, "cloud", out.pop("cloud_uuid", None), include_name)
            pool_uuid = out.pop("pool_uuid", None)
            if pool_uuid:
                out["pool_ref"] = self.ref(ctx, "pool", pool_uuid, include_name)
            vsvip_uuid = out.pop("vsvip_uuid", None)
            vsvip = self.objects["vsvip"].get(vsvip_uuid or "")
            vips = copy.deepcopy(vsvip["vip"]) if vsvip else []
            if ctx["version"] < (17, 1):
                if vips:
                    out["ip_address"] = vips[0]["ip_address"]
            elif ctx["version"] < (20, 1):
                out["vip"] = vips
                out["vsvip_ref"] = self.ref(ctx, "vsvip", vsvip_uuid, include_name)
            else:
                out["vsvip_ref"] = self.ref(ctx, "vsvip", vsvip_uuid, include_name)
            if runtime:
                out["runtime"] = self.vs_runtime(obj)
        if fields:
            keep = set(fields) | {"url", "uuid"} | {"runtime"}
            if not self.runtime_with_fields:
                keep.discard("runtime")
            out = {k: v for k, v in out.items() if k in keep}
        return {k: v for k, v in out.items() if v is not None}

    def vs_runtime(self, obj: dict[str, Any]) -> dict[str, Any]:
        state = obj.get("_oper", "OPER_UP")
        if not obj.get("enabled", True):
            state = "OPER_DISABLED"
        elif obj.get("_oper") is None:
            pool = self.objects["pool"].get(obj.get("pool_uuid") or "")
            up = pool and any(s.get("_healthy", True) and s.get("enabled", True) for s in pool.get("servers", []))
            state = "OPER_UP" if up else "OPER_DOWN"
        reason = {"OPER_UP": "", "OPER_DOWN": "Pool has no servers up", "OPER_DISABLED": "Disabled"}.get(state, "")
        return {"oper_status": {"state": state, "reason": [reason] if reason else [],
                                "last_changed_time": {"secs": int(obj["_last_modified"]) // 1_000_000,
                                                      "usecs": 0}},
                "percent_ses_up": 100 if state == "OPER_UP" else 0}

    def pool_runtime(self, obj: dict[str, Any]) -> dict[str, Any]:
        servers = []
        for s in obj.get("servers", []):
            up = s.get("enabled", True) and s.get("_healthy", True)
            servers.append({"ip_addr": s["ip"], "port": s.get("port"), "hostname": s.get("hostname"),
                            "oper_status": {"state": "OPER_UP" if up else "OPER_DOWN"}})
        n_up = sum(1 for s in servers if s["oper_status"]["state"] == "OPER_UP")
        return {"oper_status": {"state": "OPER_UP" if n_up else "OPER_DOWN"}, "num_servers": len(servers),
                "num_servers_up": n_up, "num_servers_enabled": len(servers), "servers": servers}

    def _runtime(self, otype: str, obj: dict[str, Any], rest: list[str]) -> Response:
        if otype == "virtualservice":
            return Response.json(self.vs_runtime(obj))
        if otype == "pool":
            rt = self.pool_runtime(obj)
            return Response.json(rt["servers"] if rest[:1] == ["server"] else rt)
        return Response.json({"error": "Not found"}, 404)

    # -- collections ------------------------------------------------------------------------

    def _select(self, req: Request, ctx: dict[str, Any], otype: str) -> list[dict[str, Any]] | Response:
        uuid_filter = req.arg("uuid")
        with self.state_lock:
            if uuid_filter is not None:  # direct lookups: the client's bulk VsVip reads stay cheap at 50k
                wanted = uuid_filter.split(",") if self.bulk_uuid_filter else [uuid_filter]
                found = (self.objects[otype].get(u) for u in wanted)
                items = [o for o in found if o is not None and self._visible(o, ctx)]
            else:
                items = [o for o in self.objects[otype].values() if self._visible(o, ctx)]
        name = req.arg("name")
        if name is not None:
            items = [o for o in items if o.get("name") == name]
        contains = req.arg("name.contains")
        if contains is not None:
            items = [o for o in items if contains.lower() in o.get("name", "").lower()]
        cloud_name = req.arg("cloud_ref.name")
        if cloud_name is not None:
            cloud = self._by_name("cloud", cloud_name, None)
            items = [o for o in items if cloud and o.get("cloud_uuid") == cloud["uuid"]]
        sort = req.arg("sort")
        if sort:
            key = sort.lstrip("-")
            items.sort(key=lambda o: str(o.get(key, "")), reverse=sort.startswith("-"))
        return items

    def _page(self, req: Request, items: list[Any]) -> tuple[list[Any], dict[str, Any]] | Response:
        try:
            page = int(req.arg("page", "1"))
            size = int(req.arg("page_size", str(DEFAULT_PAGE_SIZE)))
        except ValueError:
            return Response.json({"error": "page and page_size must be integers"}, 400)
        if size < 1 or size > MAX_PAGE_SIZE:
            return Response.json({"error": f"page_size {size} is out of range: page_size must be between 1 "
                                           f"and {MAX_PAGE_SIZE}"}, 400)
        if page < 1:
            return Response.json({"error": "Invalid page"}, 400)
        if self.cap_page_size:
            size = min(size, self.cap_page_size)
        start = (page - 1) * size
        chunk = items[start:start + size]
        if start and not chunk and items:
            return Response.json({"error": "Invalid page."}, 404)
        meta: dict[str, Any] = {"count": len(items)}
        if start + size < len(items):
            query = {k: v[-1] for k, v in req.query.items()}
            query.update(page=str(page + 1), page_size=str(size))
            meta["next"] = f"{self._base(req)}{req.path}?{urlencode(query)}"
        return chunk, meta

    def _selected_page(self, req: Request, ctx: dict[str, Any],
                       otype: str) -> tuple[list[Any], dict[str, Any]] | Response:
        """The requested page of the objects the query selects, or the error reply."""
        items = self._select(req, ctx, otype)
        return items if isinstance(items, Response) else self._page(req, items)

    def _list(self, req: Request, ctx: dict[str, Any], otype: str) -> Response:
        paged = self._selected_page(req, ctx, otype)
        if isinstance(paged, Response):
            return paged
        chunk, meta = paged
        fields = [f for f in (req.arg("fields") or "").split(",") if f] or None
        runtime = "runtime" in (req.arg("join_subresources") or "")
        include_name = "include_name" in req.query
        layout = 0 if ctx["version"] < (17, 1) else 1 if ctx["version"] < (20, 1) else 2
        parts = []
        with self.state_lock:
            for o in chunk:
                # Synthetic objects never change: keep their JSON, so that the scale benchmark measures
                # the client and the latency rather than this stand-in's rendering.
                key = (o["uuid"], layout, include_name, tuple(fields or ()), runtime, ctx["base"], ctx["tenant"])
                text = self._render_cache.get(key) if o.get("_seeded") else None
                if text is None:
                    text = json.dumps(self.render(otype, o, ctx, req, fields, runtime)).encode()
                    if o.get("_seeded"):
                        self._render_cache[key] = text
                parts.append(text)
        tail = f', "next": {json.dumps(meta["next"])}' if "next" in meta else ""
        body = b'{"count": %d, "results": [' % meta["count"] + b", ".join(parts) + b"]" + tail.encode() + b"}"
        return Response(200, body, [("Content-Type", "application/json; charset=utf-8")])

    def _inventory(self, req: Request, ctx: dict[str, Any], otype: str) -> Response:
        paged = self._selected_page(req, ctx, otype)
        if isinstance(paged, Response):
            return paged
        chunk, meta = paged
        results = []
        with self.state_lock:
            for o in chunk:
                entry: dict[str, Any] = {"uuid": o["uuid"], "config": self.render(otype, o, ctx, req)}
                if otype == "virtualservice":
                    entry["runtime"] = self.vs_runtime(o)
                    pool = o.get("pool_uuid")
                    entry["pools"] = [self.ref(ctx, "pool", pool, False)] if pool else []
                    vsvip = self.objects["vsvip"].get(o.get("vsvip_uuid") or "")
                    if vsvip:
                        entry["vsvip_config"] = self.render("vsvip", vsvip, ctx, req)
                else:
                    entry["runtime"] = self.pool_runtime(o)
                results.append(entry)
        return Response.json({"count": meta["count"], "results": results,
                              **({"next": meta["next"]} if "next" in meta else {})})

    # -- writes -----------------------------------------------------------------------------

    def _by_name(self, otype: str, name: str | None, tenant: str | None) -> dict[str, Any] | None:
        for o in self.objects[otype].values():
            if o.get("name") == name and (tenant is None or o["_tenant"] == tenant):
                return o
        return None

    def _ref_uuid(self, ref: Any, otype: str) -> str | None:
        if not isinstance(ref, str) or not ref:
            return None
        m = re.search(rf"/api/{otype}/?\?name=([^&#]+)", ref)
        if m:
            found = self._by_name(otype, m.group(1), None)
            return found["uuid"] if found else None
        uid = ref.split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1]
        return uid if uid in self.objects[otype] else None

    def _ingest(self, otype: str, body: dict[str, Any], ctx: dict[str, Any]) -> dict[str, Any] | Response:
        """A client's object body → the stored form (refs to uuids, inline VIPs to a VsVip)."""
        body = {k: v for k, v in body.items() if k not in ("url", "tenant_ref", "_last_modified")}
        tenant = ctx["tenant"] if ctx["tenant"] != "*" else "admin"
        if otype in ("virtualservice", "pool", "vsvip"):
            cloud_ref = body.pop("cloud_ref", None)
            cloud = self._ref_uuid(cloud_ref, "cloud") if cloud_ref else self.default_cloud["uuid"]
            if cloud is None:
                return Response.json({"error": f"Cannot find object {cloud_ref}"}, 400)
            body["cloud_uuid"] = cloud
        if otype == "virtualservice":
            for field, target in (("pool_ref", "pool_uuid"), ("vsvip_ref", "vsvip_uuid")):
                if field in body:
                    ref = body.pop(field)
                    uid = self._ref_uuid(ref, field.split("_")[0])
                    if ref and uid is None:
                        return Response.json({"error": f"Cannot find object {ref}"}, 400)
                    body[target] = uid
            vips = body.pop("vip", None)
            ip_address = body.pop("ip_address", None)
            if not body.get("vsvip_uuid") and (vips or ip_address):
                vips = vips or [{"vip_id": "0", "ip_address": ip_address}]
                vsvip = self._store("vsvip", {"name": f"vsvip-{body.get('name')}", "cloud_uuid": body["cloud_uuid"],
                                              "vip": vips}, tenant)
                body["vsvip_uuid"] = vsvip["uuid"]
            for key, default in _VS_TEMPLATE.items():  # the controller fills its defaults in
                body.setdefault(key, copy.deepcopy(default))
            body.setdefault("enabled", True)
            body.setdefault("services", [])
        if otype == "pool":
            body.setdefault("servers", [])
            body.setdefault("enabled", True)
        return body

    def _create(self, req: Request, ctx: dict[str, Any], otype: str) -> Response:
        try:
            body = req.json()
        except ValueError:
            return Response.json({"error": "JSON parse error - Expecting value"}, 400)
        if not isinstance(body, dict) or not body.get("name"):
            return Response.json({"error": "Field name is required"}, 400)
        tenant = ctx["tenant"] if ctx["tenant"] != "*" else "admin"
        with self.state_lock:
            if self._by_name(otype, body["name"], tenant):
                return Response.json({"error": f"{TYPE_TITLE.get(otype, otype)} with this Name, Tenant ref "
                                               "already exist."}, 409)
            stored = self._ingest(otype, body, ctx)
            if isinstance(stored, Response):
                return stored
            obj = self._store(otype, stored, tenant)
            out = self.render(otype, obj, ctx, req)
        return Response.json(out, 201, [("Location", out["url"])])

    def _update(self, req: Request, ctx: dict[str, Any], otype: str, obj: dict[str, Any]) -> Response:
        try:
            body = req.json()
        except ValueError:
            return Response.json({"error": "JSON parse error - Expecting value"}, 400)
        if not isinstance(body, dict):
            return Response.json({"error": "Invalid body"}, 400)
        if req.method == "PATCH":  # {"replace": {...}} / {"add": {...}}: shallow merge is enough here
            patch = body.get("replace") or body.get("add") or {}
            body = {**self.render(otype, obj, ctx), **patch}
        sent_lm = body.get("_last_modified")
        if sent_lm is not None and str(sent_lm) != obj["_last_modified"]:
            return Response.json({"error": "Concurrent Update Error: object was modified by someone else "
                                           f"(_last_modified {sent_lm} != {obj['_last_modified']})"}, 412)
        name = body.get("name", obj.get("name"))
        clash = self._by_name(otype, name, obj["_tenant"])
        if clash is not None and clash["uuid"] != obj["uuid"]:
            return Response.json({"error": f"{TYPE_TITLE.get(otype, otype)} with this Name, Tenant ref "
                                           "already exist."}, 409)
        stored = self._ingest(otype, {**body, "name": name}, ctx)
        if isinstance(stored, Response):
            return stored
        stored["uuid"] = obj["uuid"]
        for keep in ("_oper",):
            if keep in obj:
                stored[keep] = obj[keep]
        if otype == "virtualservice" and "vsvip_uuid" not in stored and obj.get("vsvip_uuid"):
            stored["vsvip_uuid"] = obj["vsvip_uuid"]
        new = self._store(otype, stored, obj["_tenant"])
        return Response.json(self.render(otype, new, ctx, req))


# -- Marathon apps → ports ------------------------------------------------------------------


def app_ports(app: dict[str, Any]) -> list[tuple[int, int]]:
    """(container port, service port) pairs of an app, from any Marathon version's layout."""
    container = app.get("container") or {}
    mappings = container.get("portMappings") or (container.get("docker") or {}).get("portMappings")
    if mappings:
        return [(int(m.get("containerPort") or 0), int(m.get("servicePort") or 0)) for m in mappings]
    if app.get("portDefinitions"):
        return [(int(p.get("port") or 0), int(p.get("port") or 0)) for p in app["portDefinitions"]]
    return [(int(p), int(p)) for p in app.get("ports") or []]


def _avi_proxy(labels: dict[str, Any]) -> dict[str, Any]:
    raw = labels.get("avi_proxy")
    if not raw:
        return {}
    try:
        data = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _host_ip(host: str) -> str:
    if re.match(r"^\d+\.\d+\.\d+\.\d+$", host):
        return host
    return "127.0.0.1" if host in ("localhost", "") else host


def _uuid() -> str:
    return str(uuidlib.uuid4())


# Fields a real 20.1 VS carries (tests/fixtures/avi/cassettes/test_basic_vs.json), so that
# replies, and the scale benchmark, have a realistic size.
_VS_TEMPLATE: dict[str, Any] = {
    "active_standby_se_tag": "ACTIVE_STANDBY_SE_1", "advertise_down_vs": False, "allow_invalid_client_cert": False,
    "analytics_profile_ref": "https://avi-controller/api/analyticsprofile/analyticsprofile-d168b5ad-ccf5-4c57",
    "application_profile_ref": "https://avi-controller/api/applicationprofile/applicationprofile-13766555-a218",
    "bulk_sync_kvcache": False, "close_client_conn_on_config_update": False, "cloud_type": "CLOUD_NONE",
    "delay_fairness": False, "east_west_placement": False, "enable_autogw": True, "flow_dist": "LOAD_AWARE",
    "flow_label_type": "NO_LABEL", "ign_pool_net_reach": False, "limit_doser": False, "marked_for_delete": False,
    "max_cps_per_client": 0, "network_profile_ref": "https://avi-controller/api/networkprofile/networkprofile-2e95",
    "redis_db": 8, "redis_port": 5028, "remove_listening_port_on_vs_down": False, "scaleout_ecmp": False,
    "se_group_ref": "https://avi-controller/api/serviceenginegroup/serviceenginegroup-accee5f4-45ed-4ee6",
    "self_se_election": True, "ssl_sess_cache_avg_size": 1024, "traffic_enabled": True, "type": "VS_TYPE_NORMAL",
    "use_bridge_ip_as_vip": False, "use_vip_as_snat": False, "version": "2",
    "vip_runtime": [{"num_additional_se": 0, "requested_resource": {"num_se": 1, "num_standby_se": 0},
                     "vip_id": "0"}],
    "vrf_context_ref": "https://avi-controller/api/vrfcontext/vrfcontext-ae78dc00-73fa-4111-961a", "weight": 1,
}


def _vs_body(name: str, cloud_uuid: str, pool_uuid: str, vsvip_uuid: str, services: list[dict[str, Any]],
             oper: str | None = None) -> dict[str, Any]:
    body = copy.deepcopy(_VS_TEMPLATE)
    body.update(name=name, enabled=True, cloud_uuid=cloud_uuid, pool_uuid=pool_uuid, vsvip_uuid=vsvip_uuid,
                services=[{"enable_http2": False, "port_range_end": s.get("port"), **s} for s in services])
    if oper:
        body["_oper"] = oper
    return body


def _pool_body(name: str, cloud_uuid: str, servers: list[dict[str, Any]]) -> dict[str, Any]:
    return {"name": name, "enabled": True, "cloud_uuid": cloud_uuid, "default_server_port": 80,
            "lb_algorithm": "LB_ALGORITHM_LEAST_CONNECTIONS", "inline_health_monitor": True,
            "servers": [{"ratio": 1, "enabled": True, **s} for s in servers]}


__all__ = ["AviLab", "app_ports", "version_tuple", "DEFAULT_USER", "DEFAULT_PASSWORD"]
