"""Which Marathon app each virtual service fronts: Marathon's app list turned into VS names.

The Mesos integration flattens `/group/app` and `/group-app` to the same VS name; with
Marathon's app list the `APP` of `vs list` and `vs show` is exact instead of a guess.

`apps_on_ports` answers the reverse question a load balancer raises: an ELB forwards to
`<agent>:<port>`; which app's traffic is that? (`deploy`, `elb retarget` and `app delete`
warn before they move a load balancer off an app, or leave one forwarding to a deleted app.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import errors
from ..avi import mesos
from ..results import Result


def known_apps(marathon: Any | None) -> Result[dict[str, str] | None]:
    """VS name → app id for the apps Marathon runs; None (and a warning) when Marathon cannot answer."""
    if marathon is None:
        return Result(None)
    try:
        apps = marathon.list_apps()
        return Result(mesos.app_index([a.get("id", "") for a in apps if isinstance(a, dict)]))
    except (errors.AvictlError, AttributeError) as exc:
        return Result(None, [f"cannot read Marathon's apps for the APP column: {getattr(exc, 'message', exc)}"])


@dataclass(frozen=True)
class PortUser:
    """An app whose traffic arrives on an agent port: through its virtual service `vs` listening
    there (a controller was asked), or as its Marathon service port (`vs` None)."""

    app_id: str
    vs: str | None = None


def apps_on_ports(ports: list[int], *, avi: Any | None = None, marathon: Any | None = None) -> Result[list[PortUser]]:
    """The apps served on `ports` of the agents, where a load balancer forwarding to them sends traffic.

    With a controller: the apps of the virtual services listening on the ports (every tenant,
    one listing), named exactly with Marathon's app list when Marathon is given. Without one:
    the Marathon apps with one of `ports` as a service port. A system that cannot answer is a
    warning and no apps (the caller goes on: this only decides what to warn about).
    """
    if not ports:
        return Result([])
    what = ", ".join(str(p) for p in ports)
    if avi is not None:
        from ..avi.apps import virtualservices_on_ports

        index = known_apps(marathon)
        try:
            found = virtualservices_on_ports(avi, ports)
        except errors.AvictlError as exc:
            return Result([], [f"cannot tell which app port {what} serves: {exc.message}"])
        users = []
        for vs in found:
            app = mesos.app_id_for_vs(vs, index.value)
            if app and (index.value is None or app in index.value.values()):
                users.append(PortUser(app, vs.get("name")))
        return Result(list(dict.fromkeys(users)), [])
    if marathon is not None:
        from ..marathon.appdef import service_ports

        try:
            apps = marathon.list_apps()
        except errors.AvictlError as exc:
            return Result([], [f"cannot tell which app port {what} serves: {exc.message}"])
        return Result([PortUser(mesos.loose_app_path(a["id"])) for a in apps
                       if isinstance(a, dict) and a.get("id") and set(ports) & set(service_ports(a))])
    return Result([])


def forwarded_ports(listener: dict[str, Any]) -> list[int]:
    """The instance port(s) a load balancer listener forwards to (an ALB/NLB group may hold several)."""
    return [int(p) for p in (listener.get("instance_ports") or [listener.get("instance_port")]) if p]


@dataclass
class TrafficMove:
    """A load balancer listener about to stop forwarding to the app(s) it serves now.

    `from_ports`: the instance port(s) the listener forwards to now; `apps`: the apps served
    there (never the one it moves to); `to_port` / `to_app`: where it goes (None while not
    known yet, e.g. before a new app has its port).
    """

    elb: str
    listener_port: int
    from_ports: list[int]
    apps: list[PortUser]
    to_port: int | None = None
    to_app: str | None = None


def traffic_move(elb: str, listener: dict[str, Any], *, to_port: int | None = None, to_app: str | None = None,
                 avi: Any | None = None, marathon: Any | None = None) -> Result[TrafficMove | None]:
    """The move off other apps that pointing `listener` of `elb` at `to_port` (of `to_app`) makes, or None.

    None when the listener already forwards to `to_port`, when nothing is served on its port
    now, or when what is served there is `to_app` itself.
    """
    ports = forwarded_ports(listener)
    if not ports or (to_port is not None and ports == [to_port]):
        return Result(None)
    found = apps_on_ports([p for p in ports if p != to_port], avi=avi, marathon=marathon)
    users, warnings = found.value, found.warnings
    target = mesos.loose_app_path(to_app) if to_app else None
    if not users or any(u.app_id == target for u in users):
        return Result(None, warnings)
    return Result(TrafficMove(elb, int(listener["port"]), ports, list(dict.fromkeys(users)), to_port, target),
                  warnings)


@dataclass(frozen=True)
class ElbForward:
    """A load balancer listener forwarding to `port`, where `app_id` is served (through `vs`)."""

    elb: str
    listener_port: int
    port: int
    app_id: str
    vs: str | None = None


def elbs_forwarding_to_app(app: dict[str, Any], *, aws: Any, avi: Any | None = None) -> Result[list[ElbForward]]:
    """The listeners of the region's load balancers that forward to the port of `app` (a Marathon
    app as read): its virtual service's port when a controller is given, else its service ports.

    What `app delete` warns about: after the delete they forward to a port nothing serves.
    A system that cannot answer is a warning and no listeners (the caller goes on).
    """
    from ..marathon.appdef import AppId, container_ports, service_ports

    app_id = AppId(app["id"])
    ports, vs_name, warnings = [], None, []
    if avi is not None:
        from ..avi.apps import app_vs_port

        cports = [int(p["containerPort"]) for p in container_ports(app) if p.get("containerPort")] or None
        try:
            port, vs = app_vs_port(avi, app_id, cports)
            ports, vs_name = [int(port)], vs.get("name")
        except errors.NotFound:
            pass  # no virtual service (yet): the Marathon service ports are what an ELB may point at
        except errors.AvictlError as exc:
            warnings.append(f"cannot read the virtual service of {app_id}: {exc.message}")
    ports = ports or service_ports(app)
    if not ports:
        return Result([], warnings)
    found = []
    try:
        for lb in aws.list_load_balancers(health=False):
            for ls in lb.get("listeners") or []:
                on = forwarded_ports(ls)
                for port in ports:
                    if port in on:
                        found.append(ElbForward(lb["name"], int(ls["port"]), port, str(app_id), vs_name))
    except errors.AvictlError as exc:
        warnings.append(f"cannot tell which load balancers forward to {app_id}: {exc.message}")
    return Result(found, warnings)
