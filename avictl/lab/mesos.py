"""A stand-in for the Mesos master's HTTP endpoints, in the 0.22, 0.28, 1.0 and 1.4 flavours.

Built from apache/mesos (`src/master/http.cpp`, `src/master/master.cpp`,
`src/version/version.cpp`, `docs/endpoints/master/`) at the tags 0.22.1, 0.28.2, 1.0.0 and
1.4.0; tests/fidelity/README.md lists each behaviour with its source and its test:

- routes: `/master/state.json` (until 1.8), `/master/state` (0.25+), `/master/slaves`,
  `/master/redirect` (also `/redirect` from 1.0) and `/version` (0.26+); anything else 404;
- `slaves[]`: `id`, `pid` (`slave(1)@<ip>:5051`), `hostname`, `registered_time`,
  `resources{cpus, mem, disk, ports}`, `attributes`, `active`; from 0.28 also
  `used_resources`, `offered_resources`, `reserved_resources`, `unreserved_resources` and
  `version`. In 0.22 used resources show only as the tasks of `frameworks[]` (state only);
- a master that is not the leader: from 1.0, state and slaves answer 307 with
  `Location: //<leader host>:<port><path>` (1.4 keeps the query) and, when no leader is
  known, 503 "No leader elected"; before 1.0 they answer with the standby's own state
  (`leader` = the leader's pid, no agents) and `/master/redirect` answers 307 to
  `http://host:port` (0.22) or `//host:port` (0.28);
- DC/OS: with `token`, every request needs `Authorization: token=<token>` (Admin Router
  answers 401 otherwise), and `prefix="/mesos"` serves the same under `<dcos>/mesos`.

The agents' used CPUs and memory are the Marathon tasks on them, read from the Marathon
stand-in over HTTP (`/v2/apps?embed=apps.tasks`) as the real master would know them.
Admin hooks: `POST /_lab/agents {"hostname": H, "active": false}` (or `"remove": true`,
or `"add": {...}`), `POST /_lab/leader {"leader": URL|null, "elected": bool}`.
No product module is imported here.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.request
import uuid as uuidlib
from typing import Any
from urllib.parse import urlsplit

from .base import LabServer, Request, Response

VERSIONS = ("0.22.1", "0.28.2", "1.0.0", "1.4.0")
AGENT_CPUS = 4.0
AGENT_MEM = 15008.0
AGENT_DISK = 35164.0
AGENT_PORTS = "[1025-2180, 2182-3887, 3889-5049, 5052-8079, 8082-8180, 8182-32000]"
FRAMEWORK_ID = "20150707-153709-218108076-5050-25588-0000"  # the Marathon framework (as the Marathon lab says)


def version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.split(".")[:3] if p.isdigit())


class MesosLab(LabServer):
    name = "mesos"

    def __init__(self, version: str = "1.4.0", agents: list[dict[str, Any]] | None = None, *,
                 marathon_url: str | None = None, host: str = "127.0.0.1", port: int = 0, tls: Any = None,
                 token: str | None = None, prefix: str = "", leader: str | None = "self"):
        self.version = version
        self.vt = version_tuple(version)
        self.marathon_url = marathon_url.rstrip("/") if marathon_url else None
        self.token = token
        self.prefix = prefix.rstrip("/")
        self.initial_agents = [dict(a) for a in (agents or [])]
        self.state_lock = threading.RLock()
        super().__init__(host, port, tls=tls)
        self.master_id = f"{time.strftime('%Y%m%d-%H%M%S')}-{uuidlib.uuid4().int % 4294967295}-{self.port}-1"
        self.started = time.time()
        self.leader_url: str | None = None  # another master's base URL when this one is a standby
        self.elected = leader == "self"
        if leader not in (None, "self"):
            self.leader_url = leader.rstrip("/")
        self.reset_state()

    # -- state ------------------------------------------------------------------------------

    def reset_state(self) -> None:
        with self.state_lock:
            self.agents: list[dict[str, Any]] = []
            for agent in self.initial_agents:
                self._add_agent(agent)

    def _add_agent(self, spec: dict[str, Any]) -> dict[str, Any]:
        index = len(self.agents)
        address = spec.get("address") or spec.get("hostname")
        agent = {"id": spec.get("id") or f"{self.master_id[:30]}-S{index}", "hostname": spec.get("hostname") or address,
                 "address": address, "active": spec.get("active", True), "registered_time": time.time(),
                 "attributes": dict(spec.get("attributes") or {}), "cpus": float(spec.get("cpus", AGENT_CPUS)),
                 "mem": float(spec.get("mem", AGENT_MEM))}
        self.agents.append(agent)
        return agent

    def add_agents(self, specs: list[dict[str, Any]]) -> None:
        """Register agents (the lab adds one per instance of its stack once the stack exists)."""
        with self.state_lock:
            for spec in specs:
                self.initial_agents.append(dict(spec))
                self._add_agent(spec)

    @property
    def pid(self) -> str:
        return f"master@{self.host}:{self.port}"

    def leader_pid(self) -> str | None:
        if self.elected:
            return self.pid
        if self.leader_url:
            parts = urlsplit(self.leader_url)
            return f"master@{parts.hostname}:{parts.port}"
        return None

    def admin_extra(self, what: str, req: Request) -> Response:
        body = (req.json() or {}) if req.body else {}
        if what == "agents" and req.method == "POST":
            with self.state_lock:
                if body.get("add"):
                    return Response.json(self._add_agent(body["add"]), 201)
                match = [a for a in self.agents if body.get("hostname") in (a["hostname"], a["address"], a["id"])]
                if not match:
                    return Response.json({"message": "no such agent"}, 404)
                for agent in match:
                    if body.get("remove"):
                        self.agents.remove(agent)
                    elif "active" in body:
                        agent["active"] = bool(body["active"])
                return Response.json({"agents": len(self.agents)})
        if what == "agents":
            with self.state_lock:
                return Response.json(self.agents)
        if what == "leader" and req.method == "POST":
            self.leader_url = body["leader"].rstrip("/") if body.get("leader") else None
            self.elected = bool(body.get("elected", False))
            return Response.json({"elected": self.elected, "leader": self.leader_pid()})
        return super().admin_extra(what, req)

    # -- requests ---------------------------------------------------------------------------

    def handle(self, req: Request) -> Response:
        if self.token is not None and req.header("authorization") != f"token={self.token}":
            # DC/OS Admin Router in front of the master (as in front of Marathon)
            return Response.text("<html><head><title>401 Authorization Required</title></head></html>", 401,
                                 "text/html")
        path = req.path
        if self.prefix:
            if not path.startswith(self.prefix + "/"):
                return Response.text("", 404)
            path = path[len(self.prefix):]
        v = self.vt
        if path in ("/master/redirect", "/redirect") and (path == "/master/redirect" or v >= (1, 0)):
            return self._redirect(req, path, to_base=True)
        if path == "/version" and v >= (0, 26):
            return Response.json(self._version_info())
        routes = {"/master/slaves": self._slaves, "/master/state.json": self._state}
        if v >= (0, 25):
            routes["/master/state"] = self._state
        if v >= (1, 8):
            routes.pop("/master/state.json")
        handler = routes.get(path)
        if handler is None:
            return Response.text("", 404)
        if not self.elected and v >= (1, 0):
            return self._redirect(req, path, to_base=False)
        return handler(req)

    def _redirect(self, req: Request, path: str, *, to_base: bool) -> Response:
        v = self.vt
        if self.elected:
            target = urlsplit(f"//{self.host}:{self.port}")
        elif self.leader_url:
            target = urlsplit(self.leader_url)
        elif v >= (1, 0):
            return Response.text("No leader elected", 503)
        else:  # 0.2x with no leader: redirect to itself
            target = urlsplit(f"//{self.host}:{self.port}")
        base = f"//{target.hostname}:{target.port}"
        if v < (0, 28):
            base = "http:" + base  # 0.22.1: "http://" + hostname + ":" + port
        if to_base:
            location = base
        else:
            location = base + path
            if v >= (1, 4) and req.query:
                from urllib.parse import urlencode

                location += "?" + urlencode(req.query, doseq=True)
        return Response(307, b"", [("Location", location)])

    def _version_info(self) -> dict[str, Any]:
        return {"version": self.version, "build_date": "2017-09-01 00:00:00", "build_time": 1504224000.0,
                "build_user": "root", "git_tag": self.version, "git_sha": "c7e5e1e1b2d7a9a2a8b6bd2a8f3d6e3e3f5d9b1a"}

    def _used(self) -> tuple[dict[str, dict[str, float]], list[dict[str, Any]]]:
        """Per agent host: used cpus/mem from the Marathon tasks on it; and the tasks as Mesos shows them."""
        used: dict[str, dict[str, float]] = {}
        tasks: list[dict[str, Any]] = []
        if not self.marathon_url:
            return used, tasks
        try:
            with urllib.request.urlopen(f"{self.marathon_url}/v2/apps?embed=apps.tasks", timeout=5) as resp:
                apps = json.loads(resp.read().decode("utf-8")).get("apps", [])
        except Exception:  # Marathon down: the master still knows its agents
            return used, tasks
        by_host = {a["hostname"]: a for a in self.agents} | {a["address"]: a for a in self.agents}
        for app in apps:
            for task in app.get("tasks") or []:
                agent = by_host.get(task.get("host"))
                if agent is None:
                    continue
                cpus, mem = float(app.get("cpus") or 0), float(app.get("mem") or 0)
                slot = used.setdefault(agent["id"], {"cpus": 0.0, "mem": 0.0})
                slot["cpus"] += cpus
                slot["mem"] += mem
                tasks.append({"id": task.get("id"), "name": app.get("id", "").strip("/"), "slave_id": agent["id"],
                              "framework_id": FRAMEWORK_ID, "state": task.get("state") or "TASK_RUNNING",
                              "resources": {"cpus": cpus, "mem": mem, "disk": 0,
                                            "ports": "[" + ", ".join(f"{p}-{p}" for p in task.get("ports") or [])
                                                     + "]"}})
        return used, tasks

    def _agent_json(self, agent: dict[str, Any], used: dict[str, float] | None) -> dict[str, Any]:
        resources = {"cpus": agent["cpus"], "mem": agent["mem"], "disk": AGENT_DISK, "ports": AGENT_PORTS}
        out: dict[str, Any] = {"id": agent["id"], "pid": f"slave(1)@{agent['address']}:5051",
                               "hostname": agent["hostname"], "registered_time": agent["registered_time"],
                               "resources": resources, "attributes": agent["attributes"], "active": agent["active"]}
        if self.vt >= (0, 28):  # Summary<Slave> (0.28.2 http.cpp): used/offered/reserved/unreserved, version
            zero = {"cpus": 0.0, "mem": 0.0, "disk": 0.0}
            if self.vt >= (1, 0):
                zero["gpus"] = 0.0
                resources["gpus"] = 0.0
            out["used_resources"] = {**zero, **(used or {})}
            out["offered_resources"] = dict(zero)
            out["reserved_resources"] = {}
            out["unreserved_resources"] = dict(resources)
            out["version"] = self.version
        return out

    def _slaves(self, req: Request) -> Response:
        with self.state_lock:
            agents = list(self.agents) if self.elected else []
        used, _ = self._used() if agents and self.vt >= (0, 28) else ({}, [])
        return Response.json({"slaves": [self._agent_json(a, used.get(a["id"])) for a in agents]})

    def _state(self, req: Request) -> Response:
        with self.state_lock:
            agents = list(self.agents) if self.elected else []
        used, tasks = self._used() if agents else ({}, [])
        data: dict[str, Any] = {
            "version": self.version, "git_tag": self.version, "build_date": "2017-09-01 00:00:00",
            "build_time": 1504224000.0, "build_user": "root", "start_time": self.started,
            "id": self.master_id, "pid": self.pid, "hostname": self.host,
            "activated_slaves": float(sum(1 for a in agents if a["active"])),
            "deactivated_slaves": float(sum(1 for a in agents if not a["active"])),
            "flags": {"port": str(self.port), "quorum": "1", "zk_session_timeout": "10secs"},
            "slaves": [self._agent_json(a, used.get(a["id"])) for a in agents],
            "frameworks": [{"id": FRAMEWORK_ID, "name": "marathon", "active": True, "tasks": tasks}] if agents else [],
        }
        if self.elected:
            data["elected_time"] = self.started
        leader = self.leader_pid()
        if leader:
            data["leader"] = leader
        return Response.json(data)
