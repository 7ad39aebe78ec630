"""Changes to apps: create, update, scale, restart, delete, and cancelling a deployment."""

from __future__ import annotations

import uuid
from typing import Any

from ..base import Request, Response
from .model import now


class ChangesMixin:
    v: tuple[int, ...]
    url: str
    apps: dict[str, dict[str, Any]]
    tasks: dict[str, list[dict[str, Any]]]
    deployments: dict[str, dict[str, Any]]
    deploy_seconds: float

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
        reply = self._app_view({**app, "version": now()})  # before ports are assigned: the 201 shows 0
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
        app["version"] = now()
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
            app["version"] = now()
            app["versionInfo"]["lastScalingAt"] = app["version"]
        else:
            app = self._normalize(merged)
            app["version"] = now()
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

    def _claim_existing(self, app_id: str, force: bool) -> tuple[dict[str, Any], Response | None]:
        """The app, claimed for a change: 404 when there is none, 409 while a deployment holds it."""
        app = self.apps.get(app_id)
        if not app:
            return {}, self._not_found(app_id)
        return app, self._claim(app_id, force)

    def _restart_app(self, app_id: str, force: bool) -> Response:
        app, refused = self._claim_existing(app_id, force)
        if refused:
            return refused
        app["version"] = now()
        dep = self._start_deployment(app_id, "RestartApplication", restart=True)
        return self._deployment_reply(dep, app["version"])

    def _delete_app(self, app_id: str, force: bool) -> Response:
        _, refused = self._claim_existing(app_id, force)
        if refused:
            return refused
        self._drop_deployments_of(app_id)
        del self.apps[app_id]
        tasks = self.tasks.pop(app_id, [])
        dep_id = str(uuid.uuid4())
        version = now()
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
            self.emit_deployment("deployment_success", dep_id, version, [("StopApplication", app_id)])

        self.scheduler.at(self.deploy_seconds / 2, finish)
        return self._deployment_reply(dep_id, version)

    def _cancel_deployment(self, dep_id: str, force: bool) -> Response:
        dep = self.deployments.get(dep_id)
        if not dep:
            return self._error(404, f"DeploymentPlan {dep_id} does not exist")
        del self.deployments[dep_id]
        self.emit_deployment("deployment_failed", dep_id, dep["version"],
                             [(dep["action"], a) for a in dep["affectedApps"]])
        if force:
            return Response(202, b"", [("Content-Type", "application/json")])
        # Roll back: a new deployment restoring the previous definition (or removing a new app).
        app_id = dep["affectedApps"][0]
        app = self.apps.get(app_id)
        version = now()
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
                self.emit_deployment("deployment_success", new, version, [("StopApplication", app_id)])

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
