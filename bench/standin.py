"""Cheap stand-ins for benchmarks: pre-rendered replies with a fixed added latency.

The lab stand-ins (avictl/lab/) model behaviour; these only answer fast, so that what a
benchmark measures is the client. Every reply body is rendered once (on its first request,
or up front for the big collections) and kept as bytes; a request costs a dict lookup, a
`sleep(latency)` in its own thread and one `sendall` of headers and body together, on a
socket with TCP_NODELAY (headers and body in two writes would stall each keep-alive reply by
Nagle plus delayed ACK, ~40 ms).

Serves, over HTTPS with its own CA (like a controller) or plain HTTP:
- an Avi Controller: `POST /login`, `GET /api/virtualservice` (pages, `fields=` honoured,
  `next` links), `GET /api/vsvip` (pages, or the `uuid=a,b,...` bulk read), `GET
  /api/virtualservice-inventory`, `GET /api/serviceengine`, `GET /api/cloud`;
- a Marathon: `GET /v2/apps` (all apps in one body, as Marathon answers), `/v2/info`, `/ping`;
- a Mesos master: `GET /master/slaves`, `/master/state`, `/version`.

    python bench/standin.py --vs 10000 --apps 5000 --nodes 1000 --latency 0.02 DIR
prints one JSON line (urls, CA file, credentials) and serves until its stdin closes.
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
USER, PASSWORD = "admin", "bench-password"
CLOUD_UUID = "cloud-6b1f0c55-0000-4000-8000-000000000001"
TENANT_UUID = "admin"


def uid(kind: str, i: int) -> str:
    return f"{kind}-{i:08x}-5b2c-4d7e-9f10-{i:012x}"


class World:
    """The objects, built once; replies rendered on first use and cached as bytes."""

    def __init__(self, base: str, vs: int, apps: int, nodes: int):
        self.base = base
        ref = f"{base}/api"
        self.vs = []
        self.vsvip = []
        for i in range(vs):
            name = f"vs-{i:06d}"
            vsvip_uuid = uid("vsvip", i)
            self.vs.append({
                "url": f"{ref}/virtualservice/{uid('virtualservice', i)}#{name}",
                "uuid": uid("virtualservice", i), "name": name, "enabled": True,
                "services": [{"port": 10000 + i % 10000, "enable_ssl": False, "port_range_end": 10000 + i % 10000}],
                "vsvip_ref": f"{ref}/vsvip/{vsvip_uuid}#{name}-vsvip",
                "pool_ref": f"{ref}/pool/{uid('pool', i)}#{name}-pool-80",
                "cloud_ref": f"{ref}/cloud/{CLOUD_UUID}#Default-Cloud", "cloud_type": "CLOUD_MESOS",
                "tenant_ref": f"{ref}/tenant/{TENANT_UUID}#admin", "east_west_placement": False,
                "application_profile_ref": f"{ref}/applicationprofile/applicationprofile-1#System-HTTP",
                "network_profile_ref": f"{ref}/networkprofile/networkprofile-1#System-TCP-Proxy",
                "se_group_ref": f"{ref}/serviceenginegroup/serviceenginegroup-1#Default-Group",
                "analytics_policy": {"full_client_logs": {"enabled": False, "duration": 30}, "metrics_realtime_update":
                                     {"enabled": False, "duration": 30}, "client_insights": "NO_INSIGHTS"},
                "max_cps_per_client": 0, "weight": 1, "delay_fairness": False, "flow_dist": "LOAD_AWARE",
                "vh_type": "VS_TYPE_VH_SNI", "type": "VS_TYPE_NORMAL", "traffic_enabled": True,
                "_last_modified": str(1700000000000000 + i),
                "runtime": {"oper_status": {"state": "OPER_UP", "last_changed_time": {"secs": 1700000000, "usecs": 0}}},
            })
            self.vsvip.append({
                "url": f"{ref}/vsvip/{vsvip_uuid}#{name}-vsvip", "uuid": vsvip_uuid, "name": f"{name}-vsvip",
                "vip": [{"vip_id": "0", "ip_address": {"addr": f"10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}",
                                                       "type": "V4"}, "enabled": True}],
                "cloud_ref": f"{ref}/cloud/{CLOUD_UUID}#Default-Cloud",
                "tenant_ref": f"{ref}/tenant/{TENANT_UUID}#admin",
            })
        self.vsvip_by_uuid = {v["uuid"]: v for v in self.vsvip}
        self.se = [{"url": f"{ref}/serviceengine/{uid('se', i)}#10.20.{i >> 8 & 255}.{i & 255}",
                    "uuid": uid("se", i), "name": f"10.20.{i >> 8 & 255}.{i & 255}",
                    "cloud_ref": f"{ref}/cloud/{CLOUD_UUID}#Default-Cloud",
                    "mgmt_vnic": {"vnic_networks": [{"ip": {"ip_addr": {"addr": f"10.20.{i >> 8 & 255}.{i & 255}",
                                                                        "type": "V4"}, "mask": 16}}]},
                    "host_ref": f"agent-{i:04d}.mesos", "version": "22.1.3-9096",
                    "se_group_ref": f"{ref}/serviceenginegroup/serviceenginegroup-1#Default-Group",
                    "virtualservice_refs": [self.vs[j]["url"] for j in range(i, min(i + 2, len(self.vs)))],
                    "mgmt_ip_address": {"addr": f"10.20.{i >> 8 & 255}.{i & 255}", "type": "V4"},
                    "enable_state": "SE_STATE_ENABLED",
                    "runtime": {"oper_status": {"state": "OPER_UP"}, "version": "22.1.3-9096",
                                "power_state": "OPER_UP"}}
                   for i in range(nodes)]
        self.apps = [{
            "id": f"/bench/app-{i:05d}", "cmd": None, "args": None, "instances": 2, "cpus": 0.1, "mem": 64.0,
            "disk": 0.0, "executor": "", "constraints": [], "uris": [], "storeUrls": [], "ports": [10000 + i % 10000],
            "requirePorts": False, "backoffSeconds": 1, "backoffFactor": 1.15, "maxLaunchDelaySeconds": 3600,
            "container": {"type": "DOCKER", "volumes": [], "docker": {
                "image": "avinetworks/server", "network": "BRIDGE", "privileged": False, "parameters": [],
                "forcePullImage": False,
                "portMappings": [{"containerPort": 80, "hostPort": 0, "servicePort": 10000 + i % 10000,
                                  "protocol": "tcp"}]}},
            "healthChecks": [{"path": "/", "protocol": "HTTP", "portIndex": 0, "gracePeriodSeconds": 300,
                              "intervalSeconds": 60, "timeoutSeconds": 20, "maxConsecutiveFailures": 3,
                              "ignoreHttp1xx": False}],
            "dependencies": [], "upgradeStrategy": {"minimumHealthCapacity": 1.0, "maximumOverCapacity": 1.0},
            "labels": {"FE-Proxy": "yes"}, "acceptedResourceRoles": None, "version": "2026-12-01T10:00:00.000Z",
            "versionInfo": {"lastScalingAt": "2026-12-01T10:00:00.000Z", "lastConfigChangeAt": "2026-12-01T10:00:00.000Z"},
            "tasksStaged": 0, "tasksRunning": 2, "tasksHealthy": 2, "tasksUnhealthy": 0, "deployments": []}
            for i in range(apps)]
        self.agents = [{
            "id": f"20150911-000000-1-{i:010d}-S{i}", "pid": f"slave(1)@10.30.{i >> 8 & 255}.{i & 255}:5051",
            "hostname": f"10.20.{i >> 8 & 255}.{i & 255}", "registered_time": 1700000000.0, "active": True,
            "resources": {"disk": 35164.0, "mem": 3455.0, "gpus": 0.0, "cpus": 2.0, "ports": "[1025-2180, 2182-3887]"},
            "used_resources": {"disk": 0.0, "mem": 128.0, "gpus": 0.0, "cpus": 0.2, "ports": "[10000-10001]"},
            "offered_resources": {"disk": 0.0, "mem": 0.0, "gpus": 0.0, "cpus": 0.0},
            "reserved_resources": {}, "unreserved_resources": {"disk": 35164.0, "mem": 3455.0, "cpus": 2.0},
            "attributes": {}, "version": "1.4.0", "capabilities": ["MULTI_ROLE"]} for i in range(nodes)]
        self.cache: dict[str, bytes] = {}
        self.lock = threading.Lock()

    # -- rendering ------------------------------------------------------------------------------

    def reply(self, method: str, target: str) -> tuple[int, bytes, list[tuple[str, str]]]:
        if method == "POST" and target.startswith("/login"):
            body = json.dumps({"user": {"username": USER, "name": USER}, "version": {
                "Version": "22.1.3", "ProductName": "Avi Cloud Controller", "build": 9096},
                "controller": {"api_idle_timeout": 15}, "session_cookie_name": "avi-sessionid"}).encode()
            return 200, body, [("Set-Cookie", "csrftoken=benchcsrf; Path=/"),
                               ("Set-Cookie", "avi-sessionid=benchsession; Path=/; HttpOnly")]
        body = self.cache.get(target)
        if body is None:
            body = self.render(target)
            if body is None:
                return 404, b'{"error": "not found"}', []
            with self.lock:
                self.cache[target] = body
        return 200, body, []

    def render(self, target: str) -> bytes | None:
        parts = urlsplit(target)
        query = dict(parse_qsl(parts.query))
        path = parts.path.rstrip("/")
        if path in ("/v2/apps",):
            return json.dumps({"apps": self.apps}).encode()
        if path == "/v2/info":
            return json.dumps({"name": "marathon", "version": "1.5.0", "leader": "127.0.0.1:8080",
                               "frameworkId": "bench", "elected": True}).encode()
        if path == "/ping":
            return b"pong"
        if path in ("/master/slaves",):
            return json.dumps({"slaves": self.agents, "recovered_slaves": []}).encode()
        if path in ("/master/state", "/master/state.json"):
            return json.dumps({"version": "1.4.0", "leader": "master@127.0.0.1:5050", "slaves": self.agents,
                               "activated_slaves": len(self.agents), "deactivated_slaves": 0,
                               "frameworks": []}).encode()
        if path == "/version":
            return json.dumps({"version": "1.4.0", "build_time": 1500000000}).encode()
        collections = {"/api/virtualservice": self.vs, "/api/vsvip": self.vsvip, "/api/serviceengine": self.se,
                       "/api/virtualservice-inventory": None, "/api/serviceengine-inventory": None,
                       "/api/cloud": []}
        if path not in collections:
            return None
        if path == "/api/vsvip" and "uuid" in query:
            items = [self.vsvip_by_uuid[u] for u in query["uuid"].split(",") if u in self.vsvip_by_uuid]
            return json.dumps({"count": len(items), "results": [self.fields(o, query) for o in items]}).encode()
        items = collections[path]
        if items is None:  # the inventories: config and runtime apart
            source = self.vs if path == "/api/virtualservice-inventory" else self.se
            items = [{"uuid": o["uuid"], "config": {k: v for k, v in o.items() if k != "runtime"},
                      "runtime": o["runtime"]} for o in source]
        size = int(query.get("page_size", 25))
        page = int(query.get("page", 1))
        chunk = items[(page - 1) * size: page * size]
        out = {"count": len(items), "results": [self.fields(o, query) for o in chunk]}
        if page * size < len(items):
            out["next"] = f"{self.base}{path}?{urlencode({**query, 'page': page + 1})}"
        return json.dumps(out).encode()

    @staticmethod
    def fields(obj: dict, query: dict) -> dict:
        wanted = query.get("fields")
        if not wanted:
            return obj
        keep = set(wanted.split(",")) | {"url", "uuid", "name"}  # always returned (swagger, `fields`)
        return {k: v for k, v in obj.items() if k in keep}

    def warm(self) -> None:
        """Render the listing pages every contender asks for, so no first run pays for them."""
        for size in (25, 100, 200):
            for page in range(1, len(self.vs) // size + 2):
                self.reply("GET", f"/api/virtualservice?page={page}&page_size={size}")
        self.reply("GET", "/v2/apps")
        self.reply("GET", "/master/slaves")
        self.reply("GET", "/master/state")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    world: World
    latency: float

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, *args: object) -> None:
        pass

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        if self.latency:
            time.sleep(self.latency)
        status, body, extra = self.world.reply(self.command, self.path)
        head = [f"HTTP/1.1 {status} {'OK' if status == 200 else 'Not Found'}",
                "Content-Type: application/json", f"Content-Length: {len(body)}"]
        head += [f"{k}: {v}" for k, v in extra]
        self.wfile.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)

    do_GET = do_POST = do_PUT = _answer


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128


def start(world_args: dict, latency: float, tls_dir: str | None) -> tuple[Server, str, str | None]:
    ca = None
    server = Server(("127.0.0.1", 0), type("H", (Handler,), {"latency": latency}))
    scheme = "http"
    if tls_dir:
        sys.path.insert(0, str(ROOT))
        from avictl.lab.tls import make_ca_and_cert, server_context

        ca, cert, key = make_ca_and_cert(tls_dir)
        server.socket = server_context(cert, key).wrap_socket(server.socket, server_side=True)
        scheme = "https"
    base = f"{scheme}://127.0.0.1:{server.server_address[1]}"
    server.RequestHandlerClass.world = World(base, **world_args)
    server.RequestHandlerClass.world.warm()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, base, ca


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("dir")
    p.add_argument("--vs", type=int, default=10_000)
    p.add_argument("--apps", type=int, default=0)
    p.add_argument("--nodes", type=int, default=0)
    p.add_argument("--latency", type=float, default=0.020)
    p.add_argument("--plain", action="store_true", help="HTTP instead of HTTPS")
    a = p.parse_args()
    server, base, ca = start({"vs": a.vs, "apps": a.apps, "nodes": a.nodes}, a.latency, None if a.plain else a.dir)
    print(json.dumps({"url": base, "ca": ca, "username": USER, "password": PASSWORD}), flush=True)
    sys.stdin.read()
    server.shutdown()


if __name__ == "__main__":
    main()
