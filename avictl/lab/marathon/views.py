"""Reading: errors in each version's shape, /v2/info, apps, tasks and deployments as Marathon shows them."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from ..base import Request, Response
from .model import SERVICE_PORT_MIN


class ViewsMixin:
    v: tuple[int, ...]
    version: str
    host: str
    port: int
    apps: dict[str, dict[str, Any]]
    tasks: dict[str, list[dict[str, Any]]]
    deployments: dict[str, dict[str, Any]]

    def _error(self, status: int, message: str, **extra: Any) -> Response:
        return Response.json({"message": message, **extra}, status)

    def _invalid(self, problems: list[tuple[str, str]], type_error: bool = False) -> Response:
        if self.v < (1, 0) and type_error:  # JsResultException (MarathonExceptionMapper @ v0.9.2)
            return Response.json({"message": "Invalid JSON", "details": [
                {"path": p, "errors": [e]} for p, e in problems]}, 400)
        if self.v < (1, 0):  # bean validation, as recorded in marathon#536: no "message", only "errors"
            return Response.json({"errors": [{"attribute": a.strip("/").replace("/", "."), "error": e}
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
        embed_values = req.query.get("embed", [])
        if self.v < (0, 11):
            # AppsResource.index @ v0.9.2: `@QueryParam("embed") embed: String`, one value (JAX-RS hands
            # over the first), matched against "apps.tasks" and "apps.failures" only.
            first = embed_values[0] if embed_values else ""
            want_tasks = first in ("apps.tasks", "apps.failures")
            failures = first == "apps.failures"
        else:
            # 1.x (InfoEmbedResolver): repeated values, with or without the `apps.`/`app.` prefix.
            embed = {e.split(".", 1)[1] if e.startswith(("apps.", "app.")) else e for e in embed_values}
            want_tasks = bool(embed & {"tasks", "failures"})
            failures = bool(embed & {"lastTaskFailure", "failures"})
        id_filter = req.arg("id")
        apps = [self._app_view(a, tasks=want_tasks, failures=failures)
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
