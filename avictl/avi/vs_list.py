"""`vs list` at scale: virtual service pages and their VIPs read side by side, summaries streamed.

On 20.1+ a VS carries only a `vsvip_ref`; its addresses are in `/api/vsvip`. Reading one bulk
`vsvip?uuid=a,b,...` per 100 VSs doubles the requests and sends 4 KB URLs; reading the VsVip
collection itself beside the VS pages costs one request per 200 VIPs with short URLs. So:

1. VS page 1 and VsVip page 1 are asked for together (the VsVip read only when the
   controller's version may keep VIPs apart: 20.1+ or not known);
2. once both counts are known, the remaining pages of both collections are fetched
   concurrently — at most `concurrency` pages in flight or waiting to be handed out, VS page
   k and VsVip page k side by side;
3. VS pages are handed out in order as soon as the VIPs they name have arrived. A VsVip
   entry is dropped once its page is handed out (the previous page's are kept for VSs that
   share a VIP), so memory stays flat when both collections come in the same order; what
   is still missing after the whole VsVip collection was read (a VS created meanwhile, a
   VIP shared far apart) is read in bulk for that page alone.

When only a few VSs are listed out of many VsVips (`--name`, `--cloud`, a tenant), reading
the whole VsVip collection would cost more than the bulk reads: then each page's VIPs are
read in bulk (`AviClient._vips_for`), as for a controller that serves smaller pages than asked.
"""

from __future__ import annotations

import fnmatch
import math
import re
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from .. import errors
from ..paging import Paged
from . import mesos
from .summary import normalize_state
from .vip import addresses_of_vips, inline_addresses, ref_label, ref_uuid

# What `vs list` needs of a VS; asking for only these keeps pages ~10x smaller than full objects.
VS_FIELDS = ("name,uuid,services,vip,ip_address,ip6_address,vsvip_ref,pool_ref,pool_group_ref,cloud_ref,"
             "cloud_type,tenant_ref,enabled,east_west_placement,runtime")
UUID_CHUNK = 100  # uuids per bulk VsVip read, keeping the URL well under 8 KiB

Summary = dict[str, Any]


def oper_state(vs: dict[str, Any]) -> str:
    """OPER_UP, OPER_DOWN, ... from a VS read with runtime joined (or a summary)."""
    state = vs.get("state")
    if isinstance(state, str):
        return state
    runtime = vs.get("runtime")
    if isinstance(runtime, list) and runtime:
        runtime = runtime[0]
    if isinstance(runtime, dict):
        state = (runtime.get("oper_status") or {}).get("state")
        if state:
            return state
    if vs.get("enabled") is False:
        return "OPER_DISABLED"
    return "OPER_UNKNOWN"


def summarizer(known_apps: dict[str, str] | None) -> Callable[[dict[str, Any], list[str]], Summary]:
    """The function that turns a raw VS and its VIPs (`vips_of`) into what `vs list` prints:
    name, uuid, vips, services, state, enabled, pool, app, cloud, tenant, east_west."""
    app_for = mesos.app_id_for_vs

    def summarize(vs: dict[str, Any], vips: list[str]) -> Summary:
        get = vs.get
        services = [{"port": s.get("port"), "port_range_end": s.get("port_range_end") or s.get("port"),
                     "enable_ssl": bool(s.get("enable_ssl"))} for s in get("services") or []]
        runtime = get("runtime")
        state = (runtime.get("oper_status") or {}).get("state") if isinstance(runtime, dict) else None
        if not state or "state" in vs:
            state = oper_state(vs)
        return {
            "name": get("name"),
            "uuid": get("uuid"),
            "vips": vips,
            "services": services,
            "state": state,
            "enabled": get("enabled", True),
            "pool": ref_label(get("pool_ref") or get("pool_group_ref")),
            "app": app_for(vs, known_apps),
            "cloud": ref_label(get("cloud_ref")),
            "tenant": ref_label(get("tenant_ref")),
            "east_west": bool(get("east_west_placement")),
        }

    return summarize


def vips_of(vs: dict[str, Any], vsvips: dict[str, list[str]]) -> list[str]:
    """The VIPs of a VS: its own (before 20.1), else those of its VsVip in `vsvips` (by uuid)."""
    vips = inline_addresses(vs)
    if vips is None:
        vips = vsvips.get(ref_uuid(vs.get("vsvip_ref")) or "", [])
    return vips


