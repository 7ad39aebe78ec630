"""The lab's ELB front: what a browser reaches for each listener of each classic ELB moto holds.

It reads the load balancers from moto's server over plain HTTP (the Query API's
`DescribeLoadBalancers`, as the AWS CLI sends it; nothing of the product) every `poll`
seconds, so a changed listener or health check is in effect within a second. For each
listener it listens on 127.0.0.1 (a port of its own, kept while the listener exists) and
forwards to `<agent>:<instance port>` of the registered instances that are healthy, in turn;
none healthy → 503, as a classic ELB answers. Health follows the ELB's health check
(`HTTP:port/path`, `HTTPS:…`, `TCP:port`, `SSL:port`): a probe every `Interval`, within
`Timeout` (both multiplied by `scale` for the lab), `HealthyThreshold` successes in a row
make an instance InService and `UnhealthyThreshold` failures OutOfService; a new instance
starts OutOfService. Instances map to agent addresses through the lab's own state.
"""

from __future__ import annotations

import http.client
import itertools
import re
import socket
import ssl
import threading
import time
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import Traffic
from .reactor import Reply, Request, forward

TIER = "front"
API_VERSION = "2012-06-01"
NO_HEALTHY = "503 Service Unavailable: Back-end server is at capacity\n"
FAILED = "Instance has failed at least the UnhealthyThreshold number of health checks consecutively."
NOT_PASSED = "Instance has not passed the configured HealthyThreshold number of health checks consecutively."


@dataclass
class Listener:
    protocol: str
    port: int
    instance_protocol: str
    instance_port: int


@dataclass
class HealthCheck:
    target: str = "TCP:80"
    interval: float = 30
    timeout: float = 5
    healthy_threshold: int = 10
    unhealthy_threshold: int = 2


@dataclass
class Health:
    healthy: bool = False
    streak: int = 0  # consecutive results that disagree with `healthy`
    failed: bool = False  # it was healthy once, then failed (else: it never passed yet)
    due: float = 0.0


@dataclass
class Balancer:
    name: str
    dns: str = ""
    listeners: dict[int, Listener] = field(default_factory=dict)
    check: HealthCheck = field(default_factory=HealthCheck)
    instances: list[str] = field(default_factory=list)
    health: dict[str, Health] = field(default_factory=dict)
    turn: itertools.count[int] = field(default_factory=itertools.count)


