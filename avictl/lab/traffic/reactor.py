"""One thread that accepts on every listening socket of the lab's traffic, and small pools that answer.

Tens of task servers, a Service Engine per agent and the ELB front cost one selector thread
and a few pooled worker threads, not a thread or a process per listener. Each connection
carries one HTTP/1.1 request and is closed after the answer (`Connection: close`), which
every client handles and keeps the forwarding simple. Each tier (tasks, SEs, front) has its
own pool, so a request forwarded from one tier to the next never waits for a worker of its
own tier.
"""

from __future__ import annotations

import http.client
import queue
import selectors
import socket
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

MAX_HEAD = 64 * 1024
READ_TIMEOUT = 5.0
HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
              "content-length"}
REASONS = {200: "OK", 400: "Bad Request", 500: "Internal Server Error", 502: "Bad Gateway",
           503: "Service Unavailable", 504: "Gateway Timeout"}


@dataclass
class Request:
    method: str
    target: str  # path and query, as sent
    headers: list[tuple[str, str]]
    body: bytes
    client: tuple[str, int]
    local: tuple[str, int]

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)


@dataclass
class Reply:
    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def text(cls, status: int, text: str) -> Reply:
        return cls(status, text.encode(), [("Content-Type", "text/plain; charset=utf-8")])


Handler = Callable[[Request], Reply]


class Reactor:
    def __init__(self, name: str = "lab-traffic", workers: int = 4):
        self.name = name
        self.workers = workers
        self.sel = selectors.DefaultSelector()
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self.sel.register(self._wake_r, selectors.EVENT_READ, None)
        self._commands: queue.SimpleQueue[tuple[Callable[[], None], threading.Event]] = queue.SimpleQueue()
        self.pools: dict[str, ThreadPoolExecutor] = {}
        self._stopped = False
        self.thread = threading.Thread(target=self._run, name=f"{name}-accept", daemon=True)
        self.thread.start()

    # -- listeners (any thread) ------------------------------------------------------------

    def add(self, sock: socket.socket, handler: Handler, tier: str) -> None:
        """Serve `handler` on the listening socket `sock` with the pool of `tier`."""
        if tier not in self.pools:
            self.pools[tier] = ThreadPoolExecutor(self.workers, thread_name_prefix=f"{self.name}-{tier}")
        self._call(lambda: self.sel.register(sock, selectors.EVENT_READ, (handler, self.pools[tier])))

    def remove(self, sock: socket.socket) -> None:
        """Stop accepting on `sock` and close it: from now on a connection to it is refused."""
        def drop() -> None:
            try:
                self.sel.unregister(sock)
            except (KeyError, ValueError):
                pass
            sock.close()

        self._call(drop)

    def _call(self, fn: Callable[[], None]) -> None:
        if self._stopped or threading.current_thread() is self.thread:
            fn()
            return
        done = threading.Event()
        self._commands.put((fn, done))
        try:
            self._wake_w.send(b"x")
        except OSError:
            pass
        if not done.wait(5.0):
            raise RuntimeError("the lab's traffic thread does not answer")

    def stop(self) -> None:
        if self._stopped:
            return
        self._call(self._shutdown)
        self.thread.join(5.0)
        for pool in self.pools.values():
            pool.shutdown(wait=True, cancel_futures=True)
        self._wake_w.close()

    def _shutdown(self) -> None:
        for key in list(self.sel.get_map().values()):
            self.sel.unregister(key.fileobj)
            key.fileobj.close()  # type: ignore[union-attr]
        self._stopped = True

    # -- the accepting thread --------------------------------------------------------------

    def _run(self) -> None:
        while not self._stopped:
            for key, _ in self.sel.select():
                if key.data is None:
                    self._run_commands()
                    if self._stopped:
                        break
                    continue
                handler, pool = key.data
                try:
                    conn, addr = key.fileobj.accept()  # type: ignore[union-attr]
                except (BlockingIOError, OSError):
                    continue
                try:
                    pool.submit(_serve, conn, addr, handler)
                except RuntimeError:  # the pool is shutting down
                    conn.close()
        self.sel.close()

    def _run_commands(self) -> None:
        try:
            while self._wake_r.recv(4096):
                pass
        except (BlockingIOError, OSError):
            pass
        while True:
            try:
                fn, done = self._commands.get_nowait()
            except queue.Empty:
                return
            try:
                fn()
            finally:
                done.set()


# -- one request per connection ----------------------------------------------------------------


def _serve(conn: socket.socket, client: tuple[str, int], handler: Handler) -> None:
    try:
        conn.setblocking(True)
        conn.settimeout(READ_TIMEOUT)
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        req = _read_request(conn, client)
        if req is None:
            return
        try:
            reply = handler(req)
        except Exception as exc:  # a lab bug answers 500 instead of killing a worker
            reply = Reply.text(500, f"lab error: {type(exc).__name__}: {exc}\n")
        _write_reply(conn, reply, head_only=req.method == "HEAD")
    except OSError:
        pass
    finally:
        conn.close()


def _read_request(conn: socket.socket, client: tuple[str, int]) -> Request | None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
        if len(data) > MAX_HEAD:
            _write_reply(conn, Reply.text(400, "request head too large\n"))
            return None
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/"):
        _write_reply(conn, Reply.text(400, "bad request line\n"))
        return None
    headers = []
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers.append((name.strip(), value.strip()))
    length = next((v for k, v in headers if k.lower() == "content-length"), "0")
    try:
        want = int(length)
    except ValueError:
        want = 0
    while len(body) < want:
        chunk = conn.recv(min(65536, want - len(body)))
        if not chunk:
            break
        body += chunk
    return Request(parts[0], parts[1], headers, body, client, conn.getsockname()[:2])


def _write_reply(conn: socket.socket, reply: Reply, head_only: bool = False) -> None:
    lines = [f"HTTP/1.1 {reply.status} {REASONS.get(reply.status, http.client.responses.get(reply.status, ''))}"]
    lines += [f"{k}: {v}" for k, v in reply.headers if k.lower() not in HOP_BY_HOP]
    lines += [f"Content-Length: {len(reply.body)}", "Connection: close", "", ""]
    conn.sendall("\r\n".join(lines).encode("latin-1") + (b"" if head_only else reply.body))


def forward(host: str, port: int, req: Request, extra: list[tuple[str, str]] | None = None, *,
            timeout: float = 5.0) -> Reply:
    """Send `req` on to host:port and give its answer back; OSError when it cannot be reached."""
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        headers = {k: v for k, v in req.headers if k.lower() not in HOP_BY_HOP}
        headers.update(extra or [])
        conn.request(req.method, req.target, body=req.body or None, headers=headers)
        resp = conn.getresponse()
        body = resp.read()
        return Reply(resp.status, body, [(k, v) for k, v in resp.getheaders() if k.lower() not in HOP_BY_HOP])
    except http.client.HTTPException as exc:
        raise OSError(f"bad answer: {exc}") from exc
    finally:
        conn.close()
