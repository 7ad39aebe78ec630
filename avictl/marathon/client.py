"""Marathon REST client (0.9 … 1.x, DC/OS): apps, tasks, deployments, the event stream.

Returns plain dicts as Marathon sends them; never prints. Errors become avictl errors
with Marathon's own words (`message` plus `details` (1.x) or `errors` (0.9)), on one line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote

from .. import errors
from ..http import HttpOptions, Transport, httpx, json_or_none, short_text  # httpx through avictl.http: see there
from . import appdef
from ..results import Result
from .appdef import AppId

EVENT_TYPES = ("deployment_success", "deployment_failed", "deployment_step_success", "deployment_step_failure",
               "deployment_info", "status_update_event", "health_status_changed_event", "api_post_event",
               "app_terminated_event", "event_stream_attached")


class AppLocked(errors.RemoteError):
    """409: the app is locked by deployments in progress (`deployment_ids`); a forced request overrides it."""

    def __init__(self, message: str, deployment_ids: list[str], *, body: object = None):
        super().__init__(message, f"deployment {', '.join(deployment_ids)} is in progress: wait for it "
                         "(`avictl deployment watch`) or cancel it", status=409, body=body)
        self.deployment_ids = deployment_ids


def error_message(response: httpx.Response) -> str:
    """Marathon's words for a failed reply, on one line (HTML pages reduced to their title)."""
    try:
        body = response.json()
    except ValueError:
        text = short_text(response)
        return text or response.reason_phrase or "error"
    if not isinstance(body, dict):
        return errors.one_line(str(body), 300)
    parts = [str(body.get("message") or body.get("error") or body.get("title") or "")]
    details = body.get("details")
    if isinstance(details, str):  # 1.5+ "Invalid JSON": Jackson's own words (MarathonExceptionMapper)
        parts.append(details)
    for d in details if isinstance(details, list) else []:
        if isinstance(d, dict) and ("path" in d or "errors" in d):
            errs = d.get("errors")
            errs = errs if isinstance(errs, list) else [errs] if errs else []
            parts.append(f"{d.get('path') or '/'}: {', '.join(str(e) for e in errs)}")
        elif isinstance(d, dict):  # 0.15: {"attribute", "error"} inside details
            parts.append(_attribute_error(d))
        elif d:
            parts.append(str(d))
    errors_ = body.get("errors")
    for e in errors_ if isinstance(errors_, list) else [errors_] if errors_ else []:
        parts.append(_attribute_error(e) if isinstance(e, dict) else str(e))
    if body.get("description") and body.get("description") not in parts:
        parts.append(str(body["description"]))
    return errors.one_line("; ".join(p for p in parts if p), 400) or f"HTTP {response.status_code}"


def _attribute_error(e: dict[str, Any]) -> str:
    """0.9's `{"attribute", "error"}` (attribute may be empty: the whole app)."""
    return f"{e.get('attribute') or '/'}: {e.get('error') or e.get('message') or '?'}"


