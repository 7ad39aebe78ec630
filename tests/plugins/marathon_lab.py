"""Fixtures of the Marathon area: the lab stand-in over real HTTP on 127.0.0.1, in 0.9 and 1.5 flavours."""

from __future__ import annotations

import pytest

from avictl.lab.marathon import MarathonLab

# Short deployments keep the suite fast; waits react to events, so this is not a sleep.
DEPLOY_SECONDS = 0.3
FLAVOURS = ("0.9.0", "1.5.0")


def _start(version: str, **kw: object) -> MarathonLab:
    kw.setdefault("deploy_seconds", DEPLOY_SECONDS)
    kw.setdefault("heartbeat", 0.5)
    return MarathonLab(version, **kw).start()  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def _marathon_labs():
    labs = {v: _start(v) for v in FLAVOURS}
    yield labs
    for lab in labs.values():
        lab.stop()


@pytest.fixture(params=FLAVOURS, ids=lambda v: f"marathon-{v}")
def marathon_lab(request, _marathon_labs):
    """A running MarathonLab (each flavour in turn), emptied before the test."""
    lab = _fresh(_marathon_labs[request.param])
    lab.heartbeat = 0.5
    return lab


@pytest.fixture
def marathon15(_marathon_labs):
    return _fresh(_marathon_labs["1.5.0"])


@pytest.fixture
def marathon09(_marathon_labs):
    return _fresh(_marathon_labs["0.9.0"])


@pytest.fixture
def marathon_lab_factory():
    """Start extra stand-ins (auth, other versions); stopped after the test."""
    started: list[MarathonLab] = []

    def make(version: str = "1.5.0", **kw: object) -> MarathonLab:
        lab = _start(version, **kw)
        started.append(lab)
        return lab

    yield make
    for lab in started:
        lab.stop()


@pytest.fixture
def marathon_profile_env(marathon_lab):
    """Environment for a cli run against `marathon_lab`."""
    return {"MARATHON_URL": marathon_lab.url}


def _fresh(lab):
    """A shared stand-in emptied for the next test: no apps, faults or logged requests."""
    lab.deploy_seconds = DEPLOY_SECONDS
    lab.reset_state()
    lab.clear_faults()
    lab.clear_requests()
    return lab
