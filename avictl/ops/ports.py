"""The port of an app: where a load balancer should send its traffic, and how the ports join up.

`app_port` answers "which port does the ELB forward to for this app?": the service port of
the app's Avi virtual service when a controller is configured, else Marathon's first service
port (`elb retarget --app`, `deploy` steps 4–5). `app_ports` joins, per container port,
Marathon's service and host ports with the Avi VS port (`app ports`), reading both systems at
once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from .. import errors
from ..marathon.appdef import AppId, container_ports

AVI, MARATHON = "avi", "marathon"
T = TypeVar("T")


class NoPortSource(errors.UsageError):
    """Neither an Avi controller nor Marathon is configured, so no port can be found for an app."""


class ElbCannotReach(errors.Conflict):
    """The load balancer forwards to the agents' addresses, where the app's VS does not answer."""


@dataclass
class AppPort:
    app_id: AppId
    port: int
    source: str  # "avi": the virtual service's service port; "marathon": the app's first service port
    vs: str | None = None  # the virtual service's name (source "avi")
    reach: Any = None  # avictl.avi.apps.Reach: can an ELB forwarding to the agents reach the VS?

    def reach_problem(self) -> str | None:
        """Why an ELB forwarding to the agents cannot reach this port, or None (reachable or unknown)."""
        if self.reach is not None and self.reach.reachable is False:
            return str(self.reach.reason)
        return None


@dataclass
class EastWestExposure:
    """An internet-facing load balancer about to forward to an east-west (internal) virtual service."""

    elb: str
    scheme: str
    app_id: str
    vs: str | None


def east_west_exposure(found: AppPort, lb: dict[str, Any]) -> EastWestExposure | None:
    """The exposure when `lb` is internet-facing and the app's VS is east-west; None otherwise (or unknown)."""
    placement = getattr(found.reach, "placement", None)
    scheme = str(lb.get("scheme") or "")
    if placement != "east-west" or scheme != "internet-facing":
        return None
    return EastWestExposure(str(lb.get("name")), scheme, str(found.app_id), found.vs)


def require_reachable(found: AppPort, force: bool) -> str | None:
    """ElbCannotReach (exit 4) when the ELB cannot reach the app's VS; with `force`, the warning instead."""
    problem = found.reach_problem()
    if problem and not force:
        raise ElbCannotReach(problem)
    return problem


@dataclass
class AppPorts:
    """One row per container port: index, name, container_port, protocol, service_port, host_ports
    (and avi_vs_port when a controller was asked)."""

    app: dict[str, Any]
    rows: list[dict[str, Any]]
    with_avi: bool = False
    warnings: list[str] = field(default_factory=list)


def app_port(app_id: AppId, *, avi: Any | None = None, marathon: Any | None = None) -> AppPort:
    """The port to forward to: the Avi VS's service port when `avi` is given, else Marathon's.

    NotFound (exit 3) when the app has no VS or no service port; NoPortSource (exit 2) with
    neither client.
    """
    if avi is not None:
        from ..avi.apps import app_vs_port, elb_reach

        port, vs = app_vs_port(avi, app_id, app_container_ports(marathon, app_id) if marathon is not None else None)
        return AppPort(app_id, int(port), AVI, vs=vs.get("name"), reach=elb_reach(avi, vs))
    if marathon is not None:
        ports = marathon.service_ports(app_id)
        if not ports:
            raise errors.NotFound(f"app {app_id} has no service port")
        return AppPort(app_id, int(ports[0]), MARATHON)
    raise NoPortSource(f"cannot find the port of {app_id}: no Avi controller and no Marathon configured",
                       "set AVI_CONTROLLER or MARATHON_URL (or the profile)")


def app_ports(marathon: Any, app_id: AppId, *, avi: Any | None = None) -> AppPorts:
    """Container port → service port → host ports per task, and the Avi VS port when `avi` is given.

    Marathon and the controller are read concurrently. The Marathon part decides the outcome
    (its errors are raised); a controller that cannot answer becomes a warning and `-`.
    """
    vs_index = in_background(_vs_index, avi, app_id) if avi is not None else None
    app = marathon.get_app(app_id)
    tasks = app.get("tasks")
    if tasks is None:
        tasks = marathon.tasks(app_id)
    rows = []
    for i, port in enumerate(container_ports(app)):
        hosts = [f"{t.get('host')}:{(t.get('ports') or [])[i]}" for t in tasks if len(t.get("ports") or []) > i]
        rows.append({"index": i, "name": port.get("name"), "container_port": port["containerPort"],
                     "protocol": port.get("protocol") or "tcp", "service_port": port["servicePort"],
                     "host_ports": hosts})
    result = AppPorts(app, rows)
    if vs_index is None:
        return result
    from ..avi.apps import port_vs_ports

    index, warning = vs_index()
    result.with_avi = True
    if index is None:
        result.warnings.append(warning)
        ports = ["-"] * len(rows)
    else:  # each port's own VS (the integration makes one per container port, on that port's pool)
        ports, warnings = port_vs_ports(index, rows)
        result.warnings += warnings
    for r, port in zip(rows, ports):
        r["avi_vs_port"] = port
    return result


def app_container_ports(marathon: Any, app_id: AppId) -> list[int] | None:
    """The app's container ports (to find its VS through its pools), None when Marathon cannot say.

    An app Marathon does not have is NotFound: there is no virtual service to wait for.
    """
    try:
        app = marathon.get_app(app_id)
    except errors.NotFound:
        raise errors.NotFound(f"app {app_id} not found in Marathon", "avictl app list") from None
    except errors.AvictlError:
        return None
    return [int(p["containerPort"]) for p in container_ports(app) if p.get("containerPort")] or None


def in_background(fn: Callable[..., T], *args: Any) -> Callable[[], T]:
    """Start `fn(*args)` in a daemon thread; the returned function waits for its value.

    A daemon thread, so an error on the other side (raised at once) never waits for this one.
    """
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = fn(*args)
        except BaseException as exc:  # handed to the caller
            box["error"] = exc

    thread = threading.Thread(target=run, name="avictl-background", daemon=True)
    thread.start()

    def result() -> T:
        thread.join()
        if "error" in box:
            raise box["error"]
        return box["value"]

    return result


def _vs_index(avi: Any, app_id: AppId) -> tuple[Any, str | None]:
    from ..avi.apps import app_vs_index

    try:
        return app_vs_index(avi, app_id), None
    except Exception as exc:  # the Marathon part is still worth showing
        return None, f"Avi virtual service port unavailable: {getattr(exc, 'message', exc)}"
