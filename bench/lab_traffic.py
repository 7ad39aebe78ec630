"""What a lab carrying traffic costs: sockets and threads with N apps × M tasks, and a GET's latency.

Starts the Marathon and Avi stand-ins on the lab's network, moto's AWS world and the ELB
front in this process (as `avictl lab up` does in its own), posts the apps, retargets the
ELB at the first app's service port, then counts this process's threads and sockets and
times GETs through the front and straight to a task.

    python bench/lab_traffic.py [--apps 2] [--tasks 2] [--gets 200]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import threading
import time
import urllib.request
from collections import Counter


def sockets() -> Counter:
    inodes = set()
    for fd in os.listdir("/proc/self/fd") if os.path.isdir("/proc/self/fd") else []:
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:  # the directory's own descriptor, gone already
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    kinds: Counter = Counter()
    for table in ("tcp", "tcp6", "unix"):
        try:
            lines = open(f"/proc/net/{table}").read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            f = line.split()
            inode = f[9] if table != "unix" else f[6]
            if inode in inodes:
                kinds["unix" if table == "unix" else ("listen" if f[3] == "0A" else "connected")] += 1
    kinds["total"] = len(inodes)
    return kinds


def get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as resp:
        return resp.read()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--apps", type=int, default=2)
    parser.add_argument("--tasks", type=int, default=2)
    parser.add_argument("--gets", type=int, default=200)
    args = parser.parse_args()

    import boto3

    from avictl.lab import aws as aws_lab
    from avictl.lab.avi import AviLab
    from avictl.lab.marathon import MarathonLab
    from avictl.lab.traffic import Traffic
    from avictl.lab.traffic.front import ElbFront

    base_threads, base_sockets = threading.active_count(), sockets()["total"]
    moto, endpoint = aws_lab.start_server()
    world = aws_lab.build_world(endpoint)
    after_moto_threads, after_moto_sockets = threading.active_count(), sockets()["total"]
    traffic = Traffic()
    marathon = MarathonLab(deploy_seconds=0.2, traffic=traffic).start()
    avi = AviLab(marathon.url, traffic=traffic, sync_interval=0.2).start()
    front = ElbFront(traffic, endpoint, "us-east-1", dict(zip(world["instance_ids"], traffic.agents))).start()
    try:
        for i in range(args.apps):
            body = json.dumps({"id": f"/web{i}", "cmd": "serve", "instances": args.tasks}).encode()
            urllib.request.urlopen(urllib.request.Request(f"{marathon.url}/v2/apps", data=body,
                                                          headers={"Content-Type": "application/json"})).read()
        deadline = time.monotonic() + 30
        while len(avi.engines.listening()) < args.apps * len(traffic.agents) and time.monotonic() < deadline:
            time.sleep(0.1)
        port = min(p for _, p in avi.engines.listening())
        elb = boto3.client("elb", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="t",
                           aws_secret_access_key="t")
        elb.delete_load_balancer_listeners(LoadBalancerName=world["elb_name"], LoadBalancerPorts=[80])
        elb.create_load_balancer_listeners(LoadBalancerName=world["elb_name"], Listeners=[
            {"Protocol": "HTTP", "LoadBalancerPort": 80, "InstanceProtocol": "HTTP", "InstancePort": port}])
        elb.configure_health_check(LoadBalancerName=world["elb_name"], HealthCheck={
            "Target": f"HTTP:{port}/", "Interval": 5, "Timeout": 2, "UnhealthyThreshold": 2, "HealthyThreshold": 2})
        url = front.url(world["elb_name"])
        while time.monotonic() < deadline:
            try:
                get(url)
                break
            except OSError:
                time.sleep(0.1)
        task = json.load(urllib.request.urlopen(f"{marathon.url}/v2/apps/web0/tasks"))["tasks"][0]
        direct = f"http://{task['host']}:{task['ports'][0]}/"
        timings = {}
        for name, target in (("through the ELB front and an SE", url), ("straight to a task", direct)):
            samples = []
            for _ in range(args.gets):
                start = time.perf_counter()
                get(target)
                samples.append((time.perf_counter() - start) * 1000)
            timings[name] = (statistics.median(samples), sorted(samples)[int(len(samples) * 0.95) - 1])
        counts = sockets()
        names = Counter(t.name.rstrip("0123456789_").rstrip("-") for t in threading.enumerate())
        print(f"{args.apps} apps x {args.tasks} tasks on {len(traffic.agents)} agents ({traffic.net.mode})")
        print(f"listeners: tasks {marathon.task_servers.listening()}, SE {len(avi.engines.listening())}, "
              f"front {len(front.sockets)}")
        print(f"threads: {threading.active_count()} in all; before the lab {base_threads}, "
              f"moto +{after_moto_threads - base_threads}, stand-ins and traffic "
              f"+{threading.active_count() - after_moto_threads}")
        print("  " + ", ".join(f"{n} {c}" for n, c in sorted(names.items())))
        print(f"sockets: {counts['total']} in all (listening {counts['listen']}, connected {counts['connected']}, "
              f"unix {counts['unix']}); before the lab {base_sockets}, moto's world +{after_moto_sockets - base_sockets}")
        for name, (median, p95) in timings.items():
            print(f"GET {name}: median {median:.2f} ms, p95 {p95:.2f} ms ({args.gets} requests)")
    finally:
        front.stop()
        avi.stop()
        marathon.stop()
        traffic.stop()
        moto.stop()


if __name__ == "__main__":
    main()
