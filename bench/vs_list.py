"""`vs list` at scale: avictl against clients that follow `next` one page at a time.

Starts the controller stand-in (HTTPS, 22.1) in its own process, seeds it with synthetic
virtual services, adds a fixed latency to every API request, then measures side by side:

- `avictl -o jsonl vs list` (a real CLI process: login or cached session, page_size=200,
  pages 2..N fetched 8 at a time, runtime joined, VIPs read in bulk per page);
- a naive client following `next` with the controller's default page size (25), the way
  a script built on the official SDK's `get('virtualservice')` + `next` does;
- the same naive client with page_size=200 (large pages, still one at a time);
- avisdk's own `ApiSession.get_objects_iter` (its default page_size=100), when installed.

The naive clients get only the VS pages (no VIP reads), i.e. strictly less work than avictl,
but full objects (avictl asks for the fields it shows). Every contender runs twice and keeps
its better time (the first run warms the stand-in's cache of rendered objects).
It then reports avictl's peak RSS for `-o jsonl` at two sizes (default 10,000 and 50,000).

    .venv/bin/python bench/vs_list.py                 # 10,000 VSs, 20 ms, memory at 10k and 50k
    .venv/bin/python bench/vs_list.py --count 2000 --big 0 --latency 0.02
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


# -- the stand-in, in a process of its own ----------------------------------------------------


def serve(directory: str, version: str) -> None:
    from avictl.lab.avi import AviLab
    from avictl.lab.tls import make_ca_and_cert, server_context

    ca, cert, key = make_ca_and_cert(directory)
    lab = AviLab(version=version, tls=server_context(cert, key)).start()
    print(json.dumps({"url": lab.url, "ca": ca, "username": lab.username, "password": lab.password}), flush=True)
    sys.stdin.read()  # until the parent closes our stdin
    lab.stop()


def admin(url: str, ca: str, what: str, body: dict) -> dict:
    import httpx

    r = httpx.post(f"{url}/_lab/{what}", json=body, verify=ca, timeout=600)
    r.raise_for_status()
    return r.json() if r.content else {}


# -- the contenders ---------------------------------------------------------------------------


def run_avictl_measured(args: list[str]) -> None:
    """Run avictl in this process, then report its peak RSS on stderr (one process per measurement)."""
    import resource

    from avictl.cli.main import run

    traced = os.environ.get("BENCH_TRACEMALLOC") == "1"
    if traced:
        import tracemalloc

        tracemalloc.start()
    code = run(args)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if traced:
        peak_kb = tracemalloc.get_traced_memory()[1] // 1024
    sys.stderr.write(f"\nBENCH maxrss_kb={peak_kb}\n")
    sys.exit(code)


def time_avictl(env: dict[str, str], traced: bool = False) -> tuple[float, int, int]:
    """(seconds, lines printed, peak KiB: process RSS, or the Python heap's peak when `traced`)."""
    if traced:
        env = {**env, "BENCH_TRACEMALLOC": "1"}
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, __file__, "--run-avictl", "--", "-o", "jsonl", "vs", "list"],
                          env=env, capture_output=True, cwd=ROOT)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"avictl failed: {proc.stderr.decode()[-2000:]}")
    lines = proc.stdout.count(b"\n")
    peak = int(proc.stderr.decode().rsplit("maxrss_kb=", 1)[1].split()[0])
    return elapsed, lines, peak


def time_naive(info: dict, page_size: int | None) -> tuple[float, int, int]:
    """Log in, then GET the collection and follow `next` until it is absent; one request at a time."""
    import httpx

    start = time.perf_counter()
    client = httpx.Client(base_url=info["url"], verify=info["ca"], timeout=60)
    client.post("/login", json={"username": info["username"], "password": info["password"]}).raise_for_status()
    headers = {"X-Avi-Version": "22.1.3", "X-Avi-Tenant": "admin"}
    params = {"join_subresources": "runtime", "include_name": "true"}
    if page_size:
        params["page_size"] = str(page_size)
    url: str | None = "/api/virtualservice"
    seen = requests = 0
    while url:
        r = client.get(url, params=params if requests == 0 else None, headers=headers)
        r.raise_for_status()
        data = r.json()
        requests += 1
        seen += len(data["results"])
        url = data.get("next")
    client.close()
    return time.perf_counter() - start, seen, requests


