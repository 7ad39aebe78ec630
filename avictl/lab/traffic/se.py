"""The Service Engine on each lab agent: every VS's service port at the agent's address.

What listens follows the Avi stand-in's objects (`ServiceEngines.sync`, driven by the
stand-in's Mesos sync): a VS of the Mesos cloud that is up listens on each of its service
ports at every agent's address (when the cloud's `services_accessible_all_interfaces` is
on; else the ports are not reachable at the agent's address, as on a real agent); a VS that
is disabled or down listens nowhere. A request goes to the VS's pool members that are up,
in turn (round robin); a member that refuses is skipped; no member up → 503 from the SE.
"""

from __future__ import annotations

import itertools
import socket
import threading
from collections.abc import Callable

from . import Traffic
from .reactor import Reply, Request, forward

TIER = "se"

# vs uuid → (pool name, [(address, port) of the members that are up]), or None when the VS is gone
Members = Callable[[str], "tuple[str, list[tuple[str, int]]] | None"]


class ServiceEngines:
    def __init__(self, traffic: Traffic, members: Members):
        self.traffic = traffic
        self.members = members
        self.lock = threading.Lock()
        self.open: dict[tuple[str, int], tuple[str, socket.socket]] = {}  # (agent, port) → (vs uuid, socket)
        self.turns: dict[str, itertools.count[int]] = {}

    def sync(self, wanted: dict[tuple[str, int], str]) -> None:
        """`wanted`: (agent address, service port) → the uuid of the VS that listens there."""
        with self.lock:
            for key in [k for k, (uid, _) in self.open.items() if wanted.get(k) != uid]:
                self._close(key)
            for key, uid in wanted.items():
                if key not in self.open:
                    try:
                        sock = self.traffic.net.listen(*key)
                    except OSError:
                        continue
                    self.traffic.reactor.add(sock, self._handler(uid), TIER)
                    self.open[key] = (uid, sock)

    def _close(self, key: tuple[str, int]) -> None:
        _, sock = self.open.pop(key)
        self.traffic.reactor.remove(sock)
        self.traffic.net.forget(*key)

    def close_all(self) -> None:
        with self.lock:
            for key in list(self.open):
                self._close(key)

    def listening(self) -> list[tuple[str, int]]:
        with self.lock:
            return sorted(self.open)

    def _handler(self, vs_uuid: str) -> Callable[[Request], Reply]:
        def handle(req: Request) -> Reply:
            found = self.members(vs_uuid)
            if found is None:
                return Reply.text(503, "503 Service Unavailable: no such virtual service\n")
            pool, up = found
            if up:
                turn = next(self.turns.setdefault(vs_uuid, itertools.count()))
                for i in range(len(up)):
                    host, port = up[(turn + i) % len(up)]
                    try:
                        return forward(*self.traffic.net.endpoint(host, port), req)
                    except OSError:
                        continue
            return Reply.text(503, f"503 Service Unavailable: no server of pool {pool} is up\n")

        return handle
