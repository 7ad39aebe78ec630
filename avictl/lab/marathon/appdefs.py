"""App definitions: the request body, validation, each version's normal form, service ports."""

from __future__ import annotations

import copy
import json
from typing import Any

from ..base import Request, Response
from .model import CRASH_CMD, ID_SEGMENT


class AppDefsMixin:
    v: tuple[int, ...]
    apps: dict[str, dict[str, Any]]
    next_service_port: int

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
            # JsonParseException: 0.9 {"message": <parser's words>}; 1.x {"message": "Invalid JSON",
            # "details": <parser's words>} (MarathonExceptionMapper @ v0.9.2 and v1.5.0)
            if self.v < (1, 0):
                return None, self._error(400, str(exc))
            return None, Response.json({"message": "Invalid JSON", "details": str(exc)}, 400)

    def _validate(self, body: Any, app_id: str | None = None) -> tuple[list[tuple[str, str]], bool]:
        problems: list[tuple[str, str]] = []
        type_error = False
        if not isinstance(body, dict):
            return [("/", "error.expected.jsobject")], True
        aid = app_id if app_id is not None else body.get("id")
        if not isinstance(aid, str) or not aid.strip("/") or not all(
                ID_SEGMENT.fullmatch(s) for s in aid.strip("/").split("/")):
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
