"""Fixtures of the Avi area: the controller stand-in over HTTPS per version, its CA, a Marathon behind it.

- `avi_tls` (session): (ca, cert, key) paths of a throw-away lab CA.
- `avi_ca_bundle`: the CA bundle path clients must trust (tests never use --insecure).
- `avi_marathon`: a fresh MarathonLab (fast deployments) whose apps the controller syncs.
- `avi_lab`: a fresh AviLab over HTTPS; version "22.1" unless parametrized indirectly
  (`@pytest.mark.parametrize("avi_lab", AVI_VERSIONS, indirect=True)`); syncs on every request.
- `avi_env`: environment for `cli(...)` runs: AVI_CONTROLLER, AVI_USERNAME, AVI_PASSWORD, AVI_CA_BUNDLE.
"""

from __future__ import annotations

import json
import time
import urllib.request
from typing import Any

import pytest

AVI_VERSIONS = ["17.2", "18.2", "20.1", "22.1"]


@pytest.fixture(scope="session")
def avi_tls(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str, str]:
    from avictl.lab.tls import make_ca_and_cert

    return make_ca_and_cert(tmp_path_factory.mktemp("avi-tls"))


@pytest.fixture
def avi_ca_bundle(avi_tls: tuple[str, str, str]) -> str:
    return avi_tls[0]


@pytest.fixture
def avi_marathon():
    from avictl.lab.marathon import MarathonLab

    lab = MarathonLab(deploy_seconds=0.2).start()
    yield lab
    lab.stop()


@pytest.fixture
def avi_lab(request: pytest.FixtureRequest, avi_tls: tuple[str, str, str], avi_marathon: Any):
    from avictl.lab.avi import AviLab
    from avictl.lab.tls import server_context

    version = getattr(request, "param", "22.1")
    lab = AviLab(marathon_url=avi_marathon.url, version=version, tls=server_context(avi_tls[1], avi_tls[2]),
                 sync_interval=0).start()
    yield lab
    lab.stop()


@pytest.fixture
def avi_env(avi_lab: Any, avi_ca_bundle: str) -> dict[str, str]:
    return {"AVI_CONTROLLER": avi_lab.url, "AVI_USERNAME": avi_lab.username, "AVI_PASSWORD": avi_lab.password,
            "AVI_CA_BUNDLE": avi_ca_bundle}


def post_marathon_app(marathon: Any, app: dict[str, Any], wait_running: int | None = None,
                      timeout: float = 10.0) -> dict[str, Any]:
    """POST an app to the Marathon stand-in; optionally wait until that many tasks run."""
    req = urllib.request.Request(f"{marathon.url}/v2/apps", data=json.dumps(app).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        created = json.loads(resp.read())
    if wait_running:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with urllib.request.urlopen(f"{marathon.url}/v2/apps/{app['id'].strip('/')}", timeout=10) as resp:
                current = json.loads(resp.read())["app"]
            if current.get("tasksRunning", 0) >= wait_running and not current.get("deployments"):
                return current
            time.sleep(0.05)
        raise AssertionError(f"app {app['id']} did not reach {wait_running} running tasks")
    return created
