"""Objects as each API version shows them, and their runtime (oper state) views."""

from __future__ import annotations

import copy
from typing import Any

from ..base import Request, Response


RECORDED_HOST = "https://avi-controller"  # the host of the recorded objects the templates come from


class RenderMixin:
    objects: dict[str, dict[str, dict[str, Any]]]
    runtime_with_fields: bool

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
            if k.endswith("_ref") and isinstance(v, str) and v.startswith(RECORDED_HOST):
                v = ctx["base"] + v[len(RECORDED_HOST):]  # the template's refs name this controller
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
            # "Some fields like name, URL, uuid etc. are always returned" (swagger, `fields`)
            keep = set(fields) | {"url", "uuid", "name"} | {"runtime"}
            if not self.runtime_with_fields:
                keep.discard("runtime")
            out = {k: v for k, v in out.items() if k in keep}
        return {k: v for k, v in out.items() if v is not None}

    def vs_runtime(self, obj: dict[str, Any]) -> dict[str, Any]:
        state = obj.get("_oper", "OPER_UP")
        if not obj.get("enabled", True):
            state = "OPER_DISABLED"
        elif obj.get("_oper") is None and not obj.get("pool_uuid"):
            state = "OPER_UNAVAIL"  # OperationalStatus.state's default (swagger), "not available"
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
