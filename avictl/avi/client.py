"""The Avi Controller client: virtual services, pools, clouds, raw calls. Never prints.

Listing at scale (SPEC.md §6): the first page is read with `page_size=200`; once its `count`
is known the remaining pages are fetched concurrently (at most `concurrency` in flight) and
handed out in order as they arrive, so output streams and memory stays bounded by the pages
in flight. `vs list` (vs_list.py) reads the VsVip collection beside the VS pages; oper state
comes inline (`join_subresources=runtime`); the VIPs of one VS or a few are read in bulk
(`vsvip?uuid=a,b,...`), never one request per VS.
"""

from __future__ import annotations

import fnmatch
import math
import re
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from .. import errors
from ..http import HttpOptions
from ..paging import Paged
from ..results import Result
from . import mesos
from .session import UNJOURNALED, Session, cache_file_for
from .summary import NoServicePort, service_port, summarize_cloud, summarize_pool
from .vip import addresses_of_vips, inline_addresses, ref_uuid

PAGE_SIZE = 200
CONCURRENCY = 16  # pages in flight; with 20 ms per request, 50 pages take ~4 rounds
UUID_CHUNK = 100  # uuids per bulk VsVip read, keeping the URL well under 8 KiB


class AviClient:
    """What the `vs`, `pool`, `cloud`, `api`, `login` and `status` commands need from a controller."""

    def __init__(self, session: Session, *, page_size: int = PAGE_SIZE, concurrency: int = CONCURRENCY):
        self.session = session
        self.page_size = page_size
        self.concurrency = max(1, concurrency)
        self._vsvip_index: dict[str, list[str]] | None = None  # only for controllers without bulk uuid= reads
        self._index_lock = threading.Lock()
        self._side: ThreadPoolExecutor | None = None

    def _side_pool(self) -> ThreadPoolExecutor:
        """Workers for the requests a page's worker makes side by side (its VsVip chunks)."""
        with self._index_lock:
            if self._side is None:
                self._side = ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="avi-side")
            return self._side

    @classmethod
    def from_settings(cls, settings: Any, opts: HttpOptions | None = None, *,
                      password: Callable[[], str] | None = None, use_cache: bool = True) -> AviClient:
        """A client for the profile's controller; `password` is asked only when a login needs it
        (default: the chain of credentials.controller_password, which never prompts)."""
        import os

        from .. import config, credentials

        if not settings.controller:
            raise errors.UsageError("no controller URL configured",
                                    "set AVI_CONTROLLER, or `avictl config set controller https://HOST`")
        opts = opts or HttpOptions(timeout=settings.request_timeout, verify=not settings.insecure,
                                   ca_bundle=settings.ca_bundle)
        token = os.environ.get("AVI_AUTHTOKEN") or None

        if password is None:
            def password() -> str:
                return credentials.controller_password(settings)

        cache = cache_file_for(config.cache_dir(), settings.controller, settings.username) if use_cache else None
        session = Session(settings.controller, opts, username=settings.username, password=password, token=token,
                          tenant=settings.tenant or "admin", api_version=settings.api_version, cache_file=cache,
                          max_connections=CONCURRENCY + 2, explicit_password=os.environ.get("AVI_PASSWORD") or None)
        return cls(session)

    # -- session ----------------------------------------------------------------------------

    def login(self, password: str | None = None) -> dict[str, Any]:
        """Log in now (with this password, if given) and keep the session for later commands."""
        if password is not None:
            self.session.set_password(password)
        return self.session.login()

    def connect(self) -> None:
        """Have a session now: the cached one, or a login (asking for the password if it must)."""
        self.session.ensure()

    def logout(self) -> bool:
        return self.session.logout()

    @property
    def version(self) -> str:
        """The controller's version (logging in if needed)."""
        self.session.ensure()
        return self.session.controller_version or self.session.api_version or ""

    def user_token(self, hours: float) -> str:
        return self.session.user_token(hours)

    def close(self) -> None:
        if self._side is not None:
            self._side.shutdown(wait=False, cancel_futures=True)
        self.session.close()

    def request(self, method: str, path: str, *, params: Any = None, json_body: Any = None,
                content: bytes | None = None, tenant: str | None = None) -> Result[Any]:
        """A raw authenticated call (`avictl api`): path relative to the controller (`/api/...`).

        The reply's JSON, with a warning when a create's answer was lost but the object exists.
        """
        if not path.startswith("/"):
            path = "/" + path
        if not (path.startswith("/api/") or path in ("/api", "/logout", "/login")):
            path = "/api" + path
        if path == "/login":
            return Result(self.login())
        method = method.upper()
        if method in ("GET", "HEAD", "OPTIONS") or path in UNJOURNALED:
            return self._raw(method, path, params, json_body, content, tenant)
        from .writes import journaled_write

        return journaled_write(self, method, path, params, json_body, content, tenant)

    def _raw(self, method: str, path: str, params: Any, json_body: Any, content: bytes | None,
             tenant: str | None) -> Result[Any]:
        try:
            return Result(self.session.request(method, path, params=params, json_body=json_body, content=content,
                                               tenant=tenant))
        except errors.AmbiguousRequest as exc:
            return self._after_lost_post(method, path, json_body, tenant, exc)

    def request_pages(self, path: str, *, params: Any = None, tenant: str | None = None) -> Iterator[Any]:
        """`api --paginate`: GET `path`, then each `next` link the controller gives, one at a
        time (the query as the caller wrote it); yields each page's reply."""
        url: str | None = path
        first = True
        while url:
            reply = self.request("GET", url, params=params if first else None, tenant=tenant).value
            first = False
            yield reply
            nxt = reply.get("next") if isinstance(reply, dict) else None
            url = _path_of(nxt) if isinstance(nxt, str) and nxt else None

    def _after_lost_post(self, method: str, path: str, body: Any, tenant: str | None,
                         exc: errors.AmbiguousRequest) -> Result[Any]:
        """A create whose answer was lost: find the object by its name instead of sending it again.

        Returns the object with a warning when it exists now; otherwise raises, saying whether
        the POST was lost or cannot be checked (no name to look for).
        """
        name = body.get("name") if isinstance(body, dict) else None
        collection = re.fullmatch(r"/api/([a-z0-9-]+)/?", path)
        if method.upper() != "POST" or not isinstance(name, str) or not collection:
            raise exc
        found = self.session.request("GET", f"/api/{collection.group(1)}", params={"name": name}, tenant=tenant)
        results = (found or {}).get("results") if isinstance(found, dict) else None
        if not results:
            raise errors.AmbiguousRequest(f"{exc.message}; {collection.group(1)} {name!r} does not exist now, "
                                          "so the POST was lost", "it is safe to run the command again") from None
        return Result(dict(results[0]), [f"the connection was lost after sending; {collection.group(1)} {name!r} "
                                         "exists now, so the POST arrived"])

    # -- paging -----------------------------------------------------------------------------

    def pages(self, path: str, params: dict[str, Any] | None = None, *, tenant: str | None = None,
              transform: Callable[[list[dict[str, Any]], int], list[Any]] | None = None) -> Iterator[list[Any]]:
        """The pages of a collection, in order; pages after the first are fetched concurrently.

        `transform(results, page)` runs in the worker that fetched the page.
        """
        base = dict(params or {})
        base["page_size"] = self.page_size

        def fetch(page: int, url: str | None = None) -> tuple[list[Any], int, int, str | None]:
            if url:  # a `next` link, already carrying every parameter
                data = self.session.request("GET", _path_of(url), tenant=tenant)
            else:
                data = self.session.request("GET", path, params={**base, "page": page}, tenant=tenant)
            if not isinstance(data, dict) or "results" not in data:
                raise errors.RemoteError(f"GET {path}: unexpected reply (no results)")
            results = data["results"]
            count = data.get("count") or 0
            if not isinstance(results, list) or not isinstance(count, int) or isinstance(count, bool):
                raise errors.RemoteError(f"GET {path}: unexpected reply (results or count of the wrong type)")
            nxt = data.get("next") if isinstance(data.get("next"), str) else None
            return (transform(results, page) if transform else results), count, len(results), nxt

        first, count, got, nxt = fetch(1)
        yield first
        if got < self.page_size:
            # A short first page: the only one, unless the controller capped our page size — then
            # follow its `next` links one at a time rather than guess its page arithmetic.
            page = 1
            while nxt and got:
                page += 1
                results, _, got, nxt = fetch(page, nxt)
                if got:
                    yield results
            return
        total_pages = math.ceil(count / self.page_size) if count else 1
        if total_pages <= 1:
            return
        pool = ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="avi-page")
        pending: dict[int, Future] = {}
        try:
            next_page = 2
            for page in range(2, total_pages + 1):
                while next_page <= total_pages and len(pending) < self.concurrency:
                    pending[next_page] = pool.submit(fetch, next_page)
                    next_page += 1
                results, _, got, _ = pending.pop(page).result()
                if not got:
                    return  # fewer objects than `count` said (they changed meanwhile)
                yield results
        finally:
            for fut in pending.values():
                fut.cancel()
            pool.shutdown(wait=True, cancel_futures=True)

    def iter_objects(self, otype: str, params: dict[str, Any] | None = None, *, tenant: str | None = None,
                     transform: Callable[[list[dict[str, Any]], int], list[Any]] | None = None) -> Paged:
        """The objects of a collection, streamed; `.by_page()` gives them page by page."""
        return Paged(self.pages(f"/api/{otype}", params, tenant=tenant, transform=transform))

    # -- virtual services -------------------------------------------------------------------

    def list_virtualservices(self, *, name: str | None = None, cloud: str | None = None,
                             state: str | None = None, tenant: str | None = None, all_tenants: bool = False,
                             known_apps: dict[str, str] | None = None) -> Paged:
        """Summaries of the virtual services (see `summarize_vs`), streamed page by page (vs_list.py).

        `known_apps` (VS name → Marathon app id, from `mesos.app_index`) makes the `app` field exact.
        """
        from .vs_list import list_virtualservices

        return list_virtualservices(self, name=name, cloud=cloud, state=state, tenant=tenant,
                                    all_tenants=all_tenants, known_apps=known_apps)

    def _vips_for(self, results: list[dict[str, Any]], tenant: str | None) -> dict[str, list[str]]:
        """VIPs of the 20.1+ VSs among `results`, read in bulk from /api/vsvip (`uuid=a,b,...`).

        Should a controller not take a list in `uuid=` (it answers 400 or leaves some out), the
        VsVips are read once as a collection instead (pages of 200, `fields=vip`) and kept for
        the rest of the listing: more memory, but still no request per VS.
        """
        needed = [u for u in (ref_uuid(vs.get("vsvip_ref")) for vs in results if inline_addresses(vs) is None) if u]
        if not needed:
            return {}
        if self._vsvip_index is not None:
            return self._vsvip_index
        chunks = [needed[i:i + UUID_CHUNK] for i in range(0, len(needed), UUID_CHUNK)]

        def read(chunk: list[str]) -> list[dict[str, Any]] | None:
            response = self.session.send("GET", "/api/vsvip", tenant=tenant, params={
                "uuid": ",".join(chunk), "fields": "vip", "page_size": PAGE_SIZE})
            if response.status_code == 400:
                return None
            if response.status_code >= 400:
                from .session import remote_error

                raise remote_error("GET /api/vsvip", response)
            from ..http import decode_json

            data = decode_json(response, "GET /api/vsvip")
            return data.get("results", []) if isinstance(data, dict) else []

        # The chunks of one page are read side by side (the page's own worker waits for them).
        replies = list(self._side_pool().map(read, chunks)) if len(chunks) > 1 else [read(chunks[0])]
        found: dict[str, list[str]] = {}
        for results in replies:
            if results is None:
                break
            for vsvip in results:
                if isinstance(vsvip, dict):
                    found[vsvip.get("uuid", "")] = addresses_of_vips(vsvip.get("vip"))
        if all(u in found for u in needed):
            return found
        with self._index_lock:
            if self._vsvip_index is None:
                self._vsvip_index = {v.get("uuid", ""): addresses_of_vips(v.get("vip")) for v in self.iter_objects(
                    "vsvip", {"fields": "vip"}, tenant=tenant)}
        return self._vsvip_index

    def summarize_vs(self, vs: dict[str, Any], vsvips: dict[str, list[str]] | None = None,
                     known_apps: dict[str, str] | None = None) -> dict[str, Any]:
        """The plain object `vs list` prints: name, VIPs, services, state, pool, app, cloud."""
        from .vs_list import summarizer, vips_of

        return summarizer(known_apps)(vs, vips_of(vs, vsvips or {}))

    @staticmethod
    def vs_oper_state(vs: dict[str, Any]) -> str:
        """OPER_UP, OPER_DOWN, ... from a VS read with runtime joined (or a summary)."""
        from .vs_list import oper_state

        return oper_state(vs)

    def _vs_by(self, params: dict[str, Any], tenant: str | None = None) -> dict[str, Any] | None:
        data = self.session.request("GET", "/api/virtualservice", tenant=tenant, params={
            **params, "include_name": "true", "join_subresources": "runtime"})
        results = (data or {}).get("results") or []
        return results[0] if results else None

    def get_virtualservice(self, name_or_uuid: str, *, tenant: str | None = None) -> dict[str, Any]:
        """The raw VS by name, uuid or Marathon app id (`/group/app`); NotFound (exit 3) if none."""
        if mesos.looks_like_app_id(name_or_uuid):
            vs = self._vs_for_app_raw(name_or_uuid, tenant)
            if vs is None:
                raise self._no_vs_for_app(name_or_uuid)
            return vs
        if name_or_uuid.startswith("virtualservice-"):
            vs = self._vs_by({"uuid": name_or_uuid}, tenant)
        else:
            vs = self._vs_by({"name": name_or_uuid}, tenant)
        if vs is None:
            raise errors.NotFound(f"virtual service {name_or_uuid!r} not found",
                                  "list them with `avictl vs list` (`avictl vs list --all-tenants` shows every "
                                  "tenant's; then pass --tenant NAME)")
        return vs

    def describe_virtualservice(self, name_or_uuid: str, *, tenant: str | None = None,
                                known_apps: dict[str, str] | None = None) -> dict[str, Any]:
        """`vs show`: the summary plus services, VIP details and pool members with health."""
        vs = self.get_virtualservice(name_or_uuid, tenant=tenant)
        vips = self._vips_for([vs], tenant)
        item = self.summarize_vs(vs, vips, known_apps)
        pool_uuid = ref_uuid(vs.get("pool_ref"))
        members: list[dict[str, Any]] = []
        if pool_uuid and pool_uuid.startswith("pool-"):
            members = self.pool_members(pool_uuid, tenant=tenant)
        item["members"] = members
        item["config"] = vs
        return item

    def _vs_for_app_raw(self, app_id: str, tenant: str | None = None,
                        container_ports: list[int] | None = None) -> dict[str, Any] | None:
        from .apps import single_app_vs

        return single_app_vs(self, app_id, container_ports, tenant=tenant)

    find_app_vs = _vs_for_app_raw

    def vs_for_app(self, app_id: str, *, tenant: str | None = None,
                   container_ports: list[int] | None = None) -> dict[str, Any] | None:
        """The summary of the VS the Mesos integration made for a Marathon app, or None (not yet)."""
        vs = self._vs_for_app_raw(app_id, tenant, container_ports)
        if vs is None:
            return None
        return self.summarize_vs(vs, self._vips_for([vs], tenant or "*"),
                                 {vs.get("name", ""): mesos.loose_app_path(app_id)})

    def _no_vs_for_app(self, app_id: str) -> errors.NotFound:
        name = mesos.vs_name_for_app(app_id)
        return errors.NotFound(f"no virtual service for app {mesos.loose_app_path(app_id)} yet "
                               f"(expected one named {name!r})",
                               "the controller creates it once Marathon has deployed the app and its Mesos cloud "
                               "has synced; check `avictl app show` and `avictl cloud list`")

    def vs_port_for_app(self, app_or_vs: str, ssl: bool = False, *, tenant: str | None = None,
                        container_ports: list[int] | None = None) -> int:
        """The first (SSL if `ssl`) service port of the app's or the named VS; NotFound (exit 3) if none.

        Always the port the VS listens on, read from the VS: north-south VSs may use the
        container port, east-west ones the service port, an `avi_proxy` label either.
        """
        if mesos.looks_like_app_id(app_or_vs):
            from .apps import app_vs_port

            return app_vs_port(self, app_or_vs, container_ports, ssl=ssl, tenant=tenant)[0]
        summary = self.summarize_vs(self.get_virtualservice(app_or_vs, tenant=tenant), {})
        port = service_port(summary, ssl)
        if port is None:
            raise NoServicePort(summary["name"], ssl)
        return port

    # -- pools and clouds -------------------------------------------------------------------

    def pool_members(self, pool_uuid: str, *, tenant: str | None = None) -> list[dict[str, Any]]:
        pool = self.session.request("GET", f"/api/pool/{pool_uuid}", tenant=tenant, not_found=f"pool {pool_uuid}")
        runtime = self.session.send("GET", f"/api/pool/{pool_uuid}/runtime/server/", tenant=tenant)
        health: dict[tuple[str, Any], str] = {}
        if runtime.status_code < 400:
            try:
                data = runtime.json()
            except ValueError:
                data = []
            for s in data if isinstance(data, list) else (data or {}).get("servers", []):
                addr = ((s.get("ip_addr") or s.get("ip") or {}).get("addr"))
                health[(addr, s.get("port"))] = ((s.get("oper_status") or {}).get("state") or "OPER_UNKNOWN")
        members = []
        for s in pool.get("servers") or []:
            addr = (s.get("ip") or {}).get("addr")
            port = s.get("port") or pool.get("default_server_port")
            members.append({"ip": addr, "port": port, "hostname": s.get("hostname"),
                            "enabled": s.get("enabled", True),
                            "health": health.get((addr, s.get("port")), "OPER_UNKNOWN")})
        return members

    def list_pools(self, *, name: str | None = None, tenant: str | None = None,
                   all_tenants: bool = False) -> Iterator[dict[str, Any]]:
        params: dict[str, Any] = {"include_name": "true"}
        if name and not re.search(r"[*?\[]", name):
            params["name"] = name
        for pool in self.iter_objects("pool", params, tenant="*" if all_tenants else tenant):
            if name and not fnmatch.fnmatchcase(pool.get("name", ""), name):
                continue
            yield summarize_pool(pool)

    def get_pool(self, name_or_uuid: str, *, tenant: str | None = None) -> dict[str, Any]:
        key = "uuid" if name_or_uuid.startswith("pool-") else "name"
        data = self.session.request("GET", "/api/pool", tenant=tenant,
                                    params={key: name_or_uuid, "include_name": "true"})
        results = (data or {}).get("results") or []
        if not results:
            raise errors.NotFound(f"pool {name_or_uuid!r} not found", "list them with `avictl pool list`")
        item = summarize_pool(results[0])
        item["members"] = self.pool_members(results[0]["uuid"], tenant=tenant)
        item["config"] = results[0]
        return item

    def list_clouds(self) -> Iterator[dict[str, Any]]:
        for cloud in self.iter_objects("cloud", {"include_name": "true"}):
            yield summarize_cloud(cloud)

    def get_cloud(self, name_or_uuid: str) -> dict[str, Any]:
        key = "uuid" if name_or_uuid.startswith("cloud-") else "name"
        data = self.session.request("GET", "/api/cloud", params={key: name_or_uuid, "include_name": "true"})
        results = (data or {}).get("results") or []
        if not results:
            raise errors.NotFound(f"cloud {name_or_uuid!r} not found", "list them with `avictl cloud list`")
        item = summarize_cloud(results[0])
        item["config"] = results[0]
        return item


# -- plain helpers -----------------------------------------------------------------------------


def _path_of(url: str) -> str:
    """'https://ctl/api/x?page=2' → '/api/x?page=2' (next links are absolute URLs)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")

