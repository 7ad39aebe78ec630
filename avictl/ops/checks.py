"""The links of the seed's chain as checks for `ops.doctor` (SPEC.md §10). Never prints.

Each check asks one system (or joins two) and returns an Outcome: whether it holds, a
`problem` naming what is wrong, and the data it found. The CLI words the data (DETAIL) and
turns (check, problem, data) into a hint that is a command (cli/render/status.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
import re
from typing import Any

from .. import errors
from .doctor import Check, Context, Outcome, Skipped
from .nodes import join_nodes, nodes_without_se_up

MARATHON = "marathon"
MESOS = "mesos master"
CONTROLLER = "controller"
CLOUD = "mesos cloud"
SES = "service engines"
AWS = "aws"
ELB = "load balancer"
APP_TASKS = "app tasks"
APP_VS = "app virtual service"
LISTENER = "elb listener"
HEALTH = "elb health check"
SG = "security group"
INSTANCES = "elb instances"
PROBE = "elb probe"


@dataclass
class Links:
    """Factories of the configured systems' clients (None when not configured)."""

    marathon: Callable[[], Any] | None = None
    mesos: Callable[[], Any] | None = None
    avi: Callable[[], Any] | None = None
    aws: Callable[[], Any] | None = None
    elb: str | None = None
    elb_url: Callable[[], str | None] | None = None  # the URL that reaches the ELB from here
    probe: Callable[[str], Any] | None = None  # GET url → http.Probe (status or None, text)
    listener_port: int = 80


def base_checks(links: Links) -> list[Check]:
    checks = []
    if links.marathon:
        checks.append(Check(MARATHON, lambda ctx: _marathon(links)))
    if links.mesos:
        checks.append(Check(MESOS, lambda ctx: _mesos(links)))
    if links.avi:
        checks.append(Check(CONTROLLER, lambda ctx: _controller(links)))
        checks.append(Check(CLOUD, lambda ctx: _cloud(links, ctx)))
        checks.append(Check(SES, lambda ctx: _ses(links, ctx)))
    if links.aws:
        checks.append(Check(AWS, lambda ctx: _aws(links)))
        if links.elb:
            checks.append(Check(ELB, lambda ctx: _elb(links, ctx)))
    return checks


def app_checks(links: Links, app_id: str) -> list[Check]:
    checks = []
    if links.marathon:
        checks.append(Check(APP_TASKS, lambda ctx: _app_tasks(links, app_id)))
    if links.avi:
        checks.append(Check(APP_VS, lambda ctx: _app_vs(links, ctx, app_id)))
    if links.aws and links.elb:
        checks.append(Check(LISTENER, lambda ctx: _listener(links, ctx, app_id)))
        checks.append(Check(HEALTH, lambda ctx: _health(links, ctx, app_id)))
        checks.append(Check(SG, lambda ctx: _sg(links, ctx)))
        checks.append(Check(INSTANCES, lambda ctx: _instances(links, ctx)))
        if links.probe and links.elb_url:
            checks.append(Check(PROBE, lambda ctx: _probe(links, ctx)))
    return checks


# -- the systems ---------------------------------------------------------------------------


def _marathon(links: Links) -> Outcome:
    info = links.marathon().info()  # type: ignore[misc]
    if not isinstance(info, dict):
        raise errors.RemoteError("Marathon /v2/info: unexpected reply")
    data = {"version": info.get("version"), "leader": info.get("leader")}
    return Outcome(bool(data["leader"]), problem=None if data["leader"] else "no_leader", data=data)


def _mesos(links: Links) -> Outcome:
    st = links.mesos().state()  # type: ignore[misc]
    return Outcome(bool(st.active_agents), problem=None if st.active_agents else "no_agents", data={"state": st})


def _controller(links: Links) -> Outcome:
    client = links.avi()  # type: ignore[misc]
    client.login()
    session = client.session
    return Outcome(True, data={"client": client, "version": session.controller_version,
                               "username": None if session.token else session.username,
                               "default_password": session.uses_factory_default()})


def _cloud(links: Links, ctx: Context) -> Outcome:
    from ..avi.se import mesos_cloud_status

    client = ctx.need(CONTROLLER)["client"]
    status = mesos_cloud_status(client)
    if status is None:
        return Outcome(False, problem="no_cloud", code=errors.NOT_FOUND)
    return Outcome(bool(status["ready"]), problem=None if status["ready"] else "cloud_not_ready",
                   data={"cloud": status})


def _ses(links: Links, ctx: Context) -> Outcome:
    from ..avi.se import SE_UP, list_service_engines

    client = ctx.need(CONTROLLER)["client"]
    ses = list(list_service_engines(client))
    mesos_state = None
    if ctx.has(MESOS):
        try:
            mesos_state = ctx.need(MESOS)["state"]
        except Skipped:  # the master's own row says why; judge the SEs alone
            mesos_state = None
    if mesos_state is None:
        down = [s for s in ses if s["state"] != SE_UP]
        ok = bool(ses) and not down
        return Outcome(ok, problem=None if ok else "se_down", data={"ses": ses, "down": down})
    rows = join_nodes(mesos_state.agents, ses)
    missing = nodes_without_se_up(rows)
    return Outcome(not missing, problem="se_down" if missing else None,
                   data={"nodes": rows, "ses": ses, "missing": missing})


def _aws(links: Links) -> Outcome:
    client = links.aws()  # type: ignore[misc]
    data = {"arn": client.whoami(), "region": client.region_name}
    if not data["region"]:
        return Outcome(False, problem="no_region", code=errors.USAGE, data=data)
    return Outcome(True, data=data)


