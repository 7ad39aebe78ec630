"""The Marathon stand-in's server: state, admin hooks, routing and auth (see the package's docstring)."""

from __future__ import annotations

import base64
import queue
import re
from typing import Any

from ..base import LabServer, Request, Response
from .appdefs import AppDefsMixin
from .changes import ChangesMixin
from .deployments import DeploymentsMixin
from .events import EventsMixin
from ..traffic import Traffic
from ..traffic.tasks import TaskServers
from .model import AGENTS, HOST_PORT_MIN, SERVICE_PORT_MIN, Scheduler
from .views import ViewsMixin


class MarathonLab(EventsMixin, ViewsMixin, AppDefsMixin, ChangesMixin, DeploymentsMixin, LabServer):
    name = "marathon"

    def __init__(self, version: str = "1.5.0", host: str = "127.0.0.1", port: int = 0, *, tls: Any = None,
                 deploy_seconds: float = 1.0, heartbeat: float = 5.0, auth: tuple[str, ...] | None = None,
                 crlf: bool | None = None, leader: str | None = None, traffic: Traffic | None = None):
        super().__init__(host, port, tls=tls)
        # A standby: `leader` is the leading Marathon's URL. From 1.7 LeaderProxyFilter answers
        # /v2/events with a redirect there (sendRedirect: 302); every other request is forwarded.
        self.leader = leader.rstrip("/") if leader else None
        # With `traffic` (the lab's network), the agents are its loopback addresses and every
        # running task listens on its host ports there; without, two nominal agents.
        self.agents = list(AGENTS) if traffic is None else [
            (addr, f"agent-{i}-S{i}") for i, addr in enumerate(traffic.agents)]
        self.task_servers = TaskServers(traffic) if traffic is not None else None
        self.version = version
        self.v = tuple(int(x) for x in re.findall(r"\d+", version)[:3])
        self.deploy_seconds = deploy_seconds
        self.heartbeat = heartbeat
        self.auth = auth
        # Jetty's EventSourceServlet ends every line with CRLF, in 0.9 as in 1.x
        self.crlf = True if crlf is None else crlf
        self.subscribers: list[tuple[queue.Queue[Any], set[str] | None]] = []
        self.scheduler = Scheduler(self.lock, after=self.follow_tasks)
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
            self.follow_tasks()

    def stop(self) -> None:
        self.drop_event_streams()
        self.scheduler.stop()
        super().stop()
        if self.task_servers is not None:
            self.task_servers.close_all()

    def follow_tasks(self) -> None:
        """Running tasks listen on their host ports; killed ones stop (with traffic only)."""
        if self.task_servers is None:
            return
        with self.lock:
            running = {t["id"]: (app_id, t["host"], list(t["ports"])) for app_id, ts in self.tasks.items()
                       for t in ts if t["state"] == "TASK_RUNNING"}
        self.task_servers.sync(running)

    def snapshot(self) -> list[dict[str, Any]]:
        """The apps with their tasks, as `GET /v2/apps?embed=apps.tasks` shows them (for the Avi stand-in)."""
        with self.lock:
            return [self._app_view(a, tasks=True) for a in self.apps.values()]


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
        if self.leader:
            return self._as_standby(req)
        response = self._handle(req)
        # LeaderProxyFilter @ v0.9.2 and v1.7: the leader names itself on every reply
        response.headers.append(("X-Marathon-Leader", f"{'https' if self.tls else 'http'}://{self.host}:{self.port}"))
        return response

    def _as_standby(self, req: Request) -> Response:
        from urllib.parse import urlencode

        query = urlencode([(k, v) for k, vs in req.query.items() for v in vs])
        target = f"{self.leader}{req.path}" + (f"?{query}" if query else "")
        if req.path.rstrip("/") == "/v2/events" and self.v >= (1, 7):
            return Response(302, b"", [("Location", target)])
        return self._forward(req, target)

    def _forward(self, req: Request, target: str) -> Response:
        import urllib.error
        import urllib.request

        headers = {k: v for k, v in req.headers.items() if k in ("authorization", "content-type", "accept")}
        request = urllib.request.Request(target, data=req.body or None, method=req.method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=10) as resp:
                status, body, ctype = resp.status, resp.read(), resp.headers.get("Content-Type", "")
        except urllib.error.HTTPError as exc:
            status, body, ctype = exc.code, exc.read(), exc.headers.get("Content-Type", "")
        except OSError as exc:
            return self._error(502, f"Could not determine the current leader ({exc})")
        return Response(status, body, [("Content-Type", ctype)] if ctype else [])

    def _handle(self, req: Request) -> Response:
        try:
            return self._route(req)
        finally:
            if req.method not in ("GET", "HEAD"):
                self.follow_tasks()

    def _route(self, req: Request) -> Response:
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


def main(argv: list[str] | None = None) -> None:
    import argparse

    from ..base import run_until_signalled

    parser = argparse.ArgumentParser(prog="python -m avictl.lab.marathon",
                                     description="A Marathon stand-in for the lab and the tests")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--version", default="1.5.0", help="flavour: 0.9.0, 1.4.0, 1.5.0 ...")
    parser.add_argument("--deploy-seconds", type=float, default=2.0)
    args = parser.parse_args(argv)
    lab = MarathonLab(args.version, args.host, args.port, deploy_seconds=args.deploy_seconds)
    print(f"Marathon {args.version} stand-in on {lab.url} (Ctrl-C to stop)", flush=True)
    run_until_signalled([lab])

