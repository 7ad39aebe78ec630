"""Listings at scale, avictl against the clients it replaces, side by side in one run.

Starts the cheap pre-rendered stand-ins of bench/standin.py (an HTTPS controller and a plain
HTTP Marathon / Mesos master, each adding a fixed latency to every request), then runs every
contender as a process of its own and reads its wall time, CPU (user + sys, from the kernel's
accounting of that process: wait4) and peak RSS:

- `avictl -o jsonl vs list` over N virtual services (and again with PYTHONUNBUFFERED=1);
- a requests.Session script following `next` with the controller's default page size (25),
  and the same with `page_size=200` (bench/follower.py): full objects, no VIP reads — less
  work than avictl;
- `avictl -o jsonl app list` over the Marathon apps, `se list` and `node list` over the nodes
  (when this avictl has those commands);
- avictl's peak RSS for `vs list -o jsonl` at a second, larger size (memory must stay flat).

Each contender runs `--runs` times (default 3) after one warm-up run; the best wall time is
kept with its CPU. avictl's session is cached by the warm-up, as it is for an operator.

    .venv/bin/python bench/scale.py                       # 10,000 VSs, 5,000 apps, 1,000 nodes, 20 ms
    .venv/bin/python bench/scale.py --vs 2000 --big 0 --runs 1
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from measure import Run, best, measure  # noqa: E402


def start_standin(tmp: str, *args: str) -> tuple[subprocess.Popen, dict]:
    proc = subprocess.Popen([sys.executable, str(HERE / "standin.py"), tmp, *args], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE)
    return proc, json.loads(proc.stdout.readline())


def avictl_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("avictl")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "avictl"]


def has_command(env: dict, *words: str) -> bool:
    return subprocess.run([*avictl_cmd(), *words, "--help"], env=env, capture_output=True).returncode == 0


def runs(argv: list[str], env: dict, n: int, expect: int | None = None) -> Run:
    warm = measure(argv, env)
    if warm.code != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({warm.code}): {warm.stderr}")
    got = best([measure(argv, env) for _ in range(n)])
    if expect is not None and got.lines != expect:
        raise SystemExit(f"{' '.join(argv)}: {got.lines} lines, expected {expect}")
    return got


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--vs", type=int, default=10_000)
    p.add_argument("--big", type=int, default=50_000, help="second size for the memory check (0: skip)")
    p.add_argument("--apps", type=int, default=5_000)
    p.add_argument("--nodes", type=int, default=1_000)
    p.add_argument("--latency", type=float, default=0.020)
    p.add_argument("--runs", type=int, default=3)
    a = p.parse_args()

    tmp = tempfile.mkdtemp(prefix="avictl-bench-")
    avi, info = start_standin(os.path.join(tmp, "avi"), "--vs", str(a.vs), "--nodes", str(a.nodes),
                              "--latency", str(a.latency))
    plain, pinfo = start_standin(os.path.join(tmp, "plain"), "--vs", "0", "--apps", str(a.apps), "--nodes",
                                 str(a.nodes), "--latency", str(a.latency), "--plain")
    procs = [avi, plain]
    try:
        # As installed software runs: modules byte-compiled once (a warm-up writes the caches),
        # output block-buffered unless a row asks for PYTHONUNBUFFERED.
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AVI_", "AVICTL_", "MARATHON_", "MESOS_"))
               and k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED")}
        env.update(AVI_CONTROLLER=info["url"], AVI_USERNAME=info["username"], AVI_PASSWORD=info["password"],
                   AVI_CA_BUNDLE=info["ca"], AVICTL_CONFIG=os.path.join(tmp, "config.toml"),
                   AVICTL_CACHE_DIR=os.path.join(tmp, "cache"), HOME=tmp, XDG_STATE_HOME=os.path.join(tmp, "state"))
        print(f"stand-ins: {a.vs:,} virtual services (HTTPS), {a.apps:,} apps, {a.nodes:,} nodes; "
              f"{a.latency * 1000:.0f} ms added per request; best of {a.runs} after a warm-up; "
              f"load average {load()} on {os.cpu_count()} cores\n")
        rows: list[tuple[str, Run, Run | None]] = []
        vs = runs([*avictl_cmd(), "-o", "jsonl", "vs", "list"], env, a.runs, a.vs)
        rows.append(("avictl -o jsonl vs list", vs, None))
        unbuffered = runs([*avictl_cmd(), "-o", "jsonl", "vs", "list"], {**env, "PYTHONUNBUFFERED": "1"}, a.runs,
                          a.vs)
        rows.append(("  the same, PYTHONUNBUFFERED=1", unbuffered, None))
        follower = [sys.executable, str(HERE / "follower.py"), info["url"], info["ca"], info["username"],
                    info["password"]]
        f25 = runs(follower, env, a.runs)
        f200 = runs([*follower, "200"], env, a.runs)
        rows.append(("follower, default page size (requests.Session)", f25, vs))
        rows.append(("follower, page_size=200 (requests.Session)", f200, vs))

        menv = {**env, "MARATHON_URL": pinfo["url"], "MESOS_MASTER_URL": pinfo["url"]}
        listings = [("avictl -o jsonl app list", ["app", "list"], a.apps)]
        if has_command(menv, "se", "list"):
            listings.append(("avictl -o jsonl se list", ["se", "list"], a.nodes))
        if has_command(menv, "node", "list"):
            listings.append(("avictl -o jsonl node list", ["node", "list"], a.nodes))
        for label, words, count in listings:
            rows.append((label, runs([*avictl_cmd(), "-o", "jsonl", *words], menv, a.runs, count), None))

        print(f"load average at the end: {load()}\n")
        width = max(len(r[0]) for r in rows)
        print(f"{'client':<{width}}  {'wall s':>7}  {'cpu s':>6}  {'rss MiB':>7}  {'avictl is':>9}")
        for label, run, against in rows:
            ratio = f"{run.wall / against.wall:8.1f}x" if against else ""
            print(f"{label:<{width}}  {run.wall:7.2f}  {run.cpu:6.2f}  {run.maxrss_mib:7.1f}  {ratio:>9}")

        if a.big and a.big > a.vs:
            avi.stdin.close()
            avi.wait()
            avi, info = start_standin(os.path.join(tmp, "avi-big"), "--vs", str(a.big), "--latency", str(a.latency))
            procs[0] = avi
            big_env = {**env, "AVI_CONTROLLER": info["url"], "AVI_CA_BUNDLE": info["ca"]}
            big = runs([*avictl_cmd(), "-o", "jsonl", "vs", "list"], big_env, 1, a.big)
            print(f"\nmemory of avictl -o jsonl vs list (peak RSS): {a.vs:,} VSs {vs.maxrss_mib:.1f} MiB, "
                  f"{a.big:,} VSs {big.maxrss_mib:.1f} MiB ({big.wall:.2f} s wall, {big.cpu:.2f} s CPU)")
    finally:
        for proc in procs:
            if proc.stdin and not proc.stdin.closed:
                proc.stdin.close()
            proc.wait(timeout=30)


if __name__ == "__main__":
    main()
