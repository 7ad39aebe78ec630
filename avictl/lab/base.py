"""A small threaded HTTP(S) server the lab stand-ins are built on.

Stdlib only (http.server), so `avictl lab up` needs nothing beyond avictl itself. Every
stand-in gets, for tests and for `avictl lab`:

- a request log (`GET /_lab/requests`, `DELETE /_lab/requests`), so tests count what a
  client really sent;
- fault injection (`POST /_lab/faults` with a JSON rule, `DELETE /_lab/faults`): N failures
  with a status (and headers, e.g. Retry-After), added latency, connection resets before or
  after the request is applied, a slow or truncated body, and for streamed replies (SSE) a
  stream that stalls (headers sent, then silence) or drops after a number of chunks;
- `POST /_lab/reset` to drop the stand-in's state.

Admin paths under /_lab/ are never logged and never faulted.
"""

from __future__ import annotations

import json
import re
import socket
import ssl
import struct
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

ADMIN_PREFIX = "/_lab/"


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-cased names
    body: bytes
    cookies: dict[str, str] = field(default_factory=dict)

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else default

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8")) if self.body else None

    def header(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name.lower(), default)


@dataclass
class Response:
    status: int = 200
    body: bytes | str | Any = b""
    headers: list[tuple[str, str]] = field(default_factory=list)
    stream: Iterable[bytes] | None = None  # for server-sent events; the connection closes after it

    @classmethod
    def json(cls, data: Any, status: int = 200, headers: list[tuple[str, str]] | None = None) -> Response:
        return cls(status, json.dumps(data).encode(), [("Content-Type", "application/json; charset=utf-8"),
                                                      *(headers or [])])

    @classmethod
    def text(cls, text: str, status: int = 200, ctype: str = "text/plain; charset=utf-8") -> Response:
        return cls(status, text.encode(), [("Content-Type", ctype)])

    def payload(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode()
        return json.dumps(self.body).encode()


@dataclass
class Fault:
    """One injected misbehaviour; `count` requests matching method/path get it (0 = forever)."""

    count: int = 1
    method: str | None = None
    path: str | None = None  # regular expression searched in the path
    status: int | None = None
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    latency: float = 0.0
    reset: bool = False  # drop the connection without applying the request
    reset_after: bool = False  # apply the request, then drop the connection (ambiguous failure)
    slow_body: float = 0.0  # spread the reply body over this many seconds
    truncate: bool = False  # send only half of the body, then close
    # streamed replies (SSE): let `stream_chunks` chunks through, then either go silent for
    # `stall` seconds (the connection stays open, as behind a buffering proxy) and close, or
    # `drop` the connection abruptly (as a leader change or a proxy timeout does)
    stream_chunks: int = 0
    stall: float = 0.0
    drop: bool = False
    hits: int = 0

    def matches(self, req: Request) -> bool:
        if self.method and self.method.upper() != req.method:
            return False
        return not (self.path and not re.search(self.path, req.path))


class LabServer:
    """Base class of the stand-ins: subclasses implement `handle` and `reset_state`."""

    name = "lab"

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, tls: ssl.SSLContext | None = None):
        self.host = host
        self.tls = tls
        self.lock = threading.RLock()
        self.requests: list[dict[str, Any]] = []
        self.faults: list[Fault] = []
        self._httpd = _Server((host, port), _make_handler(self))
        if tls is not None:
            self._httpd.socket = tls.wrap_socket(self._httpd.socket, server_side=True, do_handshake_on_connect=False)
        self.port = self._httpd.server_address[1]
        self._thread: threading.Thread | None = None
        self.stopping = threading.Event()

    # -- to override ------------------------------------------------------------------------

    def handle(self, req: Request) -> Response:
        return Response.json({"message": "not found"}, 404)

    def reset_state(self) -> None:
        pass

    # -- lifecycle --------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://{self.host}:{self.port}"

    def start(self) -> LabServer:
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.1},
                                        name=f"{self.name}-server", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._httpd.serve_forever(poll_interval=0.2)

    def stop(self) -> None:
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    # -- fault injection and logs -----------------------------------------------------------

    def add_fault(self, **rule: Any) -> Fault:
        fault = Fault(**rule)
        with self.lock:
            self.faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        with self.lock:
            self.faults.clear()

    def clear_requests(self) -> None:
        with self.lock:
            self.requests.clear()

    def sent(self, method: str | None = None, path: str | None = None) -> list[dict[str, Any]]:
        """Logged requests, optionally filtered by method and a path regular expression."""
        with self.lock:
            return [r for r in self.requests if (not method or r["method"] == method.upper())
                    and (not path or re.search(path, r["path"]))]

    def _take_fault(self, req: Request) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.matches(req):
                    fault.hits += 1
                    if fault.count and fault.hits >= fault.count:
                        self.faults.remove(fault)
                    return fault
        return None

    def _admin(self, req: Request) -> Response:
        what = req.path[len(ADMIN_PREFIX):].strip("/")
        if what == "requests":
            if req.method == "DELETE":
                self.clear_requests()
                return Response(204)
            return Response.json(self.sent())
        if what == "faults":
            if req.method == "DELETE":
                self.clear_faults()
                return Response(204)
            if req.method == "POST":
                rules = req.json()
                for rule in rules if isinstance(rules, list) else [rules]:
                    self.add_fault(**rule)
                return Response.json({"faults": len(self.faults)}, 201)
            return Response.json([f.__dict__ for f in self.faults])
        if what == "reset" and req.method == "POST":
            self.clear_faults()
            self.clear_requests()
            self.reset_state()
            return Response(204)
        if what == "health":
            return Response.json({"name": self.name, "ok": True})
        return self.admin_extra(what, req)

    def admin_extra(self, what: str, req: Request) -> Response:
        """Stand-in specific admin endpoints (e.g. seeding objects, expiring sessions)."""
        return Response.json({"message": f"no admin endpoint {what}"}, 404)

    def dispatch(self, req: Request) -> tuple[Response, Fault | None]:
        if req.path.startswith(ADMIN_PREFIX):
            return self._admin(req), None
        with self.lock:
            self.requests.append({"method": req.method, "path": req.path, "query": req.query,
                                  "headers": req.headers, "body": req.body.decode("utf-8", "replace"),
                                  "time": time.time()})
        fault = self._take_fault(req)
        if fault:
            if fault.latency:
                time.sleep(fault.latency)
            if fault.reset:
                return Response(0), fault
            if fault.status:
                body = fault.body if fault.body is not None else {"error": f"injected {fault.status}"}
                resp = Response.text(body, fault.status) if isinstance(body, str) else Response.json(body, fault.status)
                resp.headers += list(fault.headers.items())
                return resp, fault
        try:
            return self.handle(req), fault
        except Exception as exc:  # a stand-in bug must look like a 500, not a dead thread
            return Response.json({"error": f"lab stand-in error: {type(exc).__name__}: {exc}"}, 500), fault


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients that hang up are normal here

    def server_bind(self) -> None:
        # Headers and body leave in separate writes: without TCP_NODELAY (inherited by accepted
        # sockets on Linux) Nagle's algorithm meets the client's delayed ACK, ~40 ms per reply.
        self.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().server_bind()


