"""The lab's AWS endpoint: a recording proxy in front of moto's server that answers what moto
does not model the way AWS does.

Every request is forwarded to moto and logged (`GET /_lab/requests`; `GET /_lab/actions` gives
the API actions alone, so a test proves that a dry run sent no write). The proxy answers
these itself, from botocore's service models (botocore/data/elbv2/2015-12-01/service-2.json,
botocore/data/elb/2012-06-01/service-2.json):

- ELBv2 targets are (Id, Port) pairs: "You can register each EC2 instance or IP address with
  the same target group multiple times using different ports" (RegisterTargets) — moto keys
  them by Id alone, so a second port replaces the first.
- DescribeTargetHealth: a group that no listener or rule forwards to is not health-checked —
  its targets are `unused` / `Target.NotInUse` ("The target group is not used by any load
  balancer"); a stopped instance is `unused` / `Target.InvalidState`; a new target of a group
  in use is `initial` / `Elb.RegistrationInProgress` for `initial_seconds`; a deregistered
  target of a group in use is `draining` / `Target.DeregistrationInProgress` for the group's
  `deregistration_delay.timeout_seconds`; ports listed in `unhealthy_ports` answer
  `unhealthy` / `Target.Timeout` (the app on that port does not answer).
- DeregisterTargets of a target that is not registered succeeds ("If the specified target
  does not exist, the action returns successfully"); RegisterTargets of an instance that is
  not running is `InvalidTarget`; DeleteTargetGroup of a group an action references is
  `ResourceInUse` ("You can delete a target group if it is not referenced by any actions").
- Classic ELB backend-server policies belong to an instance port, any port:
  SetLoadBalancerPoliciesForBackendServer replaces a port's policies (an empty list removes
  them; unknown policy → `PolicyNotFound`), and DescribeLoadBalancers reports them as
  BackendServerDescriptions — moto only knows the ports of the listeners it was created with.

Admin: `POST /_lab/aws` with {"unhealthy_ports": [..], "initial_seconds": s} sets the model.
The stand-in uses boto3 against moto for what it needs to know (groups, listeners, rules,
instances); it never imports avictl's own code.
"""

from __future__ import annotations

import http.client
import re
import time
import uuid
import xml.etree.ElementTree as ET
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from .base import LabServer, Request, Response

ELBV2 = "2015-12-01"
ELB = "2012-06-01"
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


def _ns(version: str) -> str:
    return f"http://elasticloadbalancing.amazonaws.com/doc/{version}/"


