"""The lab's agents on loopback: one address per agent, or ports on 127.0.0.1 where that can't be.

On Linux all of 127.0.0.0/8 is loopback: a process may bind 127.0.0.2, 127.0.0.3, ... with
no privileges, so each lab agent (an instance of the stack) gets an address of its own and
its tasks' host ports and its Service Engine's service ports sit at that address, as on a
real agent. Elsewhere (macOS configures 127.0.0.1 alone on lo0) only 127.0.0.1 binds: the
agents keep their names (the same addresses, reported by Marathon and the controller) and
each (agent, port) the lab listens on is given a free port on 127.0.0.1 instead; the lab's
servers reach each other through `endpoint()`. The same happens for one port when its
address cannot be bound (a port below 1024 without privileges, or one already in use).

Several labs on one machine (test workers, users) take distinct blocks 127.0.N.0/24: a lab
claims its block by binding a socket on the block's first agent address (`CLAIM_PORT`).
"""

from __future__ import annotations

import errno
import socket
import threading

CLAIM_PORT = 65432  # above Linux's ephemeral range (32768-60999): no client socket takes it
FIRST_AGENT = 2  # 127.0.N.2 is the first agent; 127.0.0.1 stays the lab's own address


def aliases_work() -> bool:
    """True when 127.0.0.2 can be bound (every Linux; not macOS without `ifconfig lo0 alias`)."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        probe.bind(("127.0.0.2", 0))
        return True
    except OSError:
        return False
    finally:
        probe.close()


def _listener(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host, port))
        sock.listen(128)
        sock.setblocking(False)
        return sock
    except BaseException:
        sock.close()
        raise


class Network:
    """The agents' addresses and the listening sockets of the lab's traffic, by (agent, port)."""

    def __init__(self, agents: int = 2, *, aliases: bool | None = None):
        self.aliases = aliases_work() if aliases is None else aliases
        self.lock = threading.Lock()
        self.mapped: dict[tuple[str, int], tuple[str, int]] = {}
        self._claim: socket.socket | None = None
        block = self._claim_block() if self.aliases else 0
        self.agents = [f"127.0.{block}.{FIRST_AGENT + i}" for i in range(agents)]

    def _claim_block(self) -> int:
        for block in range(256):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            try:
                sock.bind((f"127.0.{block}.{FIRST_AGENT}", CLAIM_PORT))
                sock.listen(1)
            except OSError:
                sock.close()
                continue
            self._claim = sock
            return block
        self.aliases = False  # every block taken: fall back to ports on 127.0.0.1
        return 0

    @property
    def mode(self) -> str:
        return "addresses" if self.aliases else "ports"

    def listen(self, host: str, port: int) -> socket.socket:
        """A listening socket for `host:port`: the address itself, else a free port on 127.0.0.1."""
        if self.aliases or host == "127.0.0.1":
            try:
                sock = _listener(host, port)
                with self.lock:
                    self.mapped.pop((host, port), None)
                return sock
            except OSError as exc:
                if exc.errno not in (errno.EACCES, errno.EADDRINUSE, errno.EADDRNOTAVAIL, errno.EPERM):
                    raise
        sock = _listener("127.0.0.1", 0)
        with self.lock:
            self.mapped[(host, port)] = sock.getsockname()[:2]
        return sock

    def forget(self, host: str, port: int) -> None:
        with self.lock:
            self.mapped.pop((host, port), None)

    def endpoint(self, host: str, port: int) -> tuple[str, int]:
        """Where `host:port` of the lab really listens (itself unless it had to be moved)."""
        with self.lock:
            return self.mapped.get((host, port), (host, port))

    def close(self) -> None:
        if self._claim is not None:
            self._claim.close()
            self._claim = None
