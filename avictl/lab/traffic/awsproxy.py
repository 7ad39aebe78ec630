"""The lab's AWS endpoint: moto's server, with instance health from the ELB front's own checks.

moto answers `DescribeInstanceHealth` with InService for every running instance, whatever
listens on it. In a lab that carries traffic that would be a lie the product could not see
through (`elb health`, deploy's wait for instances in service), so this thin proxy passes
every request to moto unchanged and, in the answers to `DescribeInstanceHealth`, puts the
state the front's health checks found, in the shape botocore's model documents
(InstanceState: `State` InService | OutOfService, `ReasonCode` Instance, `Description`
"Instance has not passed the configured HealthyThreshold number of health checks
consecutively." / "Instance has failed at least the UnhealthyThreshold number of health
checks consecutively.").
"""

from __future__ import annotations

import http.client
import re
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from ..base import LabServer, Request, Response

DROP = {"connection", "keep-alive", "transfer-encoding", "content-length", "server", "date"}
MEMBER = re.compile(r"<member>(.*?)</member>", re.S)


class AwsProxy(LabServer):
    name = "aws"

    def __init__(self, moto_url: str, front: Any = None, host: str = "127.0.0.1", port: int = 0):
        super().__init__(host, port)
        parts = urlsplit(moto_url)
        self.moto = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.front = front

    def handle(self, req: Request) -> Response:
        query = urlencode([(k, v) for k, vs in req.query.items() for v in vs])
        target = req.path + (f"?{query}" if query else "")
        conn = http.client.HTTPConnection(*self.moto, timeout=60)
        try:
            headers = {k: v for k, v in req.headers.items() if k not in ("connection", "content-length")}
            conn.request(req.method, target, body=req.body or None, headers=headers)
            resp = conn.getresponse()
            body = resp.read()
            status, out_headers = resp.status, [(k, v) for k, v in resp.getheaders() if k.lower() not in DROP]
        except OSError as exc:
            return Response.text(f"moto is unreachable: {exc}", 502)
        finally:
            conn.close()
        params = _params(req)
        if status == 200 and params.get("Action") == "DescribeInstanceHealth" and self.front is not None:
            body = self._health(params.get("LoadBalancerName", ""), body)
        return Response(status, body, out_headers)

    def _health(self, elb: str, body: bytes) -> bytes:
        states = self.front.instance_details(elb)
        text = body.decode("utf-8")

        def fix(m: re.Match[str]) -> str:
            member = m.group(1)
            found = re.search(r"<InstanceId>([^<]*)</InstanceId>", member)
            seen = states.get(found.group(1)) if found else None
            if seen is None or "<State>InService</State>" not in member:
                return m.group(0)  # not checked by the front, or out of service in EC2 already
            state, reason, description = seen
            for tag, value in (("State", state), ("ReasonCode", reason), ("Description", description)):
                member = re.sub(rf"<{tag}>[^<]*</{tag}>", f"<{tag}>{value}</{tag}>", member)
            return f"<member>{member}</member>"

        return MEMBER.sub(fix, text).encode("utf-8")


def _params(req: Request) -> dict[str, str]:
    params = {k: v[-1] for k, v in req.query.items()}
    if req.method == "POST" and "x-www-form-urlencoded" in (req.header("content-type") or ""):
        try:
            params.update({k: v[-1] for k, v in parse_qs(req.body.decode("utf-8")).items()})
        except UnicodeDecodeError:
            pass
    return params

