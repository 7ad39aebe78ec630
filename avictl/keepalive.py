"""Plain keep-alive GETs for the transport's hot path, without httpx.

httpx spends ~0.7 ms of CPU per request in its URL, header, cookie and connection-pool
layers, and importing it (with httpcore and h11) ~0.1 s; the same GET on `http.client`
costs ~0.1 ms and ~0.03 s to import. A `vs list` of 10,000 VSs makes about 100 requests, so
`Transport` sends its plain GETs through here when nothing needs httpx: no proxy from the
environment, no auth flow, no `--debug` logging of every header (httpx does that; `-v` logs
the one line per request here too). The request is the
one httpx would send (its default headers, the cookies of the jar the httpx client shares,
the same TLS context); the reply is a `Reply` with the part of httpx.Response avictl reads.

Failures are raised as the httpx exceptions the transport already handles, with the original
error chained, so retries and messages are the same as on the httpx path. A kept-alive
connection the server closed meanwhile is not reused (httpcore checks the same way).
"""

from __future__ import annotations

import http.client
import http.cookiejar
import json
import os
import re
import select
import socket
import ssl
import threading
import time
import urllib.request
import zlib
from typing import Any
from urllib.parse import quote, urlsplit

from .http import URL_SAFE, BadCaBundle, HttpOptions, httpx, ssl_context

# What httpx sends unless told otherwise (its client defaults); gzip and deflate only, which
# zlib decodes here.
DEFAULT_HEADERS = {"Accept": "*/*", "Accept-Encoding": "gzip, deflate", "Connection": "keep-alive"}
REDIRECTS = frozenset({301, 302, 303, 307, 308})


def tls_context(opts: HttpOptions) -> ssl.SSLContext:
    """The transport's TLS context, made once: the CA bundle, or what httpx trusts by default
    (SSL_CERT_FILE / SSL_CERT_DIR, else certifi's bundle), or no verification."""
    verify = ssl_context(opts)
    if isinstance(verify, ssl.SSLContext):
        return verify
    if verify is False:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        return ctx
    try:
        if os.environ.get("SSL_CERT_FILE"):
            return ssl.create_default_context(cafile=os.environ["SSL_CERT_FILE"])
        if os.environ.get("SSL_CERT_DIR"):
            return ssl.create_default_context(capath=os.environ["SSL_CERT_DIR"])
        import certifi

        return ssl.create_default_context(cafile=certifi.where())
    except (OSError, ssl.SSLError) as exc:
        from . import errors

        raise BadCaBundle(f"cannot load the default CA certificates: {errors.describe_exception(exc)}",
                          "set the ca_bundle setting") from None


PLAIN_URL = re.compile(r"(https?)://([^/?#\s@\[\]]+|\[[0-9A-Fa-f:.]+\])(/[^?#\s]*)?")


def plain_base(base_url: str) -> tuple[str, str] | None:
    """('https://host:port/', '/path prefix') of a plain http(s) base URL, else None (httpx takes it)."""
    m = PLAIN_URL.fullmatch(base_url)
    if not m:
        return None
    try:
        parts = urlsplit(base_url)
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        return None
    prefix = quote(m.group(3) or "", safe=URL_SAFE).rstrip("/")
    return f"{m.group(1)}://{m.group(2).lower()}/", prefix