def list_virtualservices(client: Any, *, name: str | None = None, cloud: str | None = None,
                         state: str | None = None, tenant: str | None = None, all_tenants: bool = False,
                         known_apps: dict[str, str] | Callable[[], dict[str, str] | None] | None = None) -> Paged:
    """Summaries of the virtual services (see `summarizer`), streamed page by page.

    `known_apps` may be a function giving them: it is called when the first page is summarized,
    so that Marathon's app list can be read while the first pages are on their way.
    """
    params: dict[str, Any] = {"include_name": "true", "join_subresources": "runtime", "fields": VS_FIELDS}
    glob = name
    if name:
        if not re.search(r"[*?\[]", name):
            params["name"] = name
            glob = None
        else:
            literal = max(re.split(r"[*?\[\]]+", name), key=len)
            if literal:
                params["name.contains"] = literal
    if cloud:
        params["cloud_ref.name"] = cloud
    wanted_state = normalize_state(state) if state else None
    summarizers: list[Callable[[dict[str, Any], list[str]], Summary]] = []
    match = fnmatch.fnmatchcase

    def items(results: list[dict[str, Any]], vips: list[list[str]]) -> list[Summary]:
        if not summarizers:
            summarizers.append(summarizer(known_apps() if callable(known_apps) else known_apps))
        summarize = summarizers[0]
        out = [summarize(vs, v) for vs, v in zip(results, vips)]
        if glob:
            out = [i for i in out if match(i["name"] or "", glob)]
        if wanted_state:
            out = [i for i in out if i["state"] == wanted_state]
        return out

    return Paged(_Listing(client, params, "*" if all_tenants else tenant, items).pages())


def _keeps_vips_apart(version: str | None) -> bool:
    """True unless the version is known to be before 20.1 (whose VSs carry their VIPs)."""
    numbers = re.findall(r"\d+", version or "")[:2]
    if len(numbers) < 2:
        return True
    return (int(numbers[0]), int(numbers[1])) >= (20, 1)