class AwsProxy(LabServer):
    name = "aws"

    def __init__(self, upstream: str, host: str = "127.0.0.1", port: int = 0):
        super().__init__(host, port)
        self.upstream = upstream
        self._clients: dict[str, dict[str, Any]] = {}
        self.reset_state()

    def reset_state(self) -> None:
        with self.lock:
            # target group ARN → {(id, port): {"registered": t, "checked": t | None, "draining_until": t | None}}
            self.targets: dict[str, dict[tuple[str, int], dict[str, Any]]] = {}
            self.backend_policies: dict[str, dict[int, list[str]]] = {}  # classic ELB → port → policy names
            self.unhealthy_ports: set[int] = set()
            self.initial_seconds = 0.0

    # -- plumbing ---------------------------------------------------------------------------

    def admin_extra(self, what: str, req: Request) -> Response:
        if what == "actions":
            return Response.json([a for a in (self._action(r) for r in self.sent()) if a])
        if what == "aws" and req.method == "POST":
            body = req.json() or {}
            with self.lock:
                if "unhealthy_ports" in body:
                    self.unhealthy_ports = {int(p) for p in body["unhealthy_ports"]}
                if "initial_seconds" in body:
                    self.initial_seconds = float(body["initial_seconds"])
            return Response.json({"unhealthy_ports": sorted(self.unhealthy_ports),
                                  "initial_seconds": self.initial_seconds})
        return super().admin_extra(what, req)

    @staticmethod
    def _params(req: Request | dict[str, Any]) -> dict[str, str]:
        body = req["body"] if isinstance(req, dict) else req.body.decode("utf-8", "replace")
        query = req["query"] if isinstance(req, dict) else req.query
        params = {k: v[-1] for k, v in parse_qs(body, keep_blank_values=True).items()}
        params.update({k: v[-1] for k, v in query.items()})
        return params

    def _action(self, logged: dict[str, Any]) -> dict[str, str] | None:
        params = self._params(logged)
        if "Action" not in params:
            return None
        scope = re.search(r"Credential=[^/]+/\d+/[^/]+/([^/]+)/", logged["headers"].get("authorization", ""))
        service = scope.group(1) if scope else "?"
        if service == "elasticloadbalancing":
            service = "elbv2" if params.get("Version") == ELBV2 else "elb"
        return {"service": service, "action": params["Action"]}

    def _region(self, req: Request) -> str:
        m = re.search(r"Credential=[^/]+/\d+/([^/]+)/", req.header("authorization", "") or "")
        return m.group(1) if m else "us-east-1"

    def boto(self, region: str) -> dict[str, Any]:
        if region not in self._clients:
            import boto3

            session = boto3.session.Session(aws_access_key_id="lab", aws_secret_access_key="lab", region_name=region)
            self._clients[region] = {s: session.client(s, endpoint_url=self.upstream)
                                     for s in ("ec2", "elb", "elbv2")}
        return self._clients[region]

    def forward(self, req: Request) -> Response:
        up = urlsplit(self.upstream)
        conn = http.client.HTTPConnection(up.hostname, up.port, timeout=60)
        path = req.path + ("?" + urlencode(req.query, doseq=True) if req.query else "")
        headers = {k: v for k, v in req.headers.items() if k not in HOP_BY_HOP}
        try:
            conn.request(req.method, path, body=req.body or None, headers=headers)
            resp = conn.getresponse()
            body = resp.read()
            kept = [(k, v) for k, v in resp.getheaders() if k.lower() not in HOP_BY_HOP and k.lower() != "server"]
            return Response(resp.status, body, kept)
        finally:
            conn.close()

    def handle(self, req: Request) -> Response:
        if req.path.startswith("/moto-api/reset"):
            self.reset_state()
            self.clear_requests()
            return self.forward(req)
        params = self._params(req)
        action, version = params.get("Action"), params.get("Version")
        if version == ELBV2 and action in ("RegisterTargets", "DeregisterTargets", "DescribeTargetHealth",
                                           "DeleteTargetGroup"):
            return getattr(self, "_" + action)(req, params)
        if version == ELB and action == "SetLoadBalancerPoliciesForBackendServer":
            return self._set_backend_policies(req, params)
        if version == ELB and action == "DescribeLoadBalancers":
            return self._describe_classic(req, self.forward(req))
        if version == ELB and action == "DeleteLoadBalancer":
            with self.lock:
                self.backend_policies.pop(params.get("LoadBalancerName", ""), None)
        return self.forward(req)

    # -- replies ----------------------------------------------------------------------------

    @staticmethod
    def _reply(action: str, version: str, result: str = "") -> Response:
        body = (f'<{action}Response xmlns="{_ns(version)}"><{action}Result>{result}</{action}Result>'
                f"<ResponseMetadata><RequestId>{uuid.uuid4()}</RequestId></ResponseMetadata></{action}Response>")
        return Response(200, body.encode(), [("Content-Type", "text/xml")])

    @staticmethod
    def _error(code: str, message: str, version: str) -> Response:
        body = (f'<ErrorResponse xmlns="{_ns(version)}"><Error><Type>Sender</Type><Code>{code}</Code>'
                f"<Message>{_esc(message)}</Message></Error><RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>")
        return Response(400, body.encode(), [("Content-Type", "text/xml")])

    # -- ELBv2 targets ------------------------------------------------------------------------

    def _group(self, region: str, arn: str) -> dict[str, Any] | None:
        try:
            return self.boto(region)["elbv2"].describe_target_groups(TargetGroupArns=[arn])["TargetGroups"][0]
        except Exception:  # noqa: BLE001 - moto's TargetGroupNotFound
            return None

    def _groups_in_use(self, region: str) -> set[str]:
        """ARNs of the groups a listener's default action or a rule forwards to."""
        elbv2 = self.boto(region)["elbv2"]
        used: set[str] = set()
        for lb in elbv2.describe_load_balancers().get("LoadBalancers", []):
            for listener in elbv2.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"]).get("Listeners", []):
                actions = list(listener.get("DefaultActions", []))
                for rule in elbv2.describe_rules(ListenerArn=listener["ListenerArn"]).get("Rules", []):
                    actions += rule.get("Actions", [])
                for action in actions:
                    if action.get("TargetGroupArn"):
                        used.add(action["TargetGroupArn"])
                    for tg in (action.get("ForwardConfig") or {}).get("TargetGroups", []):
                        used.add(tg["TargetGroupArn"])
        return used

    @staticmethod
    def _members(params: dict[str, str], prefix: str = "Targets.member") -> list[dict[str, str]]:
        out: dict[int, dict[str, str]] = {}
        for key, value in params.items():
            m = re.match(rf"^{re.escape(prefix)}\.(\d+)\.(\w+)$", key)
            if m:
                out.setdefault(int(m.group(1)), {})[m.group(2)] = value
        return [out[i] for i in sorted(out)]

    def _RegisterTargets(self, req: Request, params: dict[str, str]) -> Response:
        region, arn = self._region(req), params.get("TargetGroupArn", "")
        group = self._group(region, arn)
        if group is None:
            return self._error("TargetGroupNotFound", "One or more target groups not found", ELBV2)
        targets = self._members(params)
        ids = [t["Id"] for t in targets if t["Id"].startswith("i-")]
        states = self._instance_states(region, ids)
        bad = [i for i in ids if states.get(i) != "running"]
        if bad:
            return self._error("InvalidTarget", "The following targets are not in a running state and cannot be "
                               f"registered: {', '.join(repr(i) for i in bad)}", ELBV2)
        now = time.monotonic()
        with self.lock:
            registered = self.targets.setdefault(arn, {})
            for t in targets:
                key = (t["Id"], int(t.get("Port") or group["Port"]))
                rec = registered.get(key)
                if rec is None or rec.get("draining_until") is not None:
                    registered[key] = {"registered": now, "checked": None, "draining_until": None}
        return self._reply("RegisterTargets", ELBV2)

    def _DeregisterTargets(self, req: Request, params: dict[str, str]) -> Response:
        region, arn = self._region(req), params.get("TargetGroupArn", "")
        group = self._group(region, arn)
        if group is None:
            return self._error("TargetGroupNotFound", "One or more target groups not found", ELBV2)
        in_use = arn in self._groups_in_use(region)
        delay = 0.0
        if in_use:
            attrs = self.boto(region)["elbv2"].describe_target_group_attributes(TargetGroupArn=arn)["Attributes"]
            delay = float(next((a["Value"] for a in attrs if a["Key"] == "deregistration_delay.timeout_seconds"),
                               300))
        with self.lock:
            registered = self.targets.setdefault(arn, {})
            for t in self._members(params):
                key = (t["Id"], int(t.get("Port") or group["Port"]))
                if key not in registered:
                    continue  # "If the specified target does not exist, the action returns successfully."
                if delay > 0:
                    registered[key]["draining_until"] = time.monotonic() + delay
                else:
                    del registered[key]
        return self._reply("DeregisterTargets", ELBV2)

    def _DescribeTargetHealth(self, req: Request, params: dict[str, str]) -> Response:
        region, arn = self._region(req), params.get("TargetGroupArn", "")
        group = self._group(region, arn)
        if group is None:
            return self._error("TargetGroupNotFound", "One or more target groups not found", ELBV2)
        in_use = arn in self._groups_in_use(region)
        now = time.monotonic()
        with self.lock:
            registered = self.targets.setdefault(arn, {})
            for key in [k for k, r in registered.items() if r["draining_until"] is not None
                        and (r["draining_until"] <= now or not in_use)]:
                del registered[key]
            asked = [(t["Id"], int(t.get("Port") or group["Port"])) for t in self._members(params)]
            keys = asked or list(registered)
            records = {k: dict(registered[k]) for k in keys if k in registered}
            if in_use:
                for k in records:
                    if registered[k]["checked"] is None:
                        registered[k]["checked"] = records[k]["checked"] = now
        states = self._instance_states(region, sorted({k[0] for k in keys if k[0].startswith("i-")}))
        members = []
        for target_id, port in keys:
            rec = records.get((target_id, port))
            state, reason, desc = self._health(rec, in_use, states.get(target_id), port, now)
            hc_port = group.get("HealthCheckPort") or "traffic-port"
            hc_port = str(port) if hc_port == "traffic-port" else hc_port
            th = f"<State>{state}</State>"
            if reason:
                th += f"<Reason>{reason}</Reason><Description>{_esc(desc)}</Description>"
            members.append(f"<member><Target><Id>{target_id}</Id><Port>{port}</Port></Target>"
                           f"<HealthCheckPort>{hc_port}</HealthCheckPort><TargetHealth>{th}</TargetHealth></member>")
        return self._reply("DescribeTargetHealth", ELBV2,
                           f"<TargetHealthDescriptions>{''.join(members)}</TargetHealthDescriptions>")

    def _health(self, rec: dict[str, Any] | None, in_use: bool, instance_state: str | None, port: int,
                now: float) -> tuple[str, str | None, str]:
        if rec is None:
            return "unused", "Target.NotRegistered", "Target is not registered to the target group"
        if rec["draining_until"] is not None:
            return "draining", "Target.DeregistrationInProgress", "Target deregistration is in progress"
        if not in_use:
            return "unused", "Target.NotInUse", "Target group is not configured to receive traffic from the load balancer"
        if instance_state is not None and instance_state != "running":
            return "unused", "Target.InvalidState", f"Target is in the {instance_state} state"
        if rec["checked"] is not None and now - rec["checked"] < self.initial_seconds:
            return "initial", "Elb.RegistrationInProgress", "Target registration is in progress"
        if port in self.unhealthy_ports:
            return "unhealthy", "Target.Timeout", "Request timed out"
        return "healthy", None, ""

    def _instance_states(self, region: str, ids: list[str]) -> dict[str, str]:
        if not ids:
            return {}
        try:
            reservations = self.boto(region)["ec2"].describe_instances(InstanceIds=ids)["Reservations"]
        except Exception:  # noqa: BLE001 - an unknown id: no state
            return {}
        return {i["InstanceId"]: i["State"]["Name"] for r in reservations for i in r["Instances"]}

    def _DeleteTargetGroup(self, req: Request, params: dict[str, str]) -> Response:
        region, arn = self._region(req), params.get("TargetGroupArn", "")
        if arn in self._groups_in_use(region):
            return self._error("ResourceInUse", f"Target group '{arn}' is currently in use by a listener or a rule",
                               ELBV2)
        resp = self.forward(req)
        if resp.status == 200:
            with self.lock:
                self.targets.pop(arn, None)
        return resp

    # -- classic ELB backend-server policies ------------------------------------------------------

    def _set_backend_policies(self, req: Request, params: dict[str, str]) -> Response:
        region, name = self._region(req), params.get("LoadBalancerName", "")
        elb = self.boto(region)["elb"]
        try:
            known = {p["PolicyName"] for p in elb.describe_load_balancer_policies(
                LoadBalancerName=name)["PolicyDescriptions"]}
        except Exception:  # noqa: BLE001 - moto's LoadBalancerNotFound
            return self._error("LoadBalancerNotFound", f"There is no ACTIVE Load Balancer named '{name}'", ELB)
        names = [params[k] for k in sorted((k for k in params if k.startswith("PolicyNames.member.")),
                                            key=lambda k: int(k.rsplit(".", 1)[1]))]
        missing = [n for n in names if n not in known]
        if missing:
            return self._error("PolicyNotFound", f"There is no policy with name {missing[0]} for load balancer {name}",
                               ELB)
        port = int(params.get("InstancePort") or 0)
        with self.lock:
            ports = self.backend_policies.setdefault(name, {})
            if names:
                ports[port] = names
            else:
                ports.pop(port, None)
        return self._reply("SetLoadBalancerPoliciesForBackendServer", ELB)

    def _describe_classic(self, req: Request, resp: Response) -> Response:
        if resp.status != 200 or not self.backend_policies:
            return resp
        ns = _ns(ELB)
        ET.register_namespace("", ns)
        root = ET.fromstring(resp.payload())
        for desc in root.iter(f"{{{ns}}}LoadBalancerDescriptions"):
            for member in desc.findall(f"{{{ns}}}member"):
                name = member.findtext(f"{{{ns}}}LoadBalancerName")
                for old in member.findall(f"{{{ns}}}BackendServerDescriptions"):
                    member.remove(old)
                backends = ET.SubElement(member, f"{{{ns}}}BackendServerDescriptions")
                with self.lock:
                    ports = dict(self.backend_policies.get(name or "", {}))
                for port, names in sorted(ports.items()):
                    item = ET.SubElement(backends, f"{{{ns}}}member")
                    ET.SubElement(item, f"{{{ns}}}InstancePort").text = str(port)
                    policies = ET.SubElement(item, f"{{{ns}}}PolicyNames")
                    for n in names:
                        ET.SubElement(policies, f"{{{ns}}}member").text = n
        body = ET.tostring(root, encoding="utf-8", xml_declaration=False)
        return Response(200, body, [(k, v) for k, v in resp.headers if k.lower() != "content-length"])


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
