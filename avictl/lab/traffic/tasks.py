"""What a running Marathon task serves: its app id, task id and the request path, on its host ports.

The Marathon stand-in calls `TaskServers.sync` with the tasks that run after every change; a
task that is not in the list (killed, scaled away, its app deleted, or failing in a crash
loop, which never gets that far) stops listening at once.
"""

from __future__ import annotations

import socket
import threading

from . import Traffic
from .reactor import Reply, Request

TIER = "task"


class TaskServers:
    def __init__(self, traffic: Traffic):
        self.traffic = traffic
        self.lock = threading.Lock()
        self.open: dict[str, list[tuple[str, int, socket.socket]]] = {}  # task id -> its listeners

    def sync(self, running: dict[str, tuple[str, str, list[int]]]) -> None:
        """`running`: task id → (app id, host, host ports); open what is new, close what is gone."""
        with self.lock:
            for task_id in [t for t in self.open if t not in running]:
                self._close(task_id)
            for task_id, (app_id, host, ports) in running.items():
                if task_id not in self.open:
                    self.open[task_id] = []
                    for port in ports:
                        self._open(task_id, app_id, host, port)

    def _open(self, task_id: str, app_id: str, host: str, port: int) -> None:
        try:
            sock = self.traffic.net.listen(host, port)
        except OSError:
            return  # the port can't be had: the task runs but doesn't answer, like a broken one
        self.traffic.reactor.add(sock, _answer(app_id, task_id), TIER)
        self.open[task_id].append((host, port, sock))

    def _close(self, task_id: str) -> None:
        for host, port, sock in self.open.pop(task_id, []):
            self.traffic.reactor.remove(sock)
            self.traffic.net.forget(host, port)

    def close_all(self) -> None:
        with self.lock:
            for task_id in list(self.open):
                self._close(task_id)

    def listening(self) -> int:
        with self.lock:
            return sum(len(v) for v in self.open.values())


def _answer(app_id: str, task_id: str):  # type: ignore[no-untyped-def]
    def handle(req: Request) -> Reply:
        reply = Reply.text(200, f"app {app_id} task {task_id} path {req.path}\n")
        reply.headers += [("X-Lab-App-Id", app_id), ("X-Lab-Task-Id", task_id)]
        return reply

    return handle