def _make_handler(server: LabServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = f"avictl-lab-{server.name}"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def setup(self) -> None:
            super().setup()
            if isinstance(self.connection, ssl.SSLSocket):
                try:
                    self.connection.do_handshake()
                except (ssl.SSLError, OSError):
                    self.close_connection = True
                    raise

        def _run(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            cookies = {}
            for chunk in (headers.get("cookie") or "").split(";"):
                if "=" in chunk:
                    k, v = chunk.strip().split("=", 1)
                    cookies[k] = v
            req = Request(self.command, parts.path, parse_qs(parts.query, keep_blank_values=True), headers, body,
                          cookies)
            resp, fault = server.dispatch(req)
            if resp.status == 0 or (fault and fault.reset_after):
                self._reset()
                return
            self._send(resp, fault)

        def _reset(self) -> None:
            try:
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            except OSError:
                pass
            self.close_connection = True
            try:
                self.connection.close()
            except OSError:
                pass

        def _send(self, resp: Response, fault: Fault | None) -> None:
            self.send_response(resp.status)
            for k, v in resp.headers:
                self.send_header(k, v)
            if resp.stream is not None:
                self.send_header("Cache-Control", "no-cache")
                self.send_header("Connection", "close")
                self.end_headers()
                self.close_connection = True
                faulted = fault is not None and (fault.stall > 0 or fault.drop)
                sent = 0
                try:
                    for chunk in resp.stream:
                        if faulted and sent >= fault.stream_chunks:  # type: ignore[union-attr]
                            break
                        self.wfile.write(chunk)
                        self.wfile.flush()
                        sent += 1
                except (OSError, ValueError):
                    pass
                finally:
                    close = getattr(resp.stream, "close", None)
                    if close:
                        close()  # lets a generator's cleanup (unsubscribe) run now
                if faulted:
                    assert fault is not None
                    if fault.drop:
                        self._reset()
                    else:
                        server.stopping.wait(fault.stall)
                return
            payload = resp.payload() if resp.status not in (204, 304) else b""
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if self.command == "HEAD" or not payload:
                return
            if fault and fault.truncate:
                self.wfile.write(payload[: len(payload) // 2])
                self.wfile.flush()
                self._reset()
                return
            if fault and fault.slow_body:
                pieces = 10
                step = max(1, len(payload) // pieces)
                for i in range(0, len(payload), step):
                    self.wfile.write(payload[i:i + step])
                    self.wfile.flush()
                    time.sleep(fault.slow_body / pieces)
                return
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _run

    return Handler


def run_until_signalled(servers: list[LabServer], on_stop: Callable[[], None] | None = None) -> None:
    """Serve in the foreground until SIGTERM/SIGINT (used by `avictl lab up` children)."""
    import signal

    done = threading.Event()

    def _stop(*_: Any) -> None:
        done.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    for s in servers:
        s.start()
    while not done.wait(0.5):
        pass
    for s in servers:
        s.stop()
    if on_stop:
        on_stop()
