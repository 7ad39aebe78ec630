"""A Marathon stand-in for the lab and the tests (stdlib only), in 0.9, 1.4 or 1.5 flavour.

What it does, after API-NOTES.md §Marathon and tests/fixtures/marathon/:

- `POST /v2/apps` wants `Content-Type: application/json` (else 415); fills the defaults
  (instances 1, cpus 1, mem 128, ports [0]); answers 201 with the app — service ports still
  0 — plus `deployments: [{"id"}]` and, from 1.4, a `Marathon-Deployment-Id` header; the
  service ports (10000+) appear in a later GET. 409 when the app exists, 409 with
  `deployments[]` when a change hits an app locked by a deployment (`?force=true` overrides).
- Deployments take `deploy_seconds`; tasks start half-way on two agents (10.0.1.10 and
  10.0.1.11) with host ports 31000+, and become healthy at the end when the app has
  health checks. An app whose label `LAB_CRASH` is set, or whose `cmd` contains
  `exit N` (N ≠ 0), crash-loops: its tasks fail again and again, `lastTaskFailure`
  says why, and its deployment never finishes — as on a real Marathon.
- `GET /v2/events` streams server-sent events: 0.9 sends `data:` lines only, 1.x adds
  `event: <type>` and honours `?event_type=`; blank-line heartbeats; CRLF line ends for 1.x.
- Errors in each version's shape: 0.9 `{"message", "errors": [{"attribute", "error"}]}`,
  1.x `{"message": "Object is not valid", "details": [{"path", "errors"}]}` (422 from 1.5).
- Optional auth: HTTP basic (`auth=("basic", user, pw)`) or DC/OS (`auth=("token", jwt)`),
  answered with an HTML 401 page like Jetty or the DC/OS admin router does.

Run alone: `python -m avictl.lab.marathon --port 8080 [--version 0.9.0]`.
"""

from __future__ import annotations

import base64
import copy
import heapq
import itertools
import json
import queue
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from typing import Any

from .base import LabServer, Request, Response

AGENTS = (("10.0.1.10", "agent-0-S0"), ("10.0.1.11", "agent-1-S1"))
SERVICE_PORT_MIN = 10000
HOST_PORT_MIN = 31000
ID_SEGMENT = re.compile(r"^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$")
CRASH_CMD = re.compile(r"\bexit\s+[1-9]\d*\b")
_STOP = object()


