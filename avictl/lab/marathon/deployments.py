"""The passage of time: deployments start tasks half-way and finish; crash loops; new tasks."""

from __future__ import annotations

import uuid
from typing import Any

from .model import HOST_PORT_MIN, now


class DeploymentsMixin:
    v: tuple[int, ...]
    apps: dict[str, dict[str, Any]]
    tasks: dict[str, list[dict[str, Any]]]
    deployments: dict[str, dict[str, Any]]
    deploy_seconds: float
    agent_turn: int
    agents: list[tuple[str, str]]
    next_host_port: int

    def _start_deployment(self, app_id: str, action: str, restart: bool = False) -> str:
        dep_id = str(uuid.uuid4())
        app = self.apps[app_id]
        dep = {"id": dep_id, "version": app["version"], "affectedApps": [app_id], "action": action}
        self.deployments[dep_id] = dep
        self.emit_deployment("deployment_info", dep_id, app["version"], [(action, app_id)])
        half = self.deploy_seconds / 2

        def launch() -> None:
            if dep_id not in self.deployments or app_id not in self.apps:
                return
            current = self.apps[app_id]
            ts = self.tasks.setdefault(app_id, [])
            if restart:
                for t in ts:
                    self.emit("status_update_event", slaveId=t["slaveId"], taskId=t["id"], taskStatus="TASK_KILLED",
                              message="", appId=app_id, host=t["host"], ports=t["ports"], version=t["version"])
                ts.clear()
            if current.get("_crash"):
                self._crash_loop(dep_id, app_id)
                return
            while len(ts) > current["instances"]:
                t = ts.pop()
                self.emit("status_update_event", slaveId=t["slaveId"], taskId=t["id"], taskStatus="TASK_KILLED",
                          message="", appId=app_id, host=t["host"], ports=t["ports"], version=t["version"])
            while len(ts) < current["instances"]:
                t = self._new_task(current)
                ts.append(t)
                self.emit("status_update_event", slaveId=t["slaveId"], taskId=t["id"], taskStatus="TASK_RUNNING",
                          message="", appId=app_id, host=t["host"], ports=t["ports"], version=t["version"])
            self.scheduler.at(half, finish)

        def finish() -> None:
            if dep_id not in self.deployments or app_id not in self.apps:
                return
            for t in self.tasks.get(app_id, []):
                if t["_hc"]:
                    t["_healthy"] = True
                    self.emit("health_status_changed_event", appId=app_id, taskId=t["id"], version=t["version"],
                              alive=True)
            del self.deployments[dep_id]
            self.emit_deployment("deployment_step_success", dep_id, dep["version"], [(action, app_id)])
            self.emit_deployment("deployment_success", dep_id, dep["version"], [(action, app_id)])

        self.scheduler.at(half, launch)
        return dep_id

    def _crash_loop(self, dep_id: str, app_id: str) -> None:
        """Tasks of a crashing app fail one after another until the deployment is cancelled or replaced."""
        if dep_id not in self.deployments or app_id not in self.apps:
            return
        app = self.apps[app_id]
        t = self._new_task(app)
        self.emit("status_update_event", slaveId=t["slaveId"], taskId=t["id"], taskStatus="TASK_RUNNING",
                  message="", appId=app_id, host=t["host"], ports=t["ports"], version=t["version"])
        app["_failure"] = {"appId": app_id, "host": t["host"], "message": app["_crash"], "state": "TASK_FAILED",
                           "taskId": t["id"], "timestamp": now(), "version": app["version"],
                           **({"slaveId": t["slaveId"]} if self.v >= (1, 0) else {})}
        self.emit("status_update_event", slaveId=t["slaveId"], taskId=t["id"], taskStatus="TASK_FAILED",
                  message=app["_crash"], appId=app_id, host=t["host"], ports=t["ports"], version=t["version"])
        self.scheduler.at(max(0.05, self.deploy_seconds / 2), lambda: self._crash_loop(dep_id, app_id))

    def _new_task(self, app: dict[str, Any]) -> dict[str, Any]:
        host, slave = self.agents[self.agent_turn % len(self.agents)]
        self.agent_turn += 1
        n_ports = max(len(self._service_ports(app)), 0)
        ports = []
        for _ in range(n_ports):
            ports.append(self.next_host_port)
            self.next_host_port = HOST_PORT_MIN + (self.next_host_port - HOST_PORT_MIN + 1) % 1000
        started = now()
        task = {"appId": app["id"], "host": host, "id": f"{app['id'].strip('/').replace('/', '_')}.{uuid.uuid1()}",
                "ports": ports, "slaveId": f"20150707-153709-218108076-5050-25588-{slave.split('-')[-1]}",
                "stagedAt": started, "startedAt": started, "version": app["version"], "state": "TASK_RUNNING",
                "servicePorts": self._service_ports(app),
                "ipAddresses": [{"ipAddress": host, "protocol": "IPv4"}],
                "_hc": bool(app.get("healthChecks")), "_healthy": False if app.get("healthChecks") else None}
        return task  # servicePorts in every version (EnrichedTaskWrites @ v0.9.2)