class ElbFront:
    def __init__(self, traffic: Traffic, endpoint_url: str, region: str,
                 instances: dict[str, str] | Callable[[], dict[str, str]], *, poll: float = 0.5,
                 scale: float = 0.05, host: str = "127.0.0.1"):
        self.traffic = traffic
        self.endpoint_url = endpoint_url.rstrip("/")
        self.region = region
        self._instances = instances
        self.poll = poll
        self.scale = scale
        self.host = host
        self.lock = threading.Lock()
        self.balancers: dict[str, Balancer] = {}
        self.sockets: dict[tuple[str, int], socket.socket] = {}
        self.ports: dict[tuple[str, int], int] = {}  # (ELB, listener port) → front port, kept for re-use
        self.error: str | None = None
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> ElbFront:
        self.refresh()
        self.thread = threading.Thread(target=self._loop, name="lab-elb-front", daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self.thread is not None:
            self.thread.join(5.0)
        with self.lock:
            for key in list(self.sockets):
                self.traffic.reactor.remove(self.sockets.pop(key))

    def url(self, elb: str, port: int = 80) -> str | None:
        """The front's URL for the ELB's listener on `port` (None while there is no such listener)."""
        with self.lock:
            front = self.ports.get((elb, port))
            return f"http://{self.host}:{front}/" if front and (elb, port) in self.sockets else None

    def instance_states(self, elb: str) -> dict[str, str]:
        with self.lock:
            lb = self.balancers.get(elb)
            return {i: "InService" if lb.health.get(i, Health()).healthy else "OutOfService"
                    for i in lb.instances} if lb else {}

    def instance_details(self, elb: str) -> dict[str, tuple[str, str, str]]:
        """Instance → (State, ReasonCode, Description) as DescribeInstanceHealth words them."""
        out = {}
        with self.lock:
            lb = self.balancers.get(elb)
            for i in lb.instances if lb else []:
                h = lb.health.get(i) or Health()  # type: ignore[union-attr]
                out[i] = ("InService", "N/A", "N/A") if h.healthy else ("OutOfService", "Instance", FAILED if h.failed
                                                                         else NOT_PASSED)
        return out

    def agent_of(self, instance_id: str) -> str | None:
        mapping = self._instances() if callable(self._instances) else self._instances
        return mapping.get(instance_id)

    def _loop(self) -> None:
        next_poll = time.monotonic() + self.poll
        while not self.stopping.wait(0.05):
            if time.monotonic() >= next_poll:
                next_poll = time.monotonic() + self.poll
                try:
                    self.refresh()
                except Exception:
                    pass
            self._check_due()

    # -- following moto ----------------------------------------------------------------------

    def refresh(self) -> None:
        try:
            described = self._describe()
        except (OSError, ET.ParseError, http.client.HTTPException) as exc:
            self.error = f"{type(exc).__name__}: {exc}"
            return  # keep serving what was known, as the ELB itself goes on
        self.error = None
        with self.lock:
            for name in [n for n in self.balancers if n not in described]:
                del self.balancers[name]
            for name, fresh in described.items():
                lb = self.balancers.setdefault(name, Balancer(name))
                lb.dns, lb.listeners, lb.instances = fresh.dns, fresh.listeners, fresh.instances
                if fresh.check != lb.check:
                    lb.check = fresh.check
                    for h in lb.health.values():  # a new check: its thresholds count from now
                        h.streak, h.due = 0, 0.0
                lb.health = {i: lb.health.get(i) or Health() for i in lb.instances}
            wanted = {(lb.name, p) for lb in self.balancers.values() for p in lb.listeners}
            for key in [k for k in self.sockets if k not in wanted]:
                self.traffic.reactor.remove(self.sockets.pop(key))
            for key in sorted(wanted - set(self.sockets)):
                self._listen(key)

    def _listen(self, key: tuple[str, int]) -> None:
        sock = None
        if key in self.ports:  # the same URL as before the listener went away, if the port is free
            try:
                sock = self.traffic.net.listen(self.host, self.ports[key])
            except OSError:
                sock = None
        if sock is None:
            sock = self.traffic.net.listen(self.host, 0)
        self.ports[key] = sock.getsockname()[1]
        self.sockets[key] = sock
        self.traffic.reactor.add(sock, self._handler(*key), TIER)

    def _describe(self) -> dict[str, Balancer]:
        found: dict[str, Balancer] = {}
        marker = None
        while True:
            params = {"Action": "DescribeLoadBalancers", "Version": API_VERSION}
            if marker:
                params["Marker"] = marker
            root = self._query(params)
            result = _one(root, "DescribeLoadBalancersResult")
            result = root if result is None else result
            for el in _all(result, "LoadBalancerDescriptions/member"):
                lb = Balancer(_text(el, "LoadBalancerName"), _text(el, "DNSName"))
                for ld in _all(el, "ListenerDescriptions/member/Listener"):
                    listener = Listener(_text(ld, "Protocol").upper(), int(_text(ld, "LoadBalancerPort") or 0),
                                        _text(ld, "InstanceProtocol").upper(), int(_text(ld, "InstancePort") or 0))
                    lb.listeners[listener.port] = listener
                hc = _one(el, "HealthCheck")
                if hc is not None:
                    lb.check = HealthCheck(_text(hc, "Target"), float(_text(hc, "Interval") or 30),
                                           float(_text(hc, "Timeout") or 5),
                                           int(_text(hc, "HealthyThreshold") or 10),
                                           int(_text(hc, "UnhealthyThreshold") or 2))
                lb.instances = [_text(i, "InstanceId") for i in _all(el, "Instances/member")]
                found[lb.name] = lb
            marker = _text(result, "NextMarker")
            if not marker:
                return found

    def _query(self, params: dict[str, str]) -> ET.Element:
        # moto's server routes a request by the service named in the credential scope.
        auth = (f"AWS4-HMAC-SHA256 Credential=testing/{time.strftime('%Y%m%d', time.gmtime())}/{self.region}/"
                "elasticloadbalancing/aws4_request, SignedHeaders=host, Signature=lab")
        req = urllib.request.Request(self.endpoint_url + "/", data=urllib.parse.urlencode(params).encode(),
                                     headers={"Content-Type": "application/x-www-form-urlencoded",
                                              "Authorization": auth})
        with urllib.request.urlopen(req, timeout=5) as resp:
            return ET.fromstring(resp.read())

    # -- health checks -----------------------------------------------------------------------

    def _check_due(self) -> None:
        now = time.monotonic()
        with self.lock:
            due = [(lb.name, i, lb.check) for lb in self.balancers.values() for i, h in lb.health.items()
                   if h.due <= now]
            for name, instance, check in due:
                self.balancers[name].health[instance].due = now + max(0.05, check.interval * self.scale)
        for name, instance, check in due:
            ok = self._probe(instance, check)
            with self.lock:
                lb = self.balancers.get(name)
                h = lb.health.get(instance) if lb else None
                if h is None or lb.check != check:
                    continue
                if ok == h.healthy:
                    h.streak = 0
                    continue
                h.streak += 1
                if h.streak >= (check.healthy_threshold if ok else check.unhealthy_threshold):
                    h.healthy, h.streak, h.failed = ok, 0, not ok

    def _probe(self, instance: str, check: HealthCheck) -> bool:
        agent = self.agent_of(instance)
        m = re.match(r"^(HTTP|HTTPS|TCP|SSL):(\d+)(/.*)?$", check.target.strip(), re.IGNORECASE)
        if agent is None or m is None:
            return False
        protocol, port, path = m.group(1).upper(), int(m.group(2)), m.group(3) or "/"
        host, real_port = self.traffic.net.endpoint(agent, port)
        timeout = max(0.05, check.timeout * self.scale)
        try:
            if protocol in ("TCP", "SSL"):
                with socket.create_connection((host, real_port), timeout=timeout) as sock:
                    if protocol == "SSL":
                        _unverified().wrap_socket(sock).close()
                return True
            conn: http.client.HTTPConnection = (
                http.client.HTTPSConnection(host, real_port, timeout=timeout, context=_unverified())
                if protocol == "HTTPS" else http.client.HTTPConnection(host, real_port, timeout=timeout))
            try:
                conn.request("GET", path, headers={"Host": f"{agent}:{port}", "User-Agent": "ELB-HealthChecker/1.0"})
                return conn.getresponse().status == 200
            finally:
                conn.close()
        except (OSError, http.client.HTTPException, ssl.SSLError):
            return False

    # -- forwarding ----------------------------------------------------------------------------

    def _handler(self, elb: str, port: int) -> Callable[[Request], Reply]:
        def handle(req: Request) -> Reply:
            with self.lock:
                lb = self.balancers.get(elb)
                listener = lb.listeners.get(port) if lb else None
                healthy = [i for i in lb.instances if lb.health.get(i, Health()).healthy] if lb else []
                turn = next(lb.turn) if lb else 0
            if listener is None or not healthy:
                return Reply.text(503, NO_HEALTHY)
            instance = healthy[turn % len(healthy)]
            agent = self.agent_of(instance)
            if agent is None:
                return Reply.text(503, NO_HEALTHY)
            forwarded = req.header("X-Forwarded-For")
            extra = [("X-Forwarded-For", f"{forwarded}, {req.client[0]}" if forwarded else req.client[0]),
                     ("X-Forwarded-Proto", "https" if listener.protocol == "HTTPS" else "http"),
                     ("X-Forwarded-Port", str(port))]
            try:
                return forward(*self.traffic.net.endpoint(agent, listener.instance_port), req, extra)
            except OSError:
                return Reply.text(502, "502 Bad Gateway\n")

        return handle


def _unverified() -> ssl.SSLContext:
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def _strip(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(el: ET.Element, name: str) -> list[ET.Element]:
    return [c for c in el if _strip(c.tag) == name]


def _all(el: ET.Element, path: str) -> list[ET.Element]:
    found = [el]
    for part in path.split("/"):
        found = [c for f in found for c in _children(f, part)]
    return found


def _one(el: ET.Element, path: str) -> ET.Element | None:
    found = _all(el, path)
    return found[0] if found else None


def _text(el: Any, path: str) -> str:
    if el is None:
        return ""
    found = _one(el, path)
    return (found.text or "").strip() if found is not None else ""
