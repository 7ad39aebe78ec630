"""`avictl status` asks every system at once: with 1 s of latency on each, ~ the slowest chain, not the sum.

python bench/status_fanout.py [--latency 1.0] [--runs 3]

Starts the Marathon, Mesos master and controller stand-ins and moto's server (behind a small
proxy that adds the latency to every AWS call), adds `--latency` seconds to every request
avictl makes to each system, and times side by side in one run:

- `avictl status -o json` as a real CLI process (start-up, password command, login included);
- the same checks in this process, concurrently (ops.doctor.run_checks, what `status` runs);
- the same checks one after another (the sum a sequential doctor would take).

Latency is added only to the requests avictl sends (Marathon /v2/info, the Mesos master's
state, every controller and AWS call), not to the controller stand-in's own reads of
Marathon and Mesos, so the figures are avictl's.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import Future
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def latency_proxy(target: str, latency: float) -> ThreadingHTTPServer:
    """An HTTP proxy to `target` (moto) that waits `latency` seconds before each request."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def _forward(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            time.sleep(latency)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
            req = urllib.request.Request(target + self.path, data=body or None, method=self.command, headers=headers)
            try:
                with urllib.request.urlopen(req, timeout=30) as resp:
                    status, rheaders, payload = resp.status, resp.headers.items(), resp.read()
            except urllib.error.HTTPError as err:
                status, rheaders, payload = err.code, err.headers.items(), err.read()
            self.send_response(status)
            for k, v in rheaders:
                if k.lower() not in ("content-length", "transfer-encoding", "connection", "server", "date"):
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_DELETE = _forward

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def run_checks_sequentially(checks: list) -> list:
    from avictl.ops import doctor

    ctx = doctor.Context()
    results = []
    for check in checks:
        result = doctor._run_one(check, ctx)
        done: Future = Future()
        done.set_result(result)
        ctx.futures[check.name] = done
        results.append(result)
    return results


def make_checks():
    from avictl.cli.context import Context
    from avictl.ops.checks import Links, base_checks

    st = Context()
    s = st.settings
    links = Links(marathon=st.marathon, mesos=st.mesos, avi=st.avi, aws=st.aws, elb=s.elb)
    return st, base_checks(links)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    from avictl.lab import aws as aws_lab
    from avictl.lab.avi import AviLab
    from avictl.lab.marathon import MarathonLab
    from avictl.lab.marathon.model import AGENTS
    from avictl.lab.mesos import MesosLab
    from avictl.lab.tls import make_ca_and_cert, server_context

    tmp = Path(tempfile.mkdtemp(prefix="avictl-bench-"))
    ca, cert, key = make_ca_and_cert(tmp / "tls")
    marathon = MarathonLab("1.5.0").start()
    mesos = MesosLab("1.4.0", [{"hostname": h} for h, _ in AGENTS], marathon_url=marathon.url).start()
    avi = AviLab(marathon.url, "22.1", tls=server_context(cert, key), mesos_url=mesos.url,
                 sync_interval=3600).start()
    moto, endpoint = aws_lab.start_server()
    world = aws_lab.build_world(endpoint, "us-east-1", marathon_url=marathon.url, controller_url=avi.url)
    proxy = latency_proxy(endpoint, args.latency)
    env = {
        "MARATHON_URL": marathon.url, "MESOS_MASTER_URL": mesos.url, "AVI_CONTROLLER": avi.url,
        "AVI_USERNAME": avi.username, "AVI_PASSWORD": avi.password, "AVI_CA_BUNDLE": ca,
        "AVICTL_ELB": world["elb_name"], "AWS_ENDPOINT_URL": f"http://127.0.0.1:{proxy.server_address[1]}",
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true", "AVICTL_CONFIG": str(tmp / "config.toml"),
        "AVICTL_CACHE_DIR": str(tmp / "cache"),
    }
    os.environ.update(env)
    # the controller reads its Mesos master and Marathon once, before the latency is on
    urllib.request.urlopen(f"{mesos.url}/master/slaves").close()
    marathon.add_fault(count=0, path=r"^/v2/info", latency=args.latency)
    mesos.add_fault(count=0, path=r"^/master/state", latency=args.latency)
    avi.add_fault(count=0, latency=args.latency)

    cli_times, par_times, seq_times = [], [], []
    rows: list = []
    for _ in range(args.runs):
        start = time.monotonic()
        proc = subprocess.run([sys.executable, "-m", "avictl", "status", "-o", "json"], capture_output=True,
                              env={**os.environ}, cwd=ROOT, timeout=300)
        cli_times.append(time.monotonic() - start)
        rows = json.loads(proc.stdout or b"[]")
        if proc.returncode != 0:
            print(proc.stderr.decode(), file=sys.stderr)

        from avictl.ops import doctor

        st, checks = make_checks()
        start = time.monotonic()
        doctor.run_checks(checks)
        par_times.append(time.monotonic() - start)
        st.close()
        st, checks = make_checks()
        start = time.monotonic()
        run_checks_sequentially(checks)
        seq_times.append(time.monotonic() - start)
        st.close()

    cli, par, seq = (statistics.median(t) for t in (cli_times, par_times, seq_times))
    print(f"latency {args.latency:g} s per request on Marathon, the Mesos master, the controller and AWS; "
          f"median of {args.runs} runs")
    print(f"{'':34}{'seconds':>8}  {'vs sequential':>13}")
    print(f"{'avictl status (CLI process)':34}{cli:8.2f}  {seq / cli:12.1f}x")
    print(f"{'checks concurrently (status)':34}{par:8.2f}  {seq / par:12.1f}x")
    print(f"{'checks one after another':34}{seq:8.2f}  {1:12.1f}x")
    print("rows: " + ", ".join(f"{r['check']} {r['seconds']:.1f}s{'' if r['ok'] else ' FAIL'}" for r in rows))

    for server in (avi, mesos, marathon):
        server.stop()
    proxy.shutdown()
    moto.stop()


if __name__ == "__main__":
    main()
