"""Clients nobody here wrote, against the stand-ins (besides marathon-python and avisdk's ApiSession).

- Avi: the SDK's own sample scripts (`avi.sdk.samples.virtualservice_examples_api`), run as a
  user runs them, against the Avi stand-in: create a VS, show the inventories, delete it.
- Marathon: the npm package `marathon-event-bus-client` (on the `eventsource` package), which
  listens for named SSE events: it hears 1.x deployments, and nothing from 0.9's data-only
  stream — as with the real 0.9.
Tried and not usable on Python 3.11 (see tests/fidelity/README.md): `dcos`/`dcoscli` 0.6.1
(import fails: collections.Mapping), `dcos-marathon` 1.0.14 (Python 2 only).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest

JS = Path(__file__).parent / "js"


def _sample(avi_lab, ca: str, *args: str) -> subprocess.CompletedProcess[str]:
    import avi.sdk

    script = Path(avi.sdk.__file__).parent / "samples" / "virtualservice_examples_api.py"
    return subprocess.run([sys.executable, str(script), "-c", f"127.0.0.1:{avi_lab.port}", "-u", avi_lab.username,
                           "-p", avi_lab.password, *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "REQUESTS_CA_BUNDLE": ca})


def test_avi_sdk_sample_script_creates_shows_and_deletes_a_vs(avi_lab, avi_ca_bundle):
    created = _sample(avi_lab, avi_ca_bundle, "-o", "create-basic-vs", "-n", "lab")
    assert created.returncode == 0, created.stderr[-2000:]
    assert [v["name"] for v in avi_lab.objects["virtualservice"].values()] == ["basic-lab"]
    shown = _sample(avi_lab, avi_ca_bundle, "-o", "show-vs-inventory")
    assert shown.returncode == 0 and "basic-lab" in shown.stdout, shown.stderr[-2000:]
    pools = _sample(avi_lab, avi_ca_bundle, "-o", "show-pool-inventory")
    assert pools.returncode == 0 and "basic-lab-pool" in pools.stdout, pools.stderr[-2000:]
    deleted = _sample(avi_lab, avi_ca_bundle, "-o", "delete-vs", "-r", "basic-lab")
    assert deleted.returncode == 0 and "deleted successfully" in deleted.stdout, deleted.stderr[-2000:]
    assert not avi_lab.objects["virtualservice"]


@pytest.fixture(scope="module")
def event_bus_client(tmp_path_factory) -> Path:
    if not shutil.which("node") or not shutil.which("npm"):
        pytest.skip("node and npm are needed for marathon-event-bus-client")
    where = tmp_path_factory.mktemp("npm")
    shutil.copy(JS / "watch_deployments.js", where)
    proc = subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(where),
                           "marathon-event-bus-client@0.1.7"], capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        pytest.skip(f"npm could not install marathon-event-bus-client: {proc.stderr[-300:]}")
    return where


@pytest.mark.parametrize("version, hears", [("1.5.0", True), ("0.9.1", False)])
def test_marathon_event_bus_client_hears_deployments(event_bus_client, marathon_lab_factory, version, hears):
    lab = marathon_lab_factory(version, deploy_seconds=0.3)
    proc = subprocess.Popen(["node", str(event_bus_client / "watch_deployments.js"), str(lab.port), "6000"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=event_bus_client)

    def post_when_subscribed() -> None:
        for _ in range(100):
            if lab.subscribers:
                break
            threading.Event().wait(0.05)
        httpx.post(lab.url + "/v2/apps", json={"id": "web", "cmd": "sleep 100"})

    threading.Thread(target=post_when_subscribed, daemon=True).start()
    out, err = proc.communicate(timeout=60)
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    names = [line["name"] for line in lines]
    if hears:
        assert proc.returncode == 0 and "deployment_success" in names, (out, err)
        success = lines[-1]["data"]
        assert success["plan"]["steps"][0]["actions"][0]["app"] == "/web"
    else:  # 0.9 sends data: lines only: a named-event listener hears nothing
        assert proc.returncode == 3 and "deployment_success" not in names, (out, err)
