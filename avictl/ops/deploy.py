"""`avictl deploy`: the seed procedure as one converging operation.

1 validate the app definition · 2 post or apply it to Marathon · 3 wait for the deployment ·
4 wait for the app's virtual service on the controller, up · 5 read its service port ·
6 retarget the ELB listener and health check to it · 7 wait for instances in service ·
8 probe the ELB URL (optional) — then one summary.

No printing: progress goes to a `Reporter` the CLI hands in; failures are avictl errors
that name the step. A failure after the ELB changed is rolled back by ops.retarget.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from .. import errors
from ..http import HttpOptions

STEPS = (
    "check the app definition and the load balancer",
    "post the app to Marathon",
    "wait for the Marathon deployment",
    "wait for the Avi virtual service",
    "read the service port",
    "retarget the load balancer",
    "wait for instances in service",
    "probe the load balancer URL",
)


class Reporter(Protocol):
    def start(self, title: str) -> None: ...
    # besides text, note() gets the retarget's notices and events, done()/skip() its plan
    def note(self, detail: Any) -> None: ...
    def done(self, result: Any = "") -> None: ...
    def skip(self, result: Any) -> None: ...
    def fail(self, message: str) -> None: ...


@dataclass
class DeployOptions:
    definition: dict[str, Any]
    source: str
    elb: str
    listener_port: int = 80
    health_path: str = "/"
    health_protocol: str = "HTTP"
    fix_security_group: bool = False
    check_url: str | None = None
    elb_url: str | None = None  # the URL that reaches the ELB from here, when not its DNS name (SPEC §11)
    timeout: float = 600.0
    vs_timeout: float = 180.0
    health_timeout: float = 300.0
    dry_run: bool = False
    # Go on when the controller says the ELB cannot reach the app's VS (a warning instead of exit 4).
    force_unreachable: bool = False
    # Asked before the first change: with a description of the app change (create/update), or,
    # when the app is already right, with the ELB plan. False aborts with nothing changed.
    confirm_app: Callable[[str], bool] | None = None
    confirm: Callable[[Any], bool] | None = None
    # Told each change that moves traffic as soon as it is known, before the question that
    # covers it: an ops.app_index.TrafficMove (the listener leaves another app's port) or an
    # ops.ports.EastWestExposure (an internet-facing ELB at an east-west VS). Also in the result.
    warn: Callable[[Any], None] | None = None
    # Transport settings (TLS, CA bundle, -v logging) for the probe of the load balancer URL.
    http: HttpOptions | None = None


@dataclass
class DeployResult:
    app_id: str
    app_action: str = ""
    tasks: str = ""
    vs: str | None = None
    vip: str | None = None
    vs_state: str | None = None
    service_port: int | None = None
    warnings: list[str] = field(default_factory=list)
    elb: str = ""
    elb_action: str = ""
    listener: dict[str, Any] | None = None
    url: str | None = None
    probe: str | None = None
    probe_seconds: float | None = None
    probe_answer: str | None = None  # the first line of the answer
    plan: Any = None  # ops.retarget.Plan
    moves: Any = None  # ops.app_index.TrafficMove: the listener leaves the app(s) it serves now
    exposure: Any = None  # ops.ports.EastWestExposure
    dry_run: bool = False
    changed: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()}


def deploy(marathon: Any, avi: Any | None, aws: Any, opts: DeployOptions, report: Reporter) -> DeployResult:
    from ..http import probe
    from ..marathon import appdef
    from . import apps, retarget
    from . import wait as waits
    from .app_index import traffic_move
    from .ports import MARATHON, app_port, east_west_exposure, in_background, require_reachable

    defn = opts.definition
    app_id = appdef.AppId(defn["id"])
    result = DeployResult(app_id=str(app_id), elb=opts.elb, dry_run=opts.dry_run)

    with _step(report, STEPS[0]):
        ports = appdef.container_ports(defn)
        # The three systems are asked side by side (SPEC §6 fan-out): Marathon for the app as it
        # is now (step 2's plan), the controller's login (step 4 needs it), and AWS for the load
        # balancer, which with its listener must exist before the app is touched.
        planned = in_background(lambda: apps.plan_app(marathon, defn, app_id=app_id))
        if avi is not None:
            in_background(_warm_session, avi)
        lb = aws.load_balancer(opts.elb, health=False)
        listener = next((ls for ls in lb["listeners"] if ls["port"] == opts.listener_port), None)
        if listener is None:
            raise retarget.NoSuchListener(lb, opts.listener_port)
        # Whom the listener serves now: warned about before the question that moves it elsewhere.
        moving = in_background(lambda: traffic_move(opts.elb, listener, to_app=str(app_id), avi=avi,
                                                    marathon=marathon))
        report.done(f"{app_id}, {defn.get('instances', 1)} instance(s), "
                    f"container port(s) {', '.join(str(p.get('containerPort')) for p in ports) or 'none'}; "
                    f"{opts.elb} ({lb['type']}) listens on {opts.listener_port}")

    with _step(report, STEPS[1]):
        change = planned()
        current, action = change.current, change.action
        result.app_action = action
        approved = False
        move = moving()
        result.warnings += move.warnings
        if move.value is not None:
            result.moves = move.value
            if opts.warn is not None:
                opts.warn(move.value)
        if action != "unchanged" and not opts.dry_run and opts.confirm_app is not None:
            question = (f"{'Create' if action == 'create' else 'Update'} app {app_id} in Marathon, then point "
                        f"{opts.elb} port {opts.listener_port} and its health check at the app's service port?")
            if not opts.confirm_app(question):
                raise errors.Declined()
            approved = True
        if opts.dry_run:
            report.skip(f"dry run: would {action} {app_id}" if action != "unchanged" else
                        f"{app_id} is already as defined; no change")
        elif change.changes_app:
            applied = apps.apply_app(marathon, change)
            for warning in applied.warnings:
                report.note(warning)
            result.changed.append("app")
            report.done(f"{'created' if action == apps.CREATE else 'updated'} {app_id}")
        else:
            report.done(f"{app_id} is already as defined; no change")

    with _step(report, STEPS[2]):
        if opts.dry_run and current is None:
            report.skip("dry run")
        else:
            app = waits.wait_for_app(marathon, app_id, opts.timeout, on_progress=report.note)
            result.tasks = _tasks_text(app)
            report.done(result.tasks)

    with _step(report, STEPS[3]):
        if avi is None:
            report.skip("no controller configured; using the Marathon service port")
            vs = None
        elif opts.dry_run and current is None:
            report.skip("dry run")
            vs = None
        else:
            cports = [int(p["containerPort"]) for p in ports if p.get("containerPort")] or None
            vs = _wait_for_vs(avi, app_id, opts.vs_timeout, report, cports)
            result.vs, result.vs_state = vs.get("name"), vs.get("state")
            result.vip = ", ".join(vs.get("vips") or []) or None
            report.done(f"{result.vs} {result.vs_state}" + (f", VIP {result.vip}" if result.vip else ""))

    exposure = None
    with _step(report, STEPS[4]):
        if vs is None and opts.dry_run and current is None:
            report.skip("dry run: the port is known once the app exists")
        else:
            found = app_port(app_id, avi=avi if vs is not None else None, marathon=marathon)
            problem = require_reachable(found, opts.force_unreachable)
            if problem:
                result.warnings.append(problem)
                report.note(f"warning: {problem}")
            exposure = east_west_exposure(found, lb)
            result.service_port = found.port
            report.done(f"{found.port} " + ("(Marathon service port)" if found.source == MARATHON
                                            else "(from the virtual service)"))

    with _step(report, STEPS[5]):
        if result.service_port is None:
            report.skip(f"dry run: would point {opts.elb} port {opts.listener_port} and its health check at the "
                        "app's service port once it is known")
            plan = None
        else:
            plan = retarget.plan_retarget(aws, opts.elb, result.service_port, listener_port=opts.listener_port,
                                          health_path=opts.health_path, health_protocol=opts.health_protocol,
                                          fix_security_group=opts.fix_security_group)
            result.plan = plan  # the CLI renders it (and its notices, events and changes)
            lb = plan.lb
            for notice in plan.notices:
                report.note(notice)
            if exposure is not None and not plan.no_change:
                result.exposure = exposure
                if opts.warn is not None:
                    opts.warn(exposure)
                # the question of step 2 was asked before the VS was known: ask again
                if approved and not opts.dry_run and opts.confirm_app is not None:
                    question = (f"Point {opts.elb} ({exposure.scheme}) at the east-west virtual service "
                                f"{exposure.vs or '?'} of {app_id}?")
                    try:
                        agreed = opts.confirm_app(question)
                    except errors.Declined:
                        agreed = False
                    if not agreed:
                        raise errors.Declined("aborted: the app is deployed; the load balancer is unchanged")
            if plan.no_change:
                result.elb_action = "unchanged"
                report.done(f"{opts.elb} already forwards {opts.listener_port} → {result.service_port}; no change")
            elif opts.dry_run:
                result.elb_action = "would change"
                report.skip(plan)
            else:
                if not approved and opts.confirm is not None and not opts.confirm(plan):
                    raise errors.Declined()
                lb = retarget.apply_plan(aws, plan, on_event=report.note)  # read back after the change
                result.elb_action = "changed"
                result.changed.append("elb")
                report.done(plan)
        result.listener = next((ls for ls in lb["listeners"] if ls["port"] == opts.listener_port), None)
        dns = lb.get("dns_name")
        result.url = opts.elb_url or (f"http://{dns}/" if dns else None)

    with _step(report, STEPS[6]):
        if plan is None or opts.dry_run:
            report.skip("dry run")
        else:
            states = retarget.wait_healthy(aws, plan, opts.health_timeout, on_event=report.note)
            healthy = [s for s in states if s.get("state") in ("InService", "healthy")]
            report.done(f"{len(healthy)}/{len(states)} in service")

    with _step(report, STEPS[7]):
        if not opts.check_url or opts.dry_run or not (result.url or "://" in opts.check_url):
            report.skip("not asked (--check-url PATH)" if not opts.check_url else "dry run")
        else:
            url = opts.check_url if opts.check_url.startswith(("http://", "https://")) else \
                result.url.rstrip("/") + "/" + opts.check_url.lstrip("/")
            answer = probe(url, opts.http, name="load balancer")
            status, result.probe = answer.status, answer.text
            result.probe_seconds, result.probe_answer = answer.seconds, answer.first_line
            if status is None:
                raise errors.ConnectError(f"{url}: {result.probe}",
                                          "the change is in place; check DNS, the ELB's security group and the app")
            if status >= 500:
                raise errors.RemoteError(f"{url} answered {result.probe}", "the change is in place; check the app")
            report.done(answer)  # an http.Probe: status, latency, the answer's first line
    return result


def _warm_session(avi: Any) -> None:
    """Log in to the controller ahead of need; a failure shows again, in its step, when it is used."""
    try:
        avi.session.ensure()
    except Exception:  # noqa: BLE001 - reported by the step that needs the controller
        pass


class _step:
    """Runs one step: a failure is reported on the step's line and re-raised naming the step."""

    def __init__(self, report: Reporter, title: str):
        self.report, self.title = report, title

    def __enter__(self) -> None:
        self.report.start(self.title)

    def __exit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> bool:
        if exc is None:
            return False
        if isinstance(exc, errors.Declined):  # said once, by the error line itself
            self.report.skip("not confirmed")
            return False
        if isinstance(exc, errors.AvictlError):
            self.report.fail(exc.message)
            if not exc.message.startswith(f"{self.title}: "):
                exc.message = f"{self.title}: {exc.message}"
            return False
        if isinstance(exc, KeyboardInterrupt):
            self.report.fail("interrupted")
        return False


def _tasks_text(app: dict[str, Any]) -> str:
    wanted = app.get("instances", 0)
    text = f"{app.get('tasksRunning', 0)}/{wanted} running"
    if app.get("healthChecks"):
        text += f", {app.get('tasksHealthy', 0)}/{wanted} healthy"
    return text


def _wait_for_vs(avi: Any, app_id: str, timeout: float, report: Reporter,
                 container_ports: list[int] | None = None) -> dict[str, Any]:
    """Poll the controller until the app's VS exists and is OPER_UP (the Mesos sync is periodic)."""
    deadline = time.monotonic() + timeout
    delay, last = 0.5, None
    while True:
        vs = avi.vs_for_app(app_id, container_ports=container_ports)
        state = (vs or {}).get("state")
        if vs is not None and str(state).upper() in ("OPER_UP", "UP"):
            return vs
        note = f"{vs['name']} is {state}" if vs else "no virtual service yet"
        if note != last:
            report.note(note)
            last = note
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise errors.WaitTimeout(f"{note} after {timeout:.0f} s",
                                     "check the Mesos cloud with `avictl cloud show` and the app's tasks")
        time.sleep(min(delay, remaining))
        delay = min(delay * 1.5, 5.0)
