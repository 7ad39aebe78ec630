"""An authenticated controller session: login, cookies, CSRF, version and tenant headers, re-login.

Rules (API-NOTES.md §Avi): `POST /login` with a password or a user token; keep whatever
cookies the controller sets (`sessionid`, `avi-sessionid` or both, plus `csrftoken`); send
`X-Avi-Version` on every call (the controller's own version unless configured) and
`X-Avi-Tenant`; writes also carry `X-CSRFToken` and `Referer`. A 401 or 419 means the session
ended: log in again once and replay the request.

The session (cookies and version, never the password) may be kept in a 0600 file in the
cache directory so consecutive commands do not log in each time.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .. import errors
from ..files import write_private
from ..http import HttpOptions, Transport, decode_json, httpx, json_or_none, short_text  # httpx through avictl.http: see there

READS = frozenset({"GET", "HEAD", "OPTIONS"})
RELOGIN_STATUSES = frozenset({401, 419})
CACHE_MAX_AGE = 12 * 3600.0
# Session calls that change no object of the controller's configuration: they pass the
# journal check of the transport (every other write needs an open journal entry).
UNJOURNALED = frozenset({"/login", "/logout", "/api/user-token"})


class Session:
    """One login at one controller, shared by the threads of a listing."""

    def __init__(self, controller: str, opts: HttpOptions | None = None, *, username: str | None = None,
                 password: Callable[[], str] | str | None = None, token: str | None = None,
                 tenant: str = "admin", api_version: str | None = None, cache_file: Path | None = None,
                 max_connections: int = 16, explicit_password: str | None = None):
        if not controller:
            raise errors.UsageError("no controller URL configured",
                                    "set AVI_CONTROLLER or `avictl config set controller https://...`")
        if "://" not in controller:
            controller = f"https://{controller}"
        self.controller = controller.rstrip("/")
        self.opts = opts or HttpOptions()
        self.username = username
        self._password = password
        self.token = token
        # Explicit credentials (a token, or a password given for this run: AVI_PASSWORD) beat a
        # cached session: the cache is reused only when it was made with the same one.
        self._explicit = token or explicit_password
        self.credential_source = "token" if token else ("explicit" if explicit_password else "stored")
        self.tenant = tenant or "admin"
        self.configured_version = api_version
        self._ready = False
        self.controller_version: str | None = None
        self.login_reply: dict[str, Any] | None = None
        self.cache_file = cache_file
        self.logins = 0
        self._lock = threading.Lock()
        self._generation = 0
        self.transport = Transport(self.controller, self.opts, name="controller", max_connections=max_connections,
                                   headers={"Accept": "application/json"}, system="avi", unjournaled=UNJOURNALED)
        if token:
            self.opts.redactor.add(token)
        if explicit_password:
            self.opts.redactor.add(explicit_password)

    # -- state ------------------------------------------------------------------------------

    @property
    def api_version(self) -> str | None:
        return self.configured_version or self.controller_version

    @property
    def logged_in(self) -> bool:
        return any(c.name != "csrftoken" for c in self.transport.cookies.jar)

    def close(self) -> None:
        self.transport.close()

    # -- login / logout ---------------------------------------------------------------------

    def ensure(self) -> None:
        """Have a session: from the cache file if it holds one, else by logging in."""
        if self.logged_in and (self.api_version or self._ready):
            return
        with self._lock:
            if self.logged_in and (self.api_version or self._ready):
                return
            if not self._load_cache():
                self._login_locked()

    def login(self) -> dict[str, Any]:
        with self._lock:
            return self._login_locked()

    def uses_factory_default(self) -> bool:
        """True when the password in use is the factory default admin/admin (the seed guide's)."""
        return not self.token and self.username == "admin" and self._password == "admin"

    def set_password(self, password: str) -> None:
        self._password = password
        self.opts.redactor.add(password)

    def _password_value(self) -> str | None:
        if callable(self._password):
            self._password = self._password()
        if self._password:
            self.opts.redactor.add(self._password)
        return self._password

    def _login_locked(self) -> dict[str, Any]:
        body: dict[str, Any] = {"username": self.username} if self.username else {}
        if self.token:
            body["token"] = self.token
        else:
            password = self._password_value()
            if not self.username or not password:
                raise errors.AuthError("no controller credentials available",
                                       "set AVI_USERNAME and AVI_PASSWORD, or run `avictl login`")
            body["password"] = password
        self.transport.cookies.clear()
        # A form body, as the SDK sends it to 16.x (avi_api.py @ 16.2) and 20.1.1 (recorded cassette)
        response = self.transport.request("POST", "/login", data=body, retry=True)
        if response.status_code in (401, 403):
            what = "user token" if self.token else f"user {self.username!r}"
            raise errors.AuthError(f"controller login failed for {what}: {error_text(response)}",
                                   "check the user name and password (avictl login) or the token")
        if response.status_code >= 400:
            raise remote_error("POST /login", response)
        reply = decode_json(response, "controller login")
        if not isinstance(reply, dict):
            raise errors.RemoteError("controller login: unexpected reply (not an object)")
        self.login_reply = reply
        # Controllers before 17.1 may not say their version at login (the SDK of that era never
        # read it nor sent X-Avi-Version); the session is ready all the same.
        version = reply.get("version")
        self.controller_version = str(version.get("Version") or "") or None if isinstance(version, dict) else None
        self._ready = True
        if not self.logged_in:
            raise errors.AuthError("controller login returned no session cookie",
                                   "is this URL an Avi Controller? check `avictl config show`")
        self.logins += 1
        self._generation += 1
        for cookie in self.transport.cookies.jar:
            self.opts.redactor.add(cookie.value)
        self._save_cache()
        return reply

    def logout(self) -> bool:
        """End the session on the controller and drop the cached one; True if one was ended."""
        ended = False
        if not self.logged_in:
            self._load_cache()
        if self.logged_in:
            response = self.transport.request("POST", "/logout", headers=self._headers("POST"), retry=False)
            ended = response.status_code < 400
        self.transport.cookies.clear()
        self._drop_cache()
        return ended

    def user_token(self, hours: float) -> str:
        data = self.request("POST", "/api/user-token", json_body={"hours": hours})
        token = (data or {}).get("token")
        if not token:
            raise errors.RemoteError("controller returned no user token")
        self.opts.redactor.add(token)
        return token

    # -- requests ---------------------------------------------------------------------------

    def _headers(self, method: str, tenant: str | None = None, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "X-Avi-Tenant": tenant or self.tenant}
        if self.api_version:
            headers["X-Avi-Version"] = self.api_version
        if method.upper() not in READS:
            csrf = self.transport.cookies.get("csrftoken")
            if csrf:
                headers["X-CSRFToken"] = csrf
            headers["Referer"] = self.controller
        headers.update(extra or {})
        return headers

    def send(self, method: str, path: str, *, params: Any = None, json_body: Any = None,
             content: bytes | None = None, tenant: str | None = None,
             headers: dict[str, str] | None = None) -> httpx.Response:
        """One call with the session rules applied; re-logs in once on 401/419. Any status is returned."""
        self.ensure()
        method = method.upper()
        for attempt in (1, 2):
            generation = self._generation
            response = self.transport.request(method, path, params=params, json_body=json_body, content=content,
                                              headers=self._headers(method, tenant, headers))
            if response.status_code not in RELOGIN_STATUSES or attempt == 2:
                return response
            response.close()
            with self._lock:
                if self._generation == generation:  # nobody else has logged in again meanwhile
                    self._login_locked()
        return response  # pragma: no cover

    def request(self, method: str, path: str, *, params: Any = None, json_body: Any = None,
                content: bytes | None = None, tenant: str | None = None, headers: dict[str, str] | None = None,
                not_found: str | None = None) -> Any:
        """A call whose reply must be a success: the decoded JSON (None for 204), else an error.

        A 412 on an update (PUT/PATCH: the object changed since it was read) re-reads the object
        and retries once, with its current `_last_modified` when the body carried one.
        """
        response = self.send(method, path, params=params, json_body=json_body, content=content, tenant=tenant,
                             headers=headers)
        if response.status_code == 412 and method.upper() in ("PUT", "PATCH"):
            response.close()
            current = self.send("GET", path, tenant=tenant)
            if current.status_code < 400 and isinstance(json_body, dict) and "_last_modified" in json_body:
                fresh = json_or_none(current)
                if isinstance(fresh, dict) and fresh.get("_last_modified") is not None:
                    json_body = {**json_body, "_last_modified": fresh["_last_modified"]}
            current.close()
            response = self.send(method, path, params=params, json_body=json_body, content=content, tenant=tenant,
                                 headers=headers)
        if response.status_code >= 400:
            if response.status_code == 404 and not_found:
                raise errors.NotFound(not_found)
            raise remote_error(f"{method.upper()} {path}", response)
        if response.status_code == 204 or not response.content:
            return None
        return decode_json(response, f"{method.upper()} {path}")

    # -- the session cache ------------------------------------------------------------------

    def _load_cache(self) -> bool:
        if not self.cache_file:
            return False
        try:
            st = self.cache_file.stat()
            if st.st_mode & 0o077 or time.time() - st.st_mtime > CACHE_MAX_AGE:
                return False
            data = json.loads(self.cache_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        if data.get("controller") != self.controller or data.get("username") != self.username:
            return False
        if data.get("source", "stored") != self.credential_source:
            return False
        if self._explicit is not None and not _same_secret(self._explicit, data.get("fingerprint")):
            return False
        cookies = data.get("cookies") or {}
        if not cookies or "csrftoken" not in cookies:
            return False
        host = (urlsplit(self.controller).hostname or "").lower()
        for name, value in cookies.items():
            self.transport.cookies.set(name, value, domain=host if "." in host else "", path="/")
            self.opts.redactor.add(value)
        self.controller_version = data.get("version")
        self._ready = True
        return True

    def _save_cache(self) -> None:
        if not self.cache_file:
            return
        data = {"controller": self.controller, "username": self.username, "version": self.controller_version,
                "cookies": {c.name: c.value for c in self.transport.cookies.jar}, "saved": time.time(),
                "source": self.credential_source}
        if self._explicit is not None:
            data["fingerprint"] = _fingerprint(self._explicit)
        try:
            write_private(self.cache_file, json.dumps(data), sync=False)
        except OSError:
            pass  # a cache that cannot be written only costs a login next time

    def _drop_cache(self) -> None:
        if self.cache_file:
            try:
                self.cache_file.unlink()
            except OSError:
                pass


def _fingerprint(secret: str, salt: bytes | None = None) -> dict[str, str]:
    """A salted, deliberately slow hash of a credential: enough to tell whether a cached session
    was made with the same one, costly to guess from (scrypt, a few ms)."""
    salt = salt if salt is not None else os.urandom(16)
    digest = hashlib.scrypt(secret.encode("utf-8"), salt=salt, n=2 ** 11, r=8, p=1, dklen=32)
    return {"salt": salt.hex(), "scrypt": digest.hex()}


def _same_secret(secret: str, fingerprint: Any) -> bool:
    import hmac

    if not isinstance(fingerprint, dict):
        return False
    try:
        salt = bytes.fromhex(str(fingerprint.get("salt")))
    except ValueError:
        return False
    return hmac.compare_digest(_fingerprint(secret, salt)["scrypt"], str(fingerprint.get("scrypt")))


def cache_file_for(cache_dir: Path, controller: str, username: str | None) -> Path:
    """The session cache of one user on one controller (a session serves every tenant)."""
    key = hashlib.sha256(f"{controller.rstrip('/')}\0{username or ''}".encode()).hexdigest()[:20]
    return cache_dir / f"avi-session-{key}.json"


def error_text(response: httpx.Response) -> str:
    """The controller's own words: `{"error": ...}` when JSON, else the text (HTML → title)."""
    try:
        data = response.json()
    except ValueError:
        data = None
    if isinstance(data, dict):
        for key in ("error", "detail", "message", "msg"):
            if data.get(key):
                return errors.one_line(str(data[key]), 300)
    text = short_text(response)
    return text or f"HTTP {response.status_code}"


def remote_error(what: str, response: httpx.Response) -> errors.AvictlError:
    status = response.status_code
    text = error_text(response)
    message = f"{what}: HTTP {status}: {text}" if text != f"HTTP {status}" else f"{what}: HTTP {status}"
    hint = None
    if status in (401, 403, 419):
        hint = "check the user's permissions and tenant (--tenant), or run `avictl login` again"
    elif status == 412:
        hint = "the object changed meanwhile; read it again and retry"
    elif status == 409:
        hint = "an object with that name exists already"
    elif status == 503:
        hint = "the controller may still be starting; try again in a minute"
    try:
        body = response.json()
    except ValueError:
        body = response.text[:2000] if response.content else None
    # 419 is the controller's "session expired": still refused after the one re-login, it is
    # an authentication failure (exit 5), not a generic one.
    return errors.RemoteError(message, hint, status=status, body=body,
                              exit_code=errors.AUTH if status == 419 else None)
