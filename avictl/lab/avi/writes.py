"""Creating and updating objects: refs to uuids, controller defaults, name clashes, _last_modified."""

from __future__ import annotations

import copy
import re
from typing import Any

from ..base import Request, Response
from .model import TYPE_TITLE, VS_TEMPLATE


class WriteMixin:
    objects: dict[str, dict[str, dict[str, Any]]]
    state_lock: Any
    default_cloud: dict[str, Any]

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
            for key, default in VS_TEMPLATE.items():  # the controller fills its defaults in
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
