"""Login, session cookies, CSRF, the version and tenant of a request."""

from __future__ import annotations

import re
import secrets
import threading
import time
from typing import Any
from urllib.parse import parse_qs

from ..base import Request, Response
from .model import BUILDS, VERSION_WHEN_ABSENT, version_tuple


class SessionMixin:
    vt: tuple[int, ...]
    version: str
    username: str
    password: str
    idle_timeout: float
    state_lock: threading.RLock
    sessions: dict[str, dict[str, Any]]
    tokens: dict[str, dict[str, Any]]
    objects: dict[str, dict[str, dict[str, Any]]]

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
        if self.vt < (17, 1):
            # No source shows a 15.3/16.x login reply (that era's SDK never read it, avi_api.py @ 16.2):
            # this flavour says nothing of its version, the harder case for a client.
            reply.pop("version")
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