class _Listing:
    """One `vs list`: the pages of two collections in flight, VS pages handed out in order."""

    def __init__(self, client: Any, params: dict[str, Any], tenant: str | None,
                 items: Callable[[list[dict[str, Any]], list[list[str]]], list[Summary]]):
        self.client = client
        self.session = client.session
        self.size = client.page_size
        self.workers = client.concurrency
        # pages in flight or fetched and waiting to be handed out (twice as many measured no faster:
        # the listing is CPU-bound once the pages flow, and more pages waiting is more memory)
        self.window = client.concurrency
        self.params = params
        self.tenant = tenant
        self.items = items
        self.index: dict[str, list[str]] = {}  # VsVip uuid → addresses, read and not yet handed out
        self.recent: dict[str, list[str]] = {}  # the entries of the page handed out last
        self.futures: dict[tuple[str, int], Future] = {}
        self.next_page = {"vs": 2, "vsvip": 2}
        self.last_page = {"vs": 1, "vsvip": 1}
        self.vsvip_read = 1  # VsVip pages merged into the index
        self.handed_out = 0  # VS pages handed out
        self.pool: ThreadPoolExecutor | None = None

    # -- requests (run in the workers) ------------------------------------------------------

    def _vs_page(self, page: int, url: str | None = None) -> tuple[list[dict[str, Any]], int, str | None]:
        path = "/api/virtualservice"
        if url:  # a `next` link, already carrying every parameter
            from .client import _path_of

            data = self.session.request("GET", _path_of(url), tenant=self.tenant)
        else:
            data = self.session.request("GET", path, tenant=self.tenant,
                                        params={**self.params, "page_size": self.size, "page": page})
        return _page_of(data, f"GET {path}")

    def _vsvip_page(self, page: int, speculative: bool = False) -> tuple[dict[str, list[str]], int, bool] | None:
        """One page of VsVips as {uuid: addresses}, their count and whether it was short with
        more to come (a capped page size). The first read is a guess: None if it fails."""
        response = self.session.send("GET", "/api/vsvip", tenant=self.tenant,
                                     params={"fields": "vip", "page_size": self.size, "page": page})
        if response.status_code >= 400:
            if speculative:
                return None
            from .session import remote_error

            raise remote_error("GET /api/vsvip", response)
        from ..http import decode_json

        try:
            results, count, nxt = _page_of(decode_json(response, "GET /api/vsvip"), "GET /api/vsvip")
        except errors.RemoteError:
            if speculative:
                return None
            raise
        found = {v.get("uuid") or "": addresses_of_vips(v.get("vip")) for v in results if isinstance(v, dict)}
        return found, count, bool(nxt) and len(results) < self.size

    # -- scheduling -------------------------------------------------------------------------

    def _submit(self, kind: str) -> None:
        page = self.next_page[kind]
        self.next_page[kind] = page + 1
        fetch = self._vs_page if kind == "vs" else self._vsvip_page
        assert self.pool is not None
        self.futures[(kind, page)] = self.pool.submit(fetch, page)

    def _top_up(self) -> None:
        """Keep `window` pages in flight or waiting, VsVip page k beside VS page k."""
        while len(self.futures) < self.window:
            open_kinds = [k for k in ("vsvip", "vs") if self.next_page[k] <= self.last_page[k]]
            if not open_kinds:
                return
            self._submit(min(open_kinds, key=lambda k: self.next_page[k]))

    def _take(self, kind: str, page: int) -> Any:
        while (kind, page) not in self.futures:
            self._submit(kind)
        future = self.futures.pop((kind, page))
        self._top_up()
        return future.result()

    # -- the listing ------------------------------------------------------------------------

    def pages(self) -> Iterator[list[Summary]]:
        self.session.ensure()  # the version decides whether VIPs are apart
        self.pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="avi-page")
        try:
            yield from self._pages()
        finally:
            for future in self.futures.values():
                future.cancel()
            self.pool.shutdown(wait=True, cancel_futures=True)

    def _pages(self) -> Iterator[list[Summary]]:
        assert self.pool is not None
        first = self.pool.submit(self._vs_page, 1)
        vsvips = self.pool.submit(self._vsvip_page, 1, True) if _keeps_vips_apart(self.session.api_version) else None
        results, count, nxt = first.result()
        collection = False
        if vsvips is not None:
            got = vsvips.result()
            if got is not None:
                self.index, vsvip_count, capped = got
                vsvip_pages = math.ceil(vsvip_count / self.size)
                # the rest of the VsVip collection, or a bulk read per 100 VSs: whichever asks less
                collection = (not capped and len(results) == self.size
                              and vsvip_pages - 1 <= math.ceil(count / UUID_CHUNK))
                self.last_page["vsvip"] = vsvip_pages if collection else 1
        if len(results) == self.size:
            self.last_page["vs"] = math.ceil(count / self.size) if count else 1
        yield self._hand_out(results)
        if len(results) < self.size:
            # A short first page: the only one, unless the controller capped our page size — then
            # follow its `next` links one at a time rather than guess its page arithmetic.
            while nxt and results:
                results, _, nxt = self._vs_page(0, nxt)
                if results:
                    yield self._hand_out(results)
            return
        for page in range(2, self.last_page["vs"] + 1):
            results, _, _ = self._take("vs", page)
            if not results:
                return  # fewer objects than `count` said (they changed meanwhile)
            yield self._hand_out(results)

    def _hand_out(self, results: list[dict[str, Any]]) -> list[Summary]:
        """The summaries of one VS page, its VIPs taken from the VsVip pages read so far (reading
        more while some are missing), what remains missing read in bulk."""
        self.handed_out += 1
        refs: list[list[str] | str] = []  # per VS: its own VIPs, or the uuid of its VsVip ("" for none)
        needed: dict[str, dict[str, Any]] = {}
        for vs in results:
            own = inline_addresses(vs)
            if own is None:
                uuid = ref_uuid(vs.get("vsvip_ref")) or ""
                if uuid:
                    needed.setdefault(uuid, vs)
                refs.append(uuid)
            else:
                refs.append(own)
        vsvips: dict[str, list[str]] = {}
        missing: list[dict[str, Any]] = []
        for uuid, vs in needed.items():
            while uuid not in self.index and uuid not in self.recent and self.vsvip_read < self.last_page["vsvip"]:
                self.vsvip_read += 1
                found, _, _ = self._take("vsvip", self.vsvip_read)
                self.index.update(found)
            if uuid in self.index:
                vsvips[uuid] = self.index.pop(uuid)
            elif uuid in self.recent:
                vsvips[uuid] = self.recent[uuid]
            else:
                missing.append(vs)
        if missing:
            vsvips.update(self.client._vips_for(missing, self.tenant))
        self.recent = vsvips
        if any("runtime" not in vs for vs in results):
            self._runtime_from_inventory(results)
        return self.items(results, [r if isinstance(r, list) else vsvips.get(r, []) for r in refs])

    def _runtime_from_inventory(self, results: list[dict[str, Any]]) -> None:
        """Oper state for VSs that came without `runtime` (a controller that drops it when
        `fields=` is given): the matching page of /api/virtualservice-inventory."""
        query = {k: v for k, v in self.params.items() if k not in ("fields", "join_subresources", "include_name")}
        uuids = {vs.get("uuid") for vs in results}
        page = self.handed_out  # this page's number (counted before its runtime is read)
        data = self.session.request("GET", "/api/virtualservice-inventory", tenant=self.tenant,
                                    params={**query, "page": page, "page_size": self.size})
        states = {e.get("uuid") or (e.get("config") or {}).get("uuid"): e.get("runtime")
                  for e in (data or {}).get("results", []) if isinstance(e, dict)}
        for vs in results:
            if "runtime" not in vs and vs.get("uuid") in uuids and states.get(vs.get("uuid")):
                vs["runtime"] = states[vs.get("uuid")]


def _page_of(data: Any, what: str) -> tuple[list[dict[str, Any]], int, str | None]:
    """`results`, `count` and `next` of a collection reply, or an error for any other shape."""
    if not isinstance(data, dict) or "results" not in data:
        raise errors.RemoteError(f"{what}: unexpected reply (no results)")
    results, count = data["results"], data.get("count") or 0
    if not isinstance(results, list) or not isinstance(count, int) or isinstance(count, bool):
        raise errors.RemoteError(f"{what}: unexpected reply (results or count of the wrong type)")
    nxt = data.get("next")
    return results, count, nxt if isinstance(nxt, str) else None
