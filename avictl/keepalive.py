"""Plain keep-alive GETs for the transport's hot path (listings of thousands of objects).

httpx spends ~0.7 ms of CPU per request in its URL, header, cookie and connection-pool
layers; the same GET on `http.client` costs ~0.1 ms. A `vs list` of 10,000 VSs makes about
100 requests, so `Transport` sends its plain GETs through here when nothing needs httpx: no
proxy from the environment, no auth flow, no `-v`/`--debug` logging. The request is the one
httpx would send (the client's default headers, the cookies of its jar, the same TLS context);
the reply becomes an `httpx.Response` (httpx decodes gzip as usual).

Failures are raised as the httpx exceptions the transport already handles, with the original
error chained, so retries and messages are the same as on the httpx path. A kept-alive
connection the server closed meanwhile is not reused (httpcore checks the same way).
"""

from __future__ import annotations

import http.client
import select
import socket
import ssl
import threading
import time
import urllib.request

from .http import httpx


def usable(client: httpx.Client, root: httpx.URL) -> bool:
    """Whether plain GETs to `root` may skip httpx: no auth flow, no proxy from the environment
    (httpx reads the same variables through urllib's getproxies)."""
    if client.auth is not None or root.scheme not in ("http", "https"):
        return False
    proxies = urllib.request.getproxies()
    return not any(proxies.get(k) for k in ("all", root.scheme))


class KeepAlive:
    """Idle connections to one server (at most `max_idle` kept), shared by a listing's threads."""

    def __init__(self, client: httpx.Client, root: httpx.URL, context: ssl.SSLContext, max_idle: int):
        self.client = client
        self.origin = str(root).rstrip("/")
        self.https = root.scheme == "https"
        self.host = root.host
        self.port = root.port
        self.context = context
        self.max_idle = max_idle
        self._idle: list[http.client.HTTPConnection] = []
        self._lock = threading.Lock()

    def fetch(self, target: str, headers: dict[str, str] | None, timeout: float, start: float) -> httpx.Response:
        """GET `target` (raw path and query) as httpx would send it; the reply as an httpx.Response."""
        sent = {k.lower(): (k, v) for k, v in self.client.headers.items()}
        for k, v in (headers or {}).items():
            sent[k.lower()] = (k, v)
        cookies = urllib.request.Request(self.origin + target)
        self.client.cookies.jar.add_cookie_header(cookies)
        cookie = cookies.get_header("Cookie")
        if cookie:
            sent["cookie"] = ("Cookie", cookie)
        sent.pop("host", None)  # http.client writes it, as httpx does: host[:port]
        status, reply_headers, body = self.get(target, dict(sent.values()), timeout, timeout, start)
        response = httpx.Response(status, headers=reply_headers, content=body)
        if any(k.lower() == "set-cookie" for k, _ in reply_headers):
            response.request = httpx.Request("GET", self.origin + target)
            self.client.cookies.extract_cookies(response)
        return response

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

    def get(self, target: str, headers: dict[str, str], timeout: float, budget: float,
            start: float) -> tuple[int, list[tuple[str, str]], bytes]:
        """GET `target` (path and query); the status, headers and raw body of the reply."""
        return self._exchange(self._connection(timeout), target, headers, budget, start)

    def _exchange(self, conn: http.client.HTTPConnection, target: str, headers: dict[str, str], budget: float,
                  start: float) -> tuple[int, list[tuple[str, str]], bytes]:
        fresh = conn.sock is None
        try:
            if fresh:
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
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as exc:
            conn.close()
            raise httpx.RemoteProtocolError(str(exc) or "the server closed the connection") from exc
        except (TimeoutError, socket.timeout) as exc:
            conn.close()
            raise httpx.ReadTimeout(str(exc) or "timed out") from exc
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            raise httpx.ReadError(str(exc) or type(exc).__name__) from exc
        try:
            chunks = []
            while True:
                chunk = reply.read(1 << 18)
                if not chunk:
                    break
                chunks.append(chunk)
                if time.monotonic() - start > budget:
                    raise httpx.ReadTimeout(f"the reply took longer than {budget:g} s")
        except (TimeoutError, socket.timeout) as exc:
            conn.close()
            raise httpx.ReadTimeout(str(exc) or "timed out") from exc
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            raise httpx.ReadError(str(exc) or type(exc).__name__) from exc
        except httpx.ReadTimeout:
            conn.close()
            raise
        if reply.will_close:
            conn.close()
        else:
            self._release(conn)
        return reply.status, reply.getheaders(), b"".join(chunks)


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
