"""Collections: filters, paging, list and inventory replies."""

from __future__ import annotations

import json
import threading
from typing import Any
from urllib.parse import urlencode

from ..base import Request, Response
from .model import DEFAULT_PAGE_SIZE


class QueryMixin:
    objects: dict[str, dict[str, dict[str, Any]]]
    state_lock: threading.RLock
    bulk_uuid_filter: bool
    cap_page_size: int | None
    _render_cache: dict[tuple[Any, ...], bytes]

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
        refers_to = req.arg("refers_to")  # `pool:<uuid>`, as the SDK's samples query it
        if refers_to is not None:
            otype_ref, _, ref_uuid = refers_to.partition(":")
            items = [o for o in items if ref_uuid and o.get(f"{otype_ref}_uuid") == ref_uuid]
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
        if size < 1:  # no upper bound: only the SDK refuses more than MAX_PAGE_SIZE, client-side
            return Response.json({"error": f"page_size {size} is out of range: page_size must be at least 1"}, 400)
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