def _now() -> str:
    now = datetime.now(timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


class _Scheduler:
    """Runs callbacks at given times on one thread; sleeps until the next one (no polling)."""

    def __init__(self, lock: threading.RLock):
        self.lock = lock
        self.cond = threading.Condition(threading.Lock())
        self.heap: list[tuple[float, int, Callable[[], None]]] = []
        self.seq = itertools.count()
        self.stopped = False
        self.thread = threading.Thread(target=self._run, name="marathon-lab-scheduler", daemon=True)
        self.thread.start()

    def at(self, delay: float, fn: Callable[[], None]) -> None:
        with self.cond:
            heapq.heappush(self.heap, (time.monotonic() + max(0.0, delay), next(self.seq), fn))
            self.cond.notify()

    def clear(self) -> None:
        with self.cond:
            self.heap.clear()

    def stop(self) -> None:
        with self.cond:
            self.stopped = True
            self.cond.notify()

    def _run(self) -> None:
        while True:
            with self.cond:
                while not self.stopped and (not self.heap or self.heap[0][0] > time.monotonic()):
                    self.cond.wait(None if not self.heap else self.heap[0][0] - time.monotonic())
                if self.stopped:
                    return
                _, _, fn = heapq.heappop(self.heap)
            with self.lock:
                try:
                    fn()
                except Exception:  # a stand-in bug must not kill the clock
                    pass


class MarathonLab(LabServer):
    name = "marathon"

    def __init__(self, version: str = "1.5.0", host: str = "127.0.0.1", port: int = 0, *, tls: Any = None,
                 deploy_seconds: float = 1.0, heartbeat: float = 5.0, auth: tuple[str, ...] | None = None,
                 crlf: bool | None = None):
        super().__init__(host, port, tls=tls)
        self.version = version
        self.v = tuple(int(x) for x in re.findall(r"\d+", version)[:3])
        self.deploy_seconds = deploy_seconds
        self.heartbeat = heartbeat
        self.auth = auth
        self.crlf = (self.v >= (1, 0)) if crlf is None else crlf
        self.subscribers: list[tuple[queue.Queue[Any], set[str] | None]] = []
        self.scheduler = _Scheduler(self.lock)
        self.reset_state()

    # -- state --------------------------------------------------------------------------

    def reset_state(self) -> None:
        with self.lock:
            self.scheduler.clear()
            self.apps: dict[str, dict[str, Any]] = {}
            self.tasks: dict[str, list[dict[str, Any]]] = {}
            self.deployments: dict[str, dict[str, Any]] = {}
            self.next_service_port = SERVICE_PORT_MIN
            self.next_host_port = HOST_PORT_MIN
            self.agent_turn = 0
            self.drop_event_streams()

    def stop(self) -> None:
        self.drop_event_streams()
        self.scheduler.stop()
        super().stop()

    def snapshot(self) -> list[dict[str, Any]]:
        """The apps with their tasks, as `GET /v2/apps?embed=apps.tasks` shows them (for the Avi stand-in)."""
        with self.lock:
            return [self._app_view(a, tasks=True) for a in self.apps.values()]

    # -- events -------------------------------------------------------------------------

    def emit(self, event_type: str, **data: Any) -> None:
        event = {**data, "eventType": event_type, "timestamp": _now()}
        with self.lock:
            for q, types in list(self.subscribers):
                if types is None or event_type in types:
                    q.put(event)

    def drop_event_streams(self) -> None:
        """Close every open /v2/events stream (as a leader change or a proxy timeout does)."""
        with self.lock:
            for q, _ in self.subscribers:
                q.put(_STOP)
            self.subscribers = []

    def _event_stream(self, req: Request) -> Response:
        types = set(req.query.get("event_type", [])) if self.v >= (1, 3) and req.query.get("event_type") else None
        q: queue.Queue[Any] = queue.Queue()
        with self.lock:
            self.subscribers.append((q, types))
        nl = "\r\n" if self.crlf else "\n"
        framed = self.v >= (0, 11)
        remote = "127.0.0.1"

        def frames() -> Iterator[bytes]:
            try:
                attached = {"remoteAddress": remote, "eventType": "event_stream_attached", "timestamp": _now()}
                if types is None or "event_stream_attached" in types:
                    yield self._frame(attached, framed, nl)
                while not self.stopping.is_set():
                    try:
                        item = q.get(timeout=self.heartbeat)
                    except queue.Empty:
                        yield nl.encode()  # heartbeat: a blank line
                        continue
                    if item is _STOP:
                        return
                    yield self._frame(item, framed, nl)
            finally:
                with self.lock:
                    self.subscribers = [s for s in self.subscribers if s[0] is not q]

        return Response(200, b"", [("Content-Type", "text/event-stream;charset=UTF-8")], stream=frames())

    @staticmethod
    def _frame(event: dict[str, Any], framed: bool, nl: str) -> bytes:
        text = (f"event: {event['eventType']}{nl}" if framed else "") + f"data: {json.dumps(event)}{nl}{nl}"
        return text.encode()

    # -- HTTP ---------------------------------------------------------------------------

    def admin_extra(self, what: str, req: Request) -> Response:
        if what == "drop-events":
            self.drop_event_streams()
            return Response(204)
        if what == "config" and req.method == "POST":
            body = req.json() or {}
            for key in ("deploy_seconds", "heartbeat"):
                if key in body:
                    setattr(self, key, float(body[key]))
            return Response.json({"deploy_seconds": self.deploy_seconds, "heartbeat": self.heartbeat})
        if what == "state":
            return Response.json({"apps": self.snapshot(), "deployments": list(self._deployments_view())})
        return super().admin_extra(what, req)

    def handle(self, req: Request) -> Response:
        denied = self._check_auth(req)
        if denied:
            return denied
        path = re.sub(r"/{2,}", "/", req.path).rstrip("/") or "/"  # Marathon takes /v2/apps//x as /v2/apps/x
        with self.lock:
            if path == "/ping":
                return Response.text("pong\n")
            if path == "/v2/info":
                return Response.json(self._info())
            if path == "/v2/leader":
                return Response.json({"leader": f"{self.host}:{self.port}"})
            if path == "/v2/events" and req.method == "GET":
                return self._event_stream(req)
            if path == "/v2/apps":
                if req.method == "GET":
                    return self._list_apps(req)
                if req.method == "POST":
                    return self._post_app(req)
                return self._error(405, "Method not allowed")
            if path == "/v2/tasks" and req.method == "GET":
                tasks = [self._task_view(t) for ts in self.tasks.values() for t in ts]
                return Response.json({"tasks": tasks})
            if path == "/v2/deployments" and req.method == "GET":
                return Response.json(list(self._deployments_view()))
            m = re.match(r"^/v2/deployments/([^/]+)$", path)
            if m and req.method == "DELETE":
                return self._cancel_deployment(m.group(1), req.arg("force") == "true")
            m = re.match(r"^/v2/apps(/.+?)(/tasks|/restart|/versions)?$", path)
            if m:
                app_id, sub = m.group(1), m.group(2)
                if sub == "/tasks" and req.method == "GET":
                    app = self.apps.get(app_id)
                    if not app:
                        return self._not_found(app_id)
                    return Response.json({"tasks": [self._task_view(t) for t in self.tasks.get(app_id, [])]})
                if sub == "/restart" and req.method == "POST":
                    return self._restart_app(app_id, req.arg("force") == "true")
                if sub is None:
                    if req.method == "GET":
                        app = self.apps.get(app_id)
                        return Response.json({"app": self._app_view(app, tasks=True)}) if app \
                            else self._not_found(app_id)
                    if req.method == "PUT":
                        return self._put_app(app_id, req)
                    if req.method == "DELETE":
                        return self._delete_app(app_id, req.arg("force") == "true")
            return self._error(404, "Not found") if req.method == "GET" else self._error(405, "Method not allowed")

    def _check_auth(self, req: Request) -> Response | None:
        if not self.auth:
            return None
        given = req.header("authorization") or ""
        if self.auth[0] == "basic":
            want = "Basic " + base64.b64encode(f"{self.auth[1]}:{self.auth[2]}".encode()).decode()
            if given == want:
                return None
            page = ("<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html;charset=ISO-8859-1\"/>\n"
                    "<title>Error 401 Unauthorized</title>\n</head>\n<body><h2>HTTP ERROR 401</h2>\n"
                    "<p>Problem accessing /v2/apps. Reason:\n<pre>    Unauthorized</pre></p>"
                    "<hr /><i><small>Powered by Jetty://</small></i>\n</body>\n</html>\n")
            resp = Response.text(page, 401, "text/html; charset=ISO-8859-1")
            resp.headers.append(("WWW-Authenticate", 'Basic realm="Mesosphere Marathon"'))
            return resp
        if given == f"token={self.auth[1]}":
            return None
        page = ("<html>\r\n<head><title>401 Authorization Required</title></head>\r\n<body bgcolor=\"white\">\r\n"
                "<center><h1>401 Authorization Required</h1></center>\r\n<hr><center>openresty</center>\r\n"
                "</body>\r\n</html>\r\n")
        resp = Response.text(page, 401, "text/html")
        resp.headers.append(("WWW-Authenticate", "acsjwt"))
        return resp

    # -- errors in each version's shape -------------------------------------------------

    def _error(self, status: int, message: str, **extra: Any) -> Response:
        return Response.json({"message": message, **extra}, status)

    def _invalid(self, problems: list[tuple[str, str]], type_error: bool = False) -> Response:
        if self.v < (1, 0):
            return Response.json({"message": "Object is not valid",
                                  "errors": [{"attribute": a.strip("/").replace("/", "."), "error": e}
                                             for a, e in problems]}, 422)
        status = 422 if (self.v >= (1, 5) or not type_error) else 400
        details: dict[str, list[str]] = {}
        for path, err in problems:
            details.setdefault(path, []).append(err)
        return Response.json({"message": "Object is not valid",
                              "details": [{"path": p, "errors": e} for p, e in details.items()]}, status)

    def _not_found(self, app_id: str) -> Response:
        return self._error(404, f"App '{app_id}' does not exist")

    def _locked(self, app_id: str) -> Response | None:
        ids = [d["id"] for d in self.deployments.values() if app_id in d["affectedApps"]]
        if not ids:
            return None
        return Response.json({"message": "App is locked by one or more deployments. Override with the option "
                              "'?force=true'. View details at '/v2/deployments/<DEPLOYMENT_ID>'.",
                              "deployments": [{"id": i} for i in ids]}, 409)

    # -- reading ------------------------------------------------------------------------

    def _info(self) -> dict[str, Any]:
        return {"name": "marathon", "version": self.version, "elected": True,
                "leader": f"{self.host}:{self.port}", "frameworkId": "20150707-153709-218108076-5050-25588-0000",
                "marathon_config": {"master": "zk://127.0.0.1:2181/mesos", "local_port_min": SERVICE_PORT_MIN,
                                    "local_port_max": 20000, "framework_name": "marathon", "ha": True,
                                    "checkpoint": True, "hostname": self.host, "task_launch_timeout": 300000},
                "zookeeper_config": {"zk": "zk://127.0.0.1:2181/marathon", "zk_timeout": 10000},
                "event_subscriber": {"type": "http_callback"} if self.v < (1, 0) else None,
                "http_config": {"http_port": self.port, "https_port": 8443}}

    def _list_apps(self, req: Request) -> Response:
        # Marathon accepts both spellings (`apps.tasks` and `app.tasks`) on /v2/apps.
        embed = {e.replace("app.", "apps.", 1) if e.startswith("app.") else e for e in req.query.get("embed", [])}
        want_tasks = "apps.tasks" in embed
        id_filter = req.arg("id")
        apps = [self._app_view(a, tasks=want_tasks, failures=self.v < (1, 0) or "apps.lastTaskFailure" in embed)
                for a in sorted(self.apps.values(), key=lambda a: a["id"])
                if not id_filter or id_filter in a["id"]]
        return Response.json({"apps": apps})

    def _app_view(self, app: dict[str, Any], *, tasks: bool = False, failures: bool = True) -> dict[str, Any]:
        view = copy.deepcopy({k: v for k, v in app.items() if not k.startswith("_")})
        ts = self.tasks.get(app["id"], [])
        running = [t for t in ts if t["state"] == "TASK_RUNNING"]
        view["tasksStaged"] = len([t for t in ts if t["state"] == "TASK_STAGING"])
        view["tasksRunning"] = len(running)
        has_hc = bool(app.get("healthChecks"))
        view["tasksHealthy"] = len([t for t in running if t.get("_healthy")]) if has_hc else 0
        view["tasksUnhealthy"] = 0
        view["deployments"] = [{"id": d["id"]} for d in self.deployments.values() if app["id"] in d["affectedApps"]]
        if failures and app.get("_failure"):
            view["lastTaskFailure"] = copy.deepcopy(app["_failure"])
        if tasks:
            view["tasks"] = [self._task_view(t) for t in ts]
        return view

    def _task_view(self, task: dict[str, Any]) -> dict[str, Any]:
        view = {k: v for k, v in task.items() if not k.startswith("_")}
        if self.v < (1, 0):
            view.pop("state", None)
            view.pop("ipAddresses", None)
        if task.get("_healthy") is not None and task["_hc"]:
            view["healthCheckResults"] = [{"alive": bool(task["_healthy"]), "consecutiveFailures": 0,
                                           "firstSuccess": task["startedAt"], "lastFailure": None,
                                           "lastSuccess": task["startedAt"], "taskId": task["id"]}]
        return view

    def _deployments_view(self) -> Iterator[dict[str, Any]]:
        for d in self.deployments.values():
            actions = [{"action": d["action"], "app": a} for a in d["affectedApps"]]
            steps: list[Any] = [actions] if self.v < (1, 0) else [{"actions": actions}]
            yield {"id": d["id"], "version": d["version"], "affectedApps": list(d["affectedApps"]),
                   **({"affectedPods": []} if self.v >= (1, 4) else {}),
                   "steps": steps, "currentActions": actions, "currentStep": 1, "totalSteps": 1}

    # -- validation and normal form -----------------------------------------------------

    def _parse_body(self, req: Request) -> tuple[Any, Response | None]:
        ctype = (req.header("content-type") or "").split(";")[0].strip().lower()
        if ctype != "application/json":
            return None, Response.text(
                "<html><head><title>Error 415 Unsupported Media Type</title></head><body>"
                "<h2>HTTP ERROR 415</h2></body></html>", 415, "text/html; charset=ISO-8859-1") \
                if self.v < (1, 0) else self._error(415, "Unsupported Media Type")
        try:
            return json.loads(req.body.decode("utf-8")), None
        except (ValueError, UnicodeDecodeError) as exc:
            if self.v < (1, 0):
                return None, self._error(400, f"Invalid JSON: {exc}")
            return None, Response.json({"message": "Invalid JSON",
                                        "details": [{"path": "/", "errors": [str(exc)]}]}, 400)

    def _validate(self, body: Any, app_id: str | None = None) -> tuple[list[tuple[str, str]], bool]:
        problems: list[tuple[str, str]] = []
        type_error = False
        if not isinstance(body, dict):
            return [("/", "error.expected.jsobject")], True
        aid = app_id if app_id is not None else body.get("id")
        if not isinstance(aid, str) or not aid.strip("/") or not all(
                ID_SEGMENT.match(s) for s in aid.strip("/").split("/")):
            problems.append(("/id", "must fully match regular expression '^(([a-z0-9]|[a-z0-9][a-z0-9\\-]*"
                                    "[a-z0-9])\\.)*([a-z0-9]|[a-z0-9][a-z0-9\\-]*[a-z0-9])|(\\.|\\.\\.)$'"))
        checks = {"instances": (int,), "cpus": (int, float), "mem": (int, float), "disk": (int, float)}
        for key, types in checks.items():
            if key in body:
                v = body[key]
                if isinstance(v, bool) or not isinstance(v, types):
                    problems.append((f"/{key}", "error.expected.jsnumber"))
                    type_error = True
                elif v < 0:
                    problems.append((f"/{key}", "got " + str(v) + ", expected 0 or more"))
        for key in ("cmd",):
            if key in body and body[key] is not None and not isinstance(body[key], str):
                problems.append((f"/{key}", "error.expected.jsstring"))
                type_error = True
        if app_id is None and not any(body.get(k) for k in ("cmd", "args", "container")):
            problems.append(("/", "AppDefinition must either contain one of 'cmd' or 'args', and/or a 'container'."))
        return problems, type_error

    def _normalize(self, d: dict[str, Any]) -> dict[str, Any]:
        """The app as this Marathon version stores it (defaults, networking form)."""
        app: dict[str, Any] = {
            "id": d["id"] if d["id"].startswith("/") else "/" + d["id"],
            "cmd": d.get("cmd"), "args": d.get("args"), "user": d.get("user"), "env": d.get("env") or {},
            "instances": d.get("instances", 1), "cpus": d.get("cpus", 1.0), "mem": d.get("mem", 128.0),
            "disk": d.get("disk", 0.0), "executor": d.get("executor", ""), "constraints": d.get("constraints") or [],
            "uris": d.get("uris") or [], "storeUrls": d.get("storeUrls") or [],
            "requirePorts": d.get("requirePorts", False), "backoffSeconds": d.get("backoffSeconds", 1),
            "backoffFactor": d.get("backoffFactor", 1.15),
            "maxLaunchDelaySeconds": d.get("maxLaunchDelaySeconds", 3600),
            "container": copy.deepcopy(d.get("container")), "healthChecks": d.get("healthChecks") or [],
            "dependencies": d.get("dependencies") or [],
            "upgradeStrategy": d.get("upgradeStrategy") or {"minimumHealthCapacity": 1, "maximumOverCapacity": 1},
            "labels": d.get("labels") or {}, "acceptedResourceRoles": d.get("acceptedResourceRoles"),
        }
        if self.v >= (1, 0):
            app["fetch"] = d.get("fetch") or [{"uri": u, "extract": True, "executable": False, "cache": False}
                                              for u in app["uris"]]
        c = app["container"]
        if c is not None:
            c.setdefault("type", "DOCKER")
            c.setdefault("volumes", [])
            docker = c.get("docker") or {}
            if self.v < (1, 0):
                c.pop("portMappings", None)  # 0.9 ignores the 1.5 form
            elif self.v >= (1, 5):
                mode = {"BRIDGE": "container/bridge", "HOST": "host", "USER": "container"}.get(
                    docker.pop("network", None) or "", None)
                if "portMappings" in docker:
                    c["portMappings"] = docker.pop("portMappings")
                nets = d.get("networks") or ([{"mode": mode}] if mode else [{"mode": "host"}])
                app["networks"] = nets
            for pm in self._mappings(app):
                pm.setdefault("containerPort", 0)
                pm.setdefault("hostPort", 0)
                pm.setdefault("servicePort", 0)
                pm.setdefault("protocol", "tcp")
                if self.v >= (1, 5):
                    pm.setdefault("labels", {})
        elif self.v >= (1, 5):
            app["networks"] = d.get("networks") or [{"mode": "host"}]
        if not self._mappings(app) and not self._bridged(app):
            if self.v >= (1, 4):
                pds = d.get("portDefinitions") or [{"port": p, "protocol": "tcp", "labels": {}}
                                                   for p in d.get("ports", [0])]
                app["portDefinitions"] = pds
                if self.v < (1, 5):
                    app["ports"] = [p.get("port", 0) for p in pds]
            else:
                app["ports"] = list(d.get("ports", [0]))
        elif self.v < (1, 5):
            app["ports"] = [pm.get("servicePort", 0) for pm in self._mappings(app)]
        else:
            app["portDefinitions"] = []
        label = (app["labels"] or {}).get("LAB_CRASH")
        if label or (isinstance(app["cmd"], str) and CRASH_CMD.search(app["cmd"])):
            app["_crash"] = label if label and label.lower() not in ("true", "1", "yes") \
                else "Command exited with status 1"
        return app

    def _bridged(self, app: dict[str, Any]) -> bool:
        c = app.get("container") or {}
        if (c.get("docker") or {}).get("network") == "BRIDGE":
            return True
        return any((n or {}).get("mode") == "container/bridge" for n in app.get("networks") or [])

    @staticmethod
    def _mappings(app: dict[str, Any]) -> list[dict[str, Any]]:
        c = app.get("container") or {}
        return c.get("portMappings") or (c.get("docker") or {}).get("portMappings") or []

    def _assign_service_ports(self, app: dict[str, Any], previous: dict[str, Any] | None = None) -> None:
        """Fill service ports left at 0. Like Marathon's assignPorts, an update keeps the ports the
        previous version had at the same positions, so a PUT never moves a running app's ports."""
        used = {p for a in self.apps.values() if a is not app and a is not previous for p in self._service_ports(a)}
        kept = iter(self._service_ports(previous) if previous else [])

        def take() -> int:
            for port in kept:
                if port and port not in used:
                    used.add(port)
                    return port
            while self.next_service_port in used:
                self.next_service_port += 1
            port = self.next_service_port
            self.next_service_port += 1
            return port

        for pm in self._mappings(app):
            if not pm.get("servicePort"):
                pm["servicePort"] = take()
        for pd in app.get("portDefinitions") or []:
            if not pd.get("port"):
                pd["port"] = take()
        if "ports" in app:
            if self._mappings(app):
                app["ports"] = [pm["servicePort"] for pm in self._mappings(app)]
            elif app.get("portDefinitions"):
                app["ports"] = [pd["port"] for pd in app["portDefinitions"]]
            else:
                app["ports"] = [p or take() for p in app["ports"]]

    def _service_ports(self, app: dict[str, Any]) -> list[int]:
        if self._mappings(app):
            return [pm.get("servicePort", 0) for pm in self._mappings(app)]
        if app.get("portDefinitions"):
            return [pd.get("port", 0) for pd in app["portDefinitions"]]
        return list(app.get("ports") or [])

    # -- changes ------------------------------------------------------------------------

    def _post_app(self, req: Request) -> Response:
        body, err = self._parse_body(req)
        if err:
            return err
        problems, type_error = self._validate(body)
        if problems:
            return self._invalid(problems, type_error)
        app = self._normalize(body)
        if app["id"] in self.apps:
            return self._error(409, f"An app with id [{app['id']}] already exists.")
        reply = self._app_view({**app, "version": _now()})  # before ports are assigned: the 201 shows 0
        dep = self._create(app)
        reply["version"] = app["version"]
        reply["deployments"] = [{"id": dep}]
        reply["tasksStaged"] = reply["tasksRunning"] = reply["tasksHealthy"] = reply["tasksUnhealthy"] = 0
        self.emit("api_post_event", clientIp="127.0.0.1", uri="/v2/apps", appDefinition=self._app_view(app))
        headers = [("Location", f"{self.url}/v2/apps{app['id']}")]
        if self.v >= (1, 4):
            headers.append(("Marathon-Deployment-Id", dep))
        return Response.json(reply, 201, headers)

    def _create(self, app: dict[str, Any]) -> str:
        """Store a new app, give it service ports and start its deployment; the deployment id."""
        app["version"] = _now()
        app["versionInfo"] = {"lastScalingAt": app["version"], "lastConfigChangeAt": app["version"]}
        self.apps[app["id"]] = app
        self.tasks[app["id"]] = []
        self._assign_service_ports(app)
        return self._start_deployment(app["id"], "StartApplication")

    def _put_app(self, app_id: str, req: Request) -> Response:
        body, err = self._parse_body(req)
        if err:
            return err
        force = req.arg("force") == "true"
        if not isinstance(body, dict):
            return self._invalid([("/", "error.expected.jsobject")], True)
        if body.get("id") and "/" + body["id"].strip("/") != app_id:
            return self._invalid([("/id", f"The path {app_id} does not match the id {body['id']}")])
        problems, type_error = self._validate({**body, "id": app_id}, app_id=None if app_id not in self.apps
                                              else app_id)
        if problems:
            return self._invalid(problems, type_error)
        old = self.apps.get(app_id)
        if old is None:
            app = self._normalize({**body, "id": app_id})
            dep = self._create(app)
            return self._deployment_reply(dep, app["version"], 201)
        busy = self._claim(app_id, force)
        if busy:
            return busy
        merged = {k: v for k, v in old.items() if not k.startswith("_")}
        merged.update(body)
        merged["id"] = app_id
        scale_only = set(body) <= {"instances", "id"}
        if scale_only:
            app = old
            app["instances"] = body.get("instances", old["instances"])
            app["version"] = _now()
            app["versionInfo"]["lastScalingAt"] = app["version"]
        else:
            app = self._normalize(merged)
            app["version"] = _now()
            app["versionInfo"] = {"lastScalingAt": app["version"], "lastConfigChangeAt": app["version"]}
            app["_previous"] = {k: v for k, v in old.items() if k != "_previous"}
            self.apps[app_id] = app
            self._assign_service_ports(app, previous=old)
        self.emit("api_post_event", clientIp="127.0.0.1", uri=f"/v2/apps{app_id}", appDefinition=self._app_view(app))
        dep = self._start_deployment(app_id, "ScaleApplication" if scale_only else "RestartApplication",
                                     restart=not scale_only)
        return self._deployment_reply(dep, app["version"])

    def _claim(self, app_id: str, force: bool) -> Response | None:
        """409 while a deployment holds the app; with force, its deployments are dropped instead."""
        if force:
            self._drop_deployments_of(app_id)
            return None
        return self._locked(app_id)

    def _restart_app(self, app_id: str, force: bool) -> Response:
        app = self.apps.get(app_id)
        if not app:
            return self._not_found(app_id)
        busy = self._claim(app_id, force)
        if busy:
            return busy
        app["version"] = _now()
        dep = self._start_deployment(app_id, "RestartApplication", restart=True)
        return self._deployment_reply(dep, app["version"])

    def _delete_app(self, app_id: str, force: bool) -> Response:
        app = self.apps.get(app_id)
        if not app:
            return self._not_found(app_id)
        busy = self._claim(app_id, force)
        if busy:
            return busy
        self._drop_deployments_of(app_id)
        del self.apps[app_id]
        tasks = self.tasks.pop(app_id, [])
        dep_id = str(uuid.uuid4())
        version = _now()
        dep = {"id": dep_id, "version": version, "affectedApps": [app_id], "action": "StopApplication",
               "gen": 0}
        self.deployments[dep_id] = dep

        def finish() -> None:
            if dep_id not in self.deployments:
                return
            for t in tasks:
                self.emit("status_update_event", slaveId=t["slaveId"], taskId=t["id"], taskStatus="TASK_KILLED",
                          message="", appId=app_id, host=t["host"], ports=t["ports"], version=t["version"])
            del self.deployments[dep_id]
            self.emit("app_terminated_event", appId=app_id)
            self.emit("deployment_success", id=dep_id, plan={"id": dep_id, "version": version})

        self.scheduler.at(self.deploy_seconds / 2, finish)
        return self._deployment_reply(dep_id, version)

    def _cancel_deployment(self, dep_id: str, force: bool) -> Response:
        dep = self.deployments.get(dep_id)
        if not dep:
            return self._error(404, f"DeploymentPlan {dep_id} does not exist")
        del self.deployments[dep_id]
        self.emit("deployment_failed", id=dep_id, plan={"id": dep_id, "version": dep["version"]})
        if force:
            return Response(202, b"", [("Content-Type", "application/json")])
        # Roll back: a new deployment restoring the previous definition (or removing a new app).
        app_id = dep["affectedApps"][0]
        app = self.apps.get(app_id)
        version = _now()
        if app is not None and dep["action"] == "StartApplication":
            del self.apps[app_id]
            tasks = self.tasks.pop(app_id, [])
            new = str(uuid.uuid4())
            self.deployments[new] = {"id": new, "version": version, "affectedApps": [app_id],
                                     "action": "StopApplication", "gen": 0}

            def gone() -> None:
                self.deployments.pop(new, None)
                for t in tasks:
                    self.emit("status_update_event", slaveId=t["slaveId"], taskId=t["id"], taskStatus="TASK_KILLED",
                              message="", appId=app_id, host=t["host"], ports=t["ports"], version=t["version"])
                self.emit("deployment_success", id=new, plan={"id": new, "version": version})

            self.scheduler.at(self.deploy_seconds / 2, gone)
            return self._deployment_reply(new, version)
        if app is not None and app.get("_previous"):
            prev = app["_previous"]
            prev["version"] = version
            self.apps[app_id] = prev
            new = self._start_deployment(app_id, "RestartApplication", restart=True)
        elif app is not None:
            new = self._start_deployment(app_id, "ScaleApplication")
        else:
            new = str(uuid.uuid4())
        return self._deployment_reply(new, version)

    def _deployment_reply(self, dep_id: str, version: str, status: int = 200) -> Response:
        headers = [("Marathon-Deployment-Id", dep_id)] if self.v >= (1, 4) else []
        return Response.json({"deploymentId": dep_id, "version": version}, status, headers)

    def _drop_deployments_of(self, app_id: str) -> None:
        for dep_id in [d["id"] for d in self.deployments.values() if app_id in d["affectedApps"]]:
            del self.deployments[dep_id]

    # -- the passage of time ------------------------------------------------------------

    def _start_deployment(self, app_id: str, action: str, restart: bool = False) -> str:
        dep_id = str(uuid.uuid4())
        app = self.apps[app_id]
        dep = {"id": dep_id, "version": app["version"], "affectedApps": [app_id], "action": action}
        self.deployments[dep_id] = dep
        self.emit("deployment_info", plan={"id": dep_id, "version": app["version"]},
                  currentStep={"actions": [{"action": action, "app": app_id}]})
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
            plan = {"id": dep_id, "version": dep["version"]}
            self.emit("deployment_step_success", plan=plan, currentStep={"actions": [{"action": action,
                                                                                       "app": app_id}]})
            self.emit("deployment_success", id=dep_id, plan=plan)

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
                           "taskId": t["id"], "timestamp": _now(), "version": app["version"],
                           **({"slaveId": t["slaveId"]} if self.v >= (1, 0) else {})}
        self.emit("status_update_event", slaveId=t["slaveId"], taskId=t["id"], taskStatus="TASK_FAILED",
                  message=app["_crash"], appId=app_id, host=t["host"], ports=t["ports"], version=t["version"])
        self.scheduler.at(max(0.05, self.deploy_seconds / 2), lambda: self._crash_loop(dep_id, app_id))

    def _new_task(self, app: dict[str, Any]) -> dict[str, Any]:
        host, slave = AGENTS[self.agent_turn % len(AGENTS)]
        self.agent_turn += 1
        n_ports = max(len(self._service_ports(app)), 0)
        ports = []
        for _ in range(n_ports):
            ports.append(self.next_host_port)
            self.next_host_port = HOST_PORT_MIN + (self.next_host_port - HOST_PORT_MIN + 1) % 1000
        now = _now()
        task = {"appId": app["id"], "host": host, "id": f"{app['id'].strip('/').replace('/', '_')}.{uuid.uuid1()}",
                "ports": ports, "slaveId": f"20150707-153709-218108076-5050-25588-{slave.split('-')[-1]}",
                "stagedAt": now, "startedAt": now, "version": app["version"], "state": "TASK_RUNNING",
                "servicePorts": self._service_ports(app),
                "ipAddresses": [{"ipAddress": host, "protocol": "IPv4"}],
                "_hc": bool(app.get("healthChecks")), "_healthy": False if app.get("healthChecks") else None}
        if self.v < (1, 0):
            task.pop("servicePorts")
        return task


def main(argv: list[str] | None = None) -> None:
    import argparse

    from .base import run_until_signalled

    parser = argparse.ArgumentParser(prog="python -m avictl.lab.marathon", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--version", default="1.5.0", help="flavour: 0.9.0, 1.4.0, 1.5.0 ...")
    parser.add_argument("--deploy-seconds", type=float, default=2.0)
    args = parser.parse_args(argv)
    lab = MarathonLab(args.version, args.host, args.port, deploy_seconds=args.deploy_seconds)
    print(f"Marathon {args.version} stand-in on {lab.url} (Ctrl-C to stop)", flush=True)
    run_until_signalled([lab])


if __name__ == "__main__":
    main()