def time_sdk(info: dict) -> tuple[float, int] | None:
    try:
        from avi.sdk.avi_api import ApiSession
    except ImportError:
        return None
    import logging
    import warnings

    logging.getLogger("avi").setLevel(logging.ERROR)
    for var in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        os.environ.pop(var, None)  # requests would let these override the session's CA
    host, port = info["url"].split("://", 1)[1].rsplit(":", 1)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        session = ApiSession(controller_ip=host, port=int(port), username=info["username"],
                             password=info["password"], api_version="22.1.3", verify=info["ca"])
        seen = sum(1 for _ in session.get_objects_iter("virtualservice", params={"join_subresources": "runtime"}))
    ApiSession.clear_cached_sessions()
    return time.perf_counter() - start, seen


# -- main ---------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000, help="virtual services to seed (default 10000)")
    parser.add_argument("--big", type=int, default=50_000, help="second size for the memory check (0: skip)")
    parser.add_argument("--latency", type=float, default=0.020, help="added latency per request, s (default 0.020)")
    parser.add_argument("--version", default="22.1", help="controller version to emulate (default 22.1)")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="avictl-bench-")
    server = subprocess.Popen([sys.executable, __file__, "--serve", tmp, args.version], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, cwd=ROOT)
    try:
        info = json.loads(server.stdout.readline())
        admin(info["url"], info["ca"], "seed", {"count": args.count})
        if args.latency:
            admin(info["url"], info["ca"], "faults", {"count": 0, "path": "^/(api|login)", "latency": args.latency})
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AVI_", "AVICTL_", "MARATHON_"))}
        env.update(AVI_CONTROLLER=info["url"], AVI_USERNAME=info["username"], AVI_PASSWORD=info["password"],
                   AVI_CA_BUNDLE=info["ca"], AVICTL_CONFIG=os.path.join(tmp, "config.toml"),
                   AVICTL_CACHE_DIR=os.path.join(tmp, "cache"), PYTHONPATH=str(ROOT))

        print(f"controller stand-in {args.version} over HTTPS, {args.count:,} virtual services, "
              f"{args.latency * 1000:.0f} ms added per request\n")
        # Each contender runs twice and keeps its better time: the first run also warms the
        # stand-in's cache of rendered objects (a real controller keeps no such handicap either).
        t_avictl, n_avictl, peak_small = min(time_avictl(env) for _ in range(2))
        t_naive25, n_naive25, r25 = min(time_naive(info, None) for _ in range(2))
        t_naive200, n_naive200, r200 = min(time_naive(info, 200) for _ in range(2))
        sdk = min((time_sdk(info) for _ in range(2)), key=lambda r: r[0] if r else 0)
        assert n_avictl == n_naive25 == n_naive200 == args.count, (n_avictl, n_naive25, n_naive200)

        rows = [("avictl -o jsonl vs list (page_size=200, 8 concurrent, VIPs+runtime)", t_avictl, None),
                (f"naive: follow next, default page size 25 ({r25} requests)", t_naive25, t_naive25 / t_avictl),
                (f"naive: follow next, page_size=200 ({r200} requests)", t_naive200, t_naive200 / t_avictl)]
        if sdk:
            rows.append(("avisdk ApiSession.get_objects_iter (page_size=100)", sdk[0], sdk[0] / t_avictl))
        width = max(len(r[0]) for r in rows)
        print(f"{'client':<{width}}  {'seconds':>8}  {'avictl is':>10}")
        for label, secs, ratio in rows:
            print(f"{label:<{width}}  {secs:8.2f}  {'' if ratio is None else f'{ratio:8.1f}x':>10}")

        print("\nmemory of `avictl -o jsonl vs list` (process peak RSS; peak of the Python heap by tracemalloc):")
        heap_small = time_avictl(env, traced=True)[2]
        print(f"  {args.count:>7,} virtual services: RSS {peak_small / 1024:6.1f} MiB   "
              f"heap {heap_small / 1024:5.1f} MiB")
        if args.big and args.big > args.count:
            admin(info["url"], info["ca"], "seed", {"count": args.big - args.count})
            t_big, n_big, peak_big = min(time_avictl(env) for _ in range(2))
            assert n_big == args.big, n_big
            heap_big = time_avictl(env, traced=True)[2]
            print(f"  {args.big:>7,} virtual services: RSS {peak_big / 1024:6.1f} MiB   heap {heap_big / 1024:5.1f} MiB"
                  f"   ({t_big:.1f} s)")
    finally:
        server.stdin.close()
        server.wait(timeout=30)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--serve":
        serve(sys.argv[2], sys.argv[3])
    elif len(sys.argv) > 1 and sys.argv[1] == "--run-avictl":
        run_avictl_measured(sys.argv[3:] if sys.argv[2:3] == ["--"] else sys.argv[2:])
    else:
        main()