class MarathonClient:
    def __init__(self, url: str, opts: HttpOptions | None = None, auth: tuple[str, ...] | None = None):
        opts = opts or HttpOptions()
        headers = {"Accept": "application/json"}
        basic = None
        self.auth_kind = "none"
        if auth and auth[0] == "token":
            headers["Authorization"] = f"token={auth[1]}"
            opts.redactor.add(auth[1])
            self.auth_kind = "token"
        elif auth and auth[0] == "basic":
            basic = (auth[1], auth[2])
            opts.redactor.add(auth[2])
            self.auth_kind = "basic"
        self.url = url.rstrip("/")
        self._version: tuple[int, ...] | None = None
        self.transport = Transport(self.url, opts, name="Marathon", auth=basic, headers=headers, system="marathon")

    @classmethod
    def from_settings(cls, settings: Any, opts: HttpOptions | None = None) -> MarathonClient:
        if not settings.marathon:
            raise errors.UsageError("no Marathon URL configured",
                                    "set MARATHON_URL, or `avictl config set marathon http://HOST:8080`")
        from ..credentials import marathon_auth

        return cls(settings.marathon, opts, marathon_auth(settings))

    def close(self) -> None:
        self.transport.close()

    # -- plumbing -----------------------------------------------------------------------

    def _call(self, method: str, path: str, *, params: Any = None, json_body: Any = None, what: str = "",
              not_found: str | None = None) -> tuple[Any, httpx.Response]:
        resp = self.transport.request(method, path, params=params, json_body=json_body)
        if resp.status_code < 400:
            if resp.status_code == 204 or not resp.content:
                return {}, resp
            try:
                return resp.json(), resp
            except ValueError:
                raise errors.RemoteError(f"Marathon: {what or method + ' ' + path}: unexpected reply "
                                         f"(HTTP {resp.status_code}, not JSON)") from None
        raise self._error(resp, what or f"{method} {path}", not_found)

    def _error(self, resp: httpx.Response, what: str, not_found: str | None) -> errors.AvictlError:
        status = resp.status_code
        msg = error_message(resp)
        if status in (401, 403):
            hint = {"token": "the DC/OS token (DCOS_ACS_TOKEN) was refused; get a new one with `dcos auth login`",
                    "basic": "check MARATHON_USERNAME / MARATHON_PASSWORD (or the marathon_username setting)"}.get(
                self.auth_kind, "this Marathon needs credentials: set MARATHON_USERNAME and MARATHON_PASSWORD, "
                                "or DCOS_ACS_TOKEN for DC/OS")
            return errors.AuthError(f"Marathon: {what}: HTTP {status} {resp.reason_phrase}"
                                    + (f" ({msg})" if msg and msg != resp.reason_phrase else ""), hint)
        if status == 404 and not_found:
            return errors.NotFound(not_found, "list the apps with `avictl app list`")
        if status == 409:
            body = json_or_none(resp)
            deps = [d.get("id") for d in (body or {}).get("deployments") or [] if isinstance(d, dict)]
            if deps:
                return AppLocked(f"Marathon: {what}: {msg}", deps, body=body)
            return errors.RemoteError(f"Marathon: {what}: {msg}", status=409, body=body)
        return errors.RemoteError(f"Marathon: {what}: HTTP {status}: {msg}", status=status, body=json_or_none(resp))

    # -- the journal (every write is one entry, SPEC.md §12) -----------------------------

    @property
    def journal(self) -> Any:
        return self.transport.opts.journal

    def _change(self, obj: str, action: str, before: Any = None, after: Any = None) -> Any:
        """The journal entry around one write; the transport refuses the write without it."""
        from ..journal import unjournaled

        if self.journal is None:
            raise unjournaled("marathon", f"{action} {obj}")
        return self.journal.change("marathon", obj, action, before=before, after=after)

    def _before(self, norm: str, current: Any) -> dict[str, Any] | None:
        """The app's definition before a change: `current` when the caller read it, else read now."""
        if current is ...:
            current = self.find_app(norm)
        return appdef.definition_of(current) if current else None

    @staticmethod
    def _app_path(app_id: str) -> str:
        return "/v2/apps" + quote(AppId(app_id), safe="/")

    # -- info ---------------------------------------------------------------------------

    def info(self) -> dict[str, Any]:
        data, _ = self._call("GET", "/v2/info", what="server info")
        if isinstance(data, dict) and isinstance(data.get("version"), str):
            self._version = _version_tuple(data["version"])
        return data

    def server_version(self) -> tuple[int, ...]:
        """Marathon's version from /v2/info, read once; () when it does not say."""
        if self._version is None:
            try:
                self.info()
            except errors.AvictlError:
                pass
            if self._version is None:
                self._version = ()
        return self._version

    # -- apps ---------------------------------------------------------------------------

    def list_apps(self, *, embed_tasks: bool = False, id_filter: str | None = None) -> list[dict[str, Any]]:
        params: list[tuple[str, str]]
        if (0,) < self.server_version() < (0, 11):
            # Before 0.11 `embed` is one value and only apps.tasks / apps.failures are known
            # (AppsResource.index @ v0.9.2); apps.failures brings tasks and lastTaskFailure.
            params = [("embed", "apps.failures")]
        else:
            params = [("embed", "apps.lastTaskFailure"), ("embed", "apps.counts")]
            if embed_tasks:
                params.append(("embed", "apps.tasks"))
        if id_filter:
            params.append(("id", id_filter))
        data, _ = self._call("GET", "/v2/apps", params=params, what="list apps")
        return list(data.get("apps") or [])

    def get_app(self, app_id: str) -> dict[str, Any]:
        norm = AppId(app_id)
        data, _ = self._call("GET", self._app_path(norm), params=[("embed", "app.lastTaskFailure")],
                             what=f"app {norm}", not_found=f"app {norm} not found")
        app = data.get("app") if isinstance(data, dict) else None
        if not isinstance(app, dict) or not app.get("id"):
            raise errors.RemoteError(f"GET app {norm}: unexpected reply from Marathon (no app object)")
        return app

    def find_app(self, app_id: str) -> dict[str, Any] | None:
        try:
            return self.get_app(app_id)
        except errors.NotFound:
            return None

    def service_ports(self, app_id: str) -> list[int]:
        return appdef.service_ports(self.get_app(app_id))

    def post_app(self, definition: dict[str, Any]) -> Result[dict[str, Any]]:
        """Create an app; the reply plus `deploymentId`. 409 → exit 4 with a hint to use `apply`.

        After an ambiguous failure (connection lost after sending), the app is looked up: if it
        now exists, it is returned with a warning saying so; it is never POSTed twice.
        """
        norm = AppId(definition["id"])
        with self._change(f"marathon app {norm}", "create", before=None, after={**definition, "id": norm}):
            return self._post_app(norm, definition)

    def _post_app(self, norm: str, definition: dict[str, Any]) -> dict[str, Any]:
        try:
            resp = self.transport.request("POST", "/v2/apps", json_body=definition)
        except errors.AmbiguousRequest as exc:
            app = self.find_app(norm)
            if app is None:
                raise errors.AmbiguousRequest(f"{exc.message}; app {norm} does not exist now, so the POST was lost",
                                              "it is safe to run the command again") from None
            deps = app.get("deployments") or []
            app["deploymentId"] = deps[0]["id"] if deps else None
            return Result(app, [f"the connection was lost after sending; app {norm} exists now, so the POST arrived"])
        if resp.status_code == 409:
            raise errors.Conflict(f"Marathon: app {norm} already exists ({error_message(resp)})",
                                  "use `avictl app apply` to update it") from None
        if resp.status_code >= 400:
            raise self._error(resp, f"create app {norm}", None)
        data = json_or_none(resp) or {}
        deps = data.get("deployments") or []
        data["deploymentId"] = resp.headers.get("Marathon-Deployment-Id") or (deps[0].get("id") if deps else None)
        return Result(data)

    def put_app(self, app_id: str, definition: dict[str, Any], force: bool = False, *, current: Any = ...,
                action: str = "update") -> dict[str, Any]:
        """Update (or create) an app; {"deploymentId", "version", "created"}.

        `current` is the app as the caller just read it (None: it does not exist), for the
        journal's `before`; when not given it is read here.
        """
        norm = AppId(app_id)
        before = self._before(norm, current)
        with self._change(f"marathon app {norm}", action if before else "create", before=before,
                          after={**definition, "id": norm}):
            params = {"force": "true"} if force else None
            resp = self.transport.request("PUT", self._app_path(norm), params=params, json_body=definition)
            if resp.status_code >= 400:
                raise self._error(resp, f"update app {norm}", f"app {norm} not found")
            data = json_or_none(resp) or {}
            data["created"] = resp.status_code == 201
            return data

    def scale_app(self, app_id: str, instances: int, force: bool = False, *, current: Any = ...) -> dict[str, Any]:
        return self.put_app(app_id, {"instances": instances}, force=force, current=current, action="scale")

    def restart_app(self, app_id: str, force: bool = False) -> dict[str, Any]:
        norm = AppId(app_id)
        with self._change(f"marathon app {norm}", "restart") as entry:
            data, _ = self._call("POST", self._app_path(norm) + "/restart",
                                 params={"force": "true"} if force else None,
                                 what=f"restart app {norm}", not_found=f"app {norm} not found")
            entry.after = {"deploymentId": data.get("deploymentId"), "version": data.get("version")}
            return data

    def delete_app(self, app_id: str, force: bool = False, *, current: Any = ...) -> dict[str, Any]:
        norm = AppId(app_id)
        with self._change(f"marathon app {norm}", "delete", before=self._before(norm, current), after=None):
            data, _ = self._call("DELETE", self._app_path(norm), params={"force": "true"} if force else None,
                                 what=f"delete app {norm}", not_found=f"app {norm} not found")
            return data

    def tasks(self, app_id: str) -> list[dict[str, Any]]:
        norm = AppId(app_id)
        data, _ = self._call("GET", self._app_path(norm) + "/tasks", what=f"tasks of {norm}",
                             not_found=f"app {norm} not found")
        return list(data.get("tasks") or [])

    # -- deployments --------------------------------------------------------------------

    def deployments(self) -> list[dict[str, Any]]:
        data, _ = self._call("GET", "/v2/deployments", what="list deployments")
        return list(data or [])

    def cancel_deployment(self, deployment_id: str, force: bool = False) -> dict[str, Any]:
        """Roll back (a new deployment's id in the reply) or, with force, just stop it ({})."""
        with self._change(f"marathon deployment {deployment_id}", "cancel" if not force else "stop",
                          before={"id": deployment_id}) as entry:
            data, _ = self._call("DELETE", f"/v2/deployments/{quote(deployment_id, safe='')}",
                                 params={"force": "true"} if force else None,
                                 what=f"cancel deployment {deployment_id}",
                                 not_found=f"deployment {deployment_id} not found")
            entry.after = {"rollback_deployment": (data or {}).get("deploymentId")}
            return data

    # -- events -------------------------------------------------------------------------

    @contextmanager
    def open_event_stream(self, event_types: list[str] | tuple[str, ...] | None = None) -> Iterator[httpx.Response]:
        """GET /v2/events as a stream (`?event_type=` filters are ignored by Marathon < 1.3.7).

        A standby Marathon (1.7+) answers /v2/events with a redirect to the leader
        (LeaderProxyFilter): that one redirect is followed when it points at the leader this
        cluster names (`GET /v2/leader` through the configured URL), on the same scheme or
        https; credentials go to that leader only. Any other redirect is an error.
        """
        params = [("event_type", t) for t in event_types or ()]
        timeout = httpx.Timeout(self.transport.opts.timeout, read=60.0)
        headers = {"Accept": "text/event-stream"}
        with self.transport.stream("GET", "/v2/events", params=params or None, headers=headers,
                                   timeout=timeout) as resp:
            if not resp.is_redirect:
                yield resp
                return
            leader_url = self._leader_events_url(resp.headers.get("Location", ""))
        with self.transport.stream("GET", leader_url, headers=headers, timeout=timeout) as resp:
            if resp.is_redirect:
                raise errors.RemoteError("Marathon: the leader's /v2/events redirected again; not followed")
            yield resp

    def _leader_events_url(self, location: str) -> str:
        """The redirect target, if it is this cluster's leader's /v2/events; else RemoteError."""
        shown = self.transport.opts.redactor.text(location or "?")
        target = httpx.URL(location) if location else None
        base = httpx.URL(self.url)
        refused = errors.RemoteError(f"Marathon: /v2/events redirected to {shown}, which is not this cluster's "
                                     "leader; not followed", "check the Marathon URL in your profile")
        if target is None or not target.is_absolute_url or target.userinfo:
            raise refused
        if target.path.rstrip("/") != "/v2/events" or target.scheme not in {base.scheme, "https"}:
            raise refused
        data, _ = self._call("GET", "/v2/leader", what="leader")
        leader = data.get("leader") if isinstance(data, dict) else None
        port = target.port or {"http": 80, "https": 443}[target.scheme]
        if not isinstance(leader, str) or leader.lower() != f"{target.host}:{port}".lower():
            raise refused
        return str(target)

def deployment_steps(dep: dict[str, Any]) -> list[list[dict[str, Any]]]:
    """The steps of a deployment as lists of actions, whether 0.9 (list of lists) or 1.x ({actions})."""
    out = []
    for step in dep.get("steps") or []:
        if isinstance(step, dict):
            out.append(list(step.get("actions") or []))
        elif isinstance(step, list):
            out.append(step)
    return out


def _version_tuple(text: str) -> tuple[int, ...]:
    nums = re.findall(r"\d+", text)[:3]
    return tuple(int(n) for n in nums)