def _elb(links: Links, ctx: Context) -> Outcome:
    ctx.need(AWS)
    return Outcome(True, data={"lb": links.aws().load_balancer(links.elb, health=False)})  # type: ignore[misc]


# -- one app's chain -----------------------------------------------------------------------


def _app_tasks(links: Links, app_id: str) -> Outcome:
    app = links.marathon().get_app(app_id)  # type: ignore[misc]
    wanted = int(app.get("instances") or 0)
    running, healthy = int(app.get("tasksRunning") or 0), int(app.get("tasksHealthy") or 0)
    checked = bool(app.get("healthChecks"))
    ok = wanted > 0 and running >= wanted and (healthy >= wanted or not checked)
    return Outcome(ok, problem=None if ok else "tasks", data={
        "wanted": wanted, "running": running, "healthy": healthy if checked else None,
        "deployment": ((app.get("deployments") or [{}])[0] or {}).get("id"),
        "failure": (app.get("lastTaskFailure") or {}).get("message")})


def _app_vs(links: Links, ctx: Context, app_id: str) -> Outcome:
    from ..avi.client import service_port

    client = ctx.need(CONTROLLER)["client"]
    cports = None
    if links.marathon:  # an app of several ports has a VS per port: the first port's is the app's
        from .ports import app_container_ports

        try:
            cports = app_container_ports(links.marathon(), app_id)
        except errors.AvictlError:
            cports = None
    summary = client.vs_for_app(app_id, container_ports=cports)
    if summary is None:
        raise client._no_vs_for_app(app_id)
    port = service_port(summary) or service_port(summary, ssl=True)
    members = client.describe_virtualservice(summary["uuid"]).get("members") or []
    up = [m for m in members if m.get("health") == "OPER_UP"]
    ok = summary["state"] == "OPER_UP" and bool(up) and len(up) == len(members)
    return Outcome(ok, problem=None if ok else "vs_down",
                   data={"vs": summary, "port": port, "members": members, "up": len(up)})


def _forwarding(lb: dict[str, Any], listener_port: int) -> tuple[dict[str, Any] | None, int | None, Any]:
    """The listener on `listener_port`, the instance port it sends to, and the health check there."""
    listener = next((ls for ls in lb["listeners"] if ls["port"] == listener_port), None)
    if listener is None:
        return None, None, None
    if lb["type"] == "classic":
        return listener, listener.get("instance_port"), lb.get("health_check")
    arns = listener.get("target_group_arns") or []
    tg = next((t for t in lb.get("target_groups") or [] if t.get("arn") in arns), None) or {}
    return listener, tg.get("port", listener.get("instance_port")), tg.get("health_check")


def _lb_and_vs(ctx: Context) -> tuple[dict[str, Any], dict[str, Any]]:
    return ctx.need(ELB)["lb"], ctx.need(APP_VS)


def _listener(links: Links, ctx: Context, app_id: str) -> Outcome:
    lb, vs = _lb_and_vs(ctx)
    listener, target, _ = _forwarding(lb, links.listener_port)
    data = {"lb": lb["name"], "app": app_id, "listener": listener, "target": target, "port": vs["port"],
            "vs_name": vs["vs"]["name"], "listener_port": links.listener_port,
            "listeners": lb["listeners"]}
    if listener is None:
        return Outcome(False, problem="no_listener", code=errors.NOT_FOUND, data=data)
    return Outcome(target == vs["port"], problem=None if target == vs["port"] else "drift", data=data)


def _health(links: Links, ctx: Context, app_id: str) -> Outcome:
    lb, vs = _lb_and_vs(ctx)
    _, target, hc = _forwarding(lb, links.listener_port)
    hc_target = (hc or {}).get("target") or ""
    m = re.match(r"^[A-Za-z]+:(\d+|traffic-port)", hc_target)
    checked = m.group(1) if m else None
    ok = checked == str(vs["port"]) or (checked == "traffic-port" and target == vs["port"])
    return Outcome(ok, problem=None if ok else "drift",
                   data={"lb": lb["name"], "app": app_id, "health_check": hc, "port": vs["port"]})


def _sg(links: Links, ctx: Context) -> Outcome:
    from .retarget import plan_retarget

    lb, vs = _lb_and_vs(ctx)
    plan = plan_retarget(links.aws(), lb["name"], vs["port"], listener_port=links.listener_port)  # type: ignore
    data = {"lb": lb["name"], "port": vs["port"], "missing": list(plan.missing_rules),
            "notices": [n for n in plan.notices if n.kind in ("no_security_group", "no_instances")]}
    return Outcome(not plan.missing_rules, problem="sg" if plan.missing_rules else None, data=data)


def _instances(links: Links, ctx: Context) -> Outcome:
    name = ctx.need(ELB)["lb"]["name"]
    lb = links.aws().load_balancer(name)  # type: ignore[misc]  # with instance health this time
    total, ins = int(lb.get("total") or 0), int(lb.get("in_service") or 0)
    bad = [i for i in lb.get("instances") or [] if i.get("state") not in ("InService", "healthy")]
    ok = total > 0 and ins == total
    return Outcome(ok, problem=None if ok else "out_of_service",
                   data={"lb": name, "total": total, "in_service": ins, "bad": bad})


def _probe(links: Links, ctx: Context) -> Outcome:
    ctx.need(LISTENER)
    url = links.elb_url() if links.elb_url else None  # type: ignore[misc]
    if not url:
        return Outcome(False, problem="no_url", code=errors.USAGE)
    result = links.probe(url)  # type: ignore[misc]
    if result.status is None:
        return Outcome(False, problem="unreachable", code=errors.CONNECT, data={"url": url, "probe": result})
    ok = 200 <= result.status < 400
    return Outcome(ok, problem=None if ok else "probe", data={"url": url, "probe": result})
