"""The Service Engines of the Mesos cloud carrying traffic (with the lab's network only).

A thread syncs with Marathon every `sync_interval` (as the controller's event subscription
would) and tells the SEs which VS listens on which port of which agent: every VS of the
Mesos cloud that is up (not disabled, not down) on each of its service ports, at each
agent's address when the cloud's `services_accessible_all_interfaces` is on.
"""

from __future__ import annotations

import threading
from typing import Any

from ..traffic import Traffic
from ..traffic.se import ServiceEngines

MAX_PORT_RANGE = 32  # a VS service with port..port_range_end listens on at most this many ports here


class EnginesMixin:
    objects: dict[str, dict[str, dict[str, Any]]]
    state_lock: threading.RLock
    sync_interval: float
    stopping: threading.Event
    traffic: Traffic | None

    def start_engines(self) -> None:
        if self.traffic is None:
            return
        self.engines = ServiceEngines(self.traffic, self.members_up)
        self._engine_thread = threading.Thread(target=self._follow, name="avi-lab-se", daemon=True)
        self._engine_thread.start()

    def stop_engines(self) -> None:
        if getattr(self, "engines", None) is None:
            return
        self._engine_thread.join(5.0)
        self.engines.close_all()

    def _follow(self) -> None:
        while not self.stopping.is_set():
            try:
                self.sync()  # type: ignore[attr-defined]
                self.follow_services()
            except Exception:  # a stand-in bug must not stop the SEs
                pass
            self.stopping.wait(self.sync_interval)

    def follow_services(self) -> None:
        assert self.traffic is not None
        wanted: dict[tuple[str, int], str] = {}
        with self.state_lock:
            for vs in self.objects["virtualservice"].values():
                if vs.get("_seeded") or self.vs_runtime(vs)["oper_status"]["state"] != "OPER_UP":  # type: ignore
                    continue
                cloud = self.objects["cloud"].get(vs.get("cloud_uuid") or "") or {}
                mesos = cloud.get("mesos_configuration") or {}
                if cloud.get("vtype") != "CLOUD_MESOS" or not mesos.get("services_accessible_all_interfaces"):
                    continue
                for service in vs.get("services") or []:
                    first = int(service.get("port") or 0)
                    last = int(service.get("port_range_end") or first)
                    for port in range(first, min(last, first + MAX_PORT_RANGE - 1) + 1):
                        for agent in self.traffic.agents:
                            wanted.setdefault((agent, port), vs["uuid"])
        self.engines.sync(wanted)

    def members_up(self, vs_uuid: str) -> tuple[str, list[tuple[str, int]]] | None:
        """The VS's pool name and its members that are up (enabled and healthy), in order."""
        with self.state_lock:
            vs = self.objects["virtualservice"].get(vs_uuid)
            if vs is None:
                return None
            pool = self.objects["pool"].get(vs.get("pool_uuid") or "") or {}
            up = [(s["ip"]["addr"], int(s.get("port") or pool.get("default_server_port") or 80))
                  for s in pool.get("servers") or []
                  if s.get("enabled", True) and s.get("_healthy", True) and (s.get("ip") or {}).get("addr")]
            return pool.get("name", "?"), up
