"""How fast a wait notices the end of a deployment, and what it costs in requests.

Side by side in one run against the Marathon stand-in (deployments of 1.3 s):
- avictl's wait (`app post`, events from /v2/events plus polling),
- a naive client polling GET /v2/apps/<id> every second (what a shell loop does).
Prints the delay between the stand-in finishing a deployment and each client returning,
and the GETs each made. Run: python bench/wait.py
"""

from __future__ import annotations

import io
import json
import os
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from avictl.cli.main import run  # noqa: E402
from avictl.lab.marathon import MarathonLab  # noqa: E402

RUNS = 8


def main() -> None:
    lab = MarathonLab("1.5.0", deploy_seconds=1.3).start()
    os.environ["MARATHON_URL"] = lab.url
    os.environ["AVICTL_CONFIG"] = str(Path(tempfile.mkdtemp()) / "config.toml")
    finished: list[float] = []
    emit = lab.emit

    def spy(kind, **data):
        if kind == "deployment_success":
            finished.append(time.monotonic())
        emit(kind, **data)

    lab.emit = spy
    definition = json.loads((ROOT / "examples" / "Docker.json").read_text())
    definition.pop("healthChecks")
    path = Path(tempfile.mkdtemp()) / "app.json"
    path.write_text(json.dumps(definition))

    results = {"avictl (events + polling)": ([], []), "naive 1 s polling": ([], [])}
    for i in range(RUNS):
        finished.clear()
        lab.clear_requests()
        code = run(["app", "post", str(path), "--set", f"id=/bench-a{i}"], stdout=io.StringIO(), stderr=io.StringIO())
        done = time.monotonic()
        assert code == 0 and finished
        results["avictl (events + polling)"][0].append((done - finished[0]) * 1000)
        results["avictl (events + polling)"][1].append(len(lab.sent("GET", f"^/v2/apps/bench-a{i}$")))

        finished.clear()
        lab.clear_requests()
        body = json.dumps({**definition, "id": f"/bench-n{i}"}).encode()
        req = urllib.request.Request(f"{lab.url}/v2/apps", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
        urllib.request.urlopen(req).read()
        while True:
            time.sleep(1.0)
            with urllib.request.urlopen(f"{lab.url}/v2/apps/bench-n{i}") as resp:
                app = json.loads(resp.read())["app"]
            if not app.get("deployments") and app.get("tasksRunning") == app.get("instances"):
                break
        done = time.monotonic()
        results["naive 1 s polling"][0].append((done - finished[0]) * 1000)
        results["naive 1 s polling"][1].append(len(lab.sent("GET", f"^/v2/apps/bench-n{i}$")))
    lab.stop()

    print(f"{'client':28} {'median delay':>13} {'max delay':>10} {'GETs/wait':>10}")
    for name, (delays, gets) in results.items():
        print(f"{name:28} {statistics.median(delays):10.0f} ms {max(delays):7.0f} ms {statistics.median(gets):10.1f}")
    a = statistics.median(results["avictl (events + polling)"][0])
    n = statistics.median(results["naive 1 s polling"][0])
    print(f"ratio: avictl notices the end {n / max(a, 0.1):.0f}x sooner than 1 s polling (target: within 500 ms)")


if __name__ == "__main__":
    main()