class Cookies:
    """A stdlib cookie jar with the methods of httpx.Cookies avictl uses; the httpx client is
    made on it, so both ways of sending share every cookie."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()

    def set(self, name: str, value: str, domain: str = "", path: str = "/") -> None:
        self.jar.set_cookie(http.cookiejar.Cookie(
            version=0, name=name, value=value, port=None, port_specified=False, domain=domain,
            domain_specified=bool(domain), domain_initial_dot=domain.startswith("."), path=path,
            path_specified=bool(path), secure=False, expires=None, discard=True, comment=None, comment_url=None,
            rest={"HttpOnly": None}, rfc2109=False))

    def get(self, name: str, default: str | None = None) -> str | None:
        values = [c.value for c in self.jar if c.name == name]
        if len(values) > 1:
            raise httpx.CookieConflict(f"Multiple cookies exist with name={name}")
        return values[0] if values else default

    def clear(self) -> None:
        self.jar.clear()

    def items(self) -> list[tuple[str, str | None]]:
        return [(c.name, c.value) for c in self.jar]


class Headers:
    """Reply headers, looked up without regard to case (the part of httpx.Headers avictl reads)."""

    def __init__(self, items: list[tuple[str, str]]):
        self._items = items

    def get(self, name: str, default: str | None = None) -> str | None:
        name = name.lower()
        values = [v for k, v in self._items if k.lower() == name]
        return ", ".join(values) if values else default

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None

    def __getitem__(self, name: str) -> str:
        value = self.get(name)
        if value is None:
            raise KeyError(name)
        return value

    def items(self) -> list[tuple[str, str]]:
        return list(self._items)

    def multi_items(self) -> list[tuple[str, str]]:
        return list(self._items)


class Reply:
    """A reply of the keep-alive path, read whole: what avictl reads of an httpx.Response."""

    def __init__(self, status: int, reason: str, headers: list[tuple[str, str]], content: bytes, url: str):
        self.status_code = status
        self.reason_phrase = reason
        self.headers = Headers(headers)
        self.content = content
        self.url = url

    @property
    def is_redirect(self) -> bool:
        return self.status_code in REDIRECTS and "location" in self.headers

    @property
    def text(self) -> str:
        m = re.search(r"charset=([\w.:-]+)", self.headers.get("content-type") or "", re.I)
        try:
            return self.content.decode(m.group(1) if m else "utf-8", errors="replace")
        except LookupError:
            return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return json.loads(self.content)

    def read(self) -> bytes:
        return self.content

    def close(self) -> None:
        pass


class KeepAlive:
    """Idle connections to the transport's server (at most `max_idle` kept), shared by threads."""

    def __init__(self, transport: Any, max_idle: int):
        self.transport = transport
        root = urlsplit(transport._root)
        self.origin = transport._root.rstrip("/")
        self.https = root.scheme == "https"
        self.host = root.hostname or ""
        self.port = root.port
        self.context = transport._context
        self.max_idle = max_idle
        self._idle: list[http.client.HTTPConnection] = []
        self._lock = threading.Lock()
        self._usable: bool | None = None

    def usable(self) -> bool:
        """No proxy from the environment (httpx reads the same variables through getproxies)."""
        if self._usable is None:
            proxies = urllib.request.getproxies()
            self._usable = not any(proxies.get(k) for k in ("all", "https" if self.https else "http"))
        return self._usable

    def fetch(self, target: str, headers: dict[str, str] | None, timeout: float, start: float) -> Reply:
        """GET `target` (raw path and query) as httpx would send it."""
        client = self.transport._client
        base = client.headers.items() if client is not None else self.transport._headers.items()
        sent = {k.lower(): (k, v) for k, v in DEFAULT_HEADERS.items()}
        for k, v in (*base, *(headers or {}).items()):
            sent[k.lower()] = (k, v)
        sent["accept-encoding"] = ("Accept-Encoding", DEFAULT_HEADERS["Accept-Encoding"])
        sent.pop("host", None)  # http.client writes it, as httpx does: host[:port]
        url = self.origin + target
        cookies = urllib.request.Request(url)
        self.transport.cookies.jar.add_cookie_header(cookies)
        cookie = cookies.get_header("Cookie")
        if cookie:
            sent["cookie"] = ("Cookie", cookie)
        return self._exchange(self._connection(timeout), target, dict(sent.values()), timeout, start, url)

    # -- connections ------------------------------------------------------------------------

    def _connection(self, timeout: float) -> http.client.HTTPConnection:
        while True:
            with self._lock:
                conn = self._idle.pop() if self._idle else None
            if conn is None:
                break
            if _still_open(conn):
                if conn.sock is not None:
                    conn.sock.settimeout(timeout)
                return conn
            conn.close()  # the server closed it meanwhile (as httpcore checks before reusing one)
        if self.https:
            return http.client.HTTPSConnection(self.host, self.port, timeout=timeout, context=self.context)
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def _release(self, conn: http.client.HTTPConnection) -> None:
        with self._lock:
            if len(self._idle) < self.max_idle:
                self._idle.append(conn)
                return
        conn.close()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()

    def _exchange(self, conn: http.client.HTTPConnection, target: str, headers: dict[str, str], budget: float,
                  start: float, url: str) -> Reply:
        try:
            if conn.sock is None:
                conn.connect()
        except (TimeoutError, socket.timeout) as exc:
            conn.close()
            raise httpx.ConnectTimeout(str(exc) or "timed out connecting") from exc
        except OSError as exc:  # refused, unreachable, DNS, TLS (certificate) failures
            conn.close()
            raise httpx.ConnectError(str(exc)) from exc
        try:
            conn.request("GET", target, headers=headers)
            reply = conn.getresponse()
            chunks = []
            while True:
                chunk = reply.read(1 << 18)
                if not chunk:
                    break
                chunks.append(chunk)
                if time.monotonic() - start > budget:
                    conn.close()
                    raise httpx.ReadTimeout(f"the reply took longer than {budget:g} s")
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as exc:
            conn.close()
            raise httpx.RemoteProtocolError(str(exc) or "the server closed the connection") from exc
        except (TimeoutError, socket.timeout) as exc:
            conn.close()
            raise httpx.ReadTimeout(str(exc) or "timed out") from exc
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            raise httpx.ReadError(str(exc) or type(exc).__name__) from exc
        if reply.will_close:
            conn.close()
        else:
            self._release(conn)
        if reply.msg.get_all("Set-Cookie"):
            self.transport.cookies.jar.extract_cookies(reply, urllib.request.Request(url))
        body = b"".join(chunks)
        try:
            body = _decoded(body, reply.getheader("Content-Encoding") or "")
        except zlib.error as exc:
            raise httpx.DecodingError(f"the reply's {reply.getheader('Content-Encoding')} body is corrupt") from exc
        return Reply(reply.status, reply.reason, reply.getheaders(), body, url)


def _decoded(body: bytes, encoding: str) -> bytes:
    """The body without its Content-Encoding (gzip, deflate; the ones asked for), as httpx decodes it."""
    for coding in reversed([c.strip().lower() for c in encoding.split(",") if c.strip()]):
        if coding == "gzip":
            body = zlib.decompress(body, 16 + zlib.MAX_WBITS)
        elif coding == "deflate":
            try:
                body = zlib.decompress(body)
            except zlib.error:
                body = zlib.decompress(body, -zlib.MAX_WBITS)
    return body


def _still_open(conn: http.client.HTTPConnection) -> bool:
    """An idle connection is usable while its socket has nothing to read (a close would)."""
    sock = conn.sock
    if sock is None:
        return False
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return False
    return not readable
