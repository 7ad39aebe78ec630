"""The Mesos master stand-in against apache/mesos at 0.22.1, 0.28.2, 1.0.0 and 1.4.0 (tests/fidelity/README.md)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from avictl.lab.mesos import MesosLab


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def get(url: str) -> tuple[int, dict, bytes]:
    try:
        with OPENER.open(url, timeout=5) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


@pytest.fixture
def labs():
    started = []

    def make(version: str, **kw) -> MesosLab:
        lab = MesosLab(version, kw.pop("agents", [{"hostname": "10.0.1.10"}]), **kw).start()
        started.append(lab)
        return lab

    yield make
    for lab in started:
        lab.stop()


@pytest.mark.parametrize("version,state,version_route", [
    ("0.22.1", 404, 404), ("0.28.2", 200, 200), ("1.0.0", 200, 200), ("1.4.0", 200, 200)])
def test_routes_per_version(labs, version, state, version_route):
    """master.cpp: /state from 0.25 (state.json before and until 1.8); src/version/version.cpp from 0.26."""
    lab = labs(version)
    assert get(lab.url + "/master/state")[0] == state
    assert get(lab.url + "/master/state.json")[0] == 200
    assert get(lab.url + "/version")[0] == version_route
    assert get(lab.url + "/master/nope")[0] == 404


@pytest.mark.parametrize("version", ["0.22.1", "0.28.2", "1.0.0", "1.4.0"])
def test_slave_fields_per_version(labs, version):
    """http.cpp model(Slave) in 0.22.1; Summary<Slave> with used/offered/reserved resources and version from 0.28."""
    lab = labs(version)
    slave = json.loads(get(lab.url + "/master/slaves")[2])["slaves"][0]
    base = {"id", "pid", "hostname", "registered_time", "resources", "attributes", "active"}
    later = {"used_resources", "offered_resources", "reserved_resources", "unreserved_resources", "version"}
    assert set(slave) == (base if version == "0.22.1" else base | later)
    assert slave["pid"] == "slave(1)@10.0.1.10:5051"
    assert set(slave["resources"]) >= {"cpus", "mem", "disk", "ports"}
    assert ("gpus" in slave["resources"]) == (version >= "1.0")


@pytest.mark.parametrize("version,location", [
    ("0.22.1", "http://127.0.0.1:{port}"), ("0.28.2", "//127.0.0.1:{port}"),
    ("1.0.0", "//127.0.0.1:{port}/master/state"), ("1.4.0", "//127.0.0.1:{port}/master/state?jsonp=x")])
def test_a_standby_and_its_leader(labs, version, location):
    """0.2x: a standby answers its own state with `leader`; only /master/redirect is 307. 1.x: 307 everywhere."""
    leader = labs(version)
    standby = labs(version, agents=[], leader=leader.url)
    path = "/master/state.json" if version == "0.22.1" else "/master/state"
    status, headers, body = get(standby.url + path + ("?jsonp=x" if version == "1.4.0" else ""))
    if version < "1.0":
        state = json.loads(body)
        assert status == 200 and state["leader"] == f"master@127.0.0.1:{leader.port}" and state["slaves"] == []
        status, headers, _ = get(standby.url + "/master/redirect")
    assert status == 307 and headers["Location"] == location.format(port=leader.port)


def test_no_leader_is_503_from_1_0(labs):
    """1.0.0 http.cpp redirect(): ServiceUnavailable("No leader elected")."""
    lab = labs("1.0.0", leader=None)
    status, _, body = get(lab.url + "/master/slaves")
    assert status == 503 and body == b"No leader elected"
