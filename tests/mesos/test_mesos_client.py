"""The Mesos master client against the Mesos stand-in over HTTP, in the 0.22, 0.28, 1.0 and 1.4 flavours."""

from __future__ import annotations

import json
import urllib.request

import pytest

from avictl import errors
from avictl.http import HttpOptions
from avictl.lab.mesos import VERSIONS, MesosLab
from avictl.mesos.client import MesosClient, leader_base, master_url

AGENTS = [{"hostname": "10.0.1.10"}, {"hostname": "10.0.1.11"}]


@pytest.fixture
def masters():
    started: list[MesosLab] = []

    def make(version: str = "1.4.0", agents=None, **kw) -> MesosLab:
        lab = MesosLab(version, AGENTS if agents is None else agents, **kw).start()
        started.append(lab)
        return lab

    yield make
    for lab in started:
        lab.stop()


def _client(url: str, **kw) -> MesosClient:
    return MesosClient(url, HttpOptions(timeout=5, retries=2, backoff=0.01), **kw)


@pytest.mark.parametrize("version", VERSIONS)
def test_the_leader_reports_its_version_and_agents(masters, version):
    lab = masters(version)
    st = _client(lab.url).state()
    assert st.version == version and st.url == lab.url and st.redirected_from is None
    assert [a.hostname for a in st.agents] == ["10.0.1.10", "10.0.1.11"]
    assert all(a.active and a.cpus == 4.0 and a.mem == 15008.0 and a.cpus_used == 0.0 for a in st.agents)
    assert st.agents[0].address == "10.0.1.10"
    # before 0.25 only state.json exists: the client fell back to it
    paths = [r["path"] for r in lab.sent("GET")]
    assert paths[-1] == ("/master/state.json" if version < "0.25" else "/master/state")


@pytest.mark.parametrize("version", VERSIONS)
def test_a_standby_leads_to_the_leader(masters, version):
    leader = masters(version)
    standby = masters(version, agents=[], leader=leader.url)
    st = _client(standby.url).state()
    assert st.url == leader.url and st.redirected_from == standby.url
    assert len(st.active_agents) == 2
    asked = [r["path"] for r in standby.sent("GET")]
    if version >= "1.0":  # the standby's endpoint itself answered 307 to the leader
        assert "/master/redirect" not in asked
    else:  # 0.2x: own state with `leader` set, then /master/redirect
        assert "/master/redirect" in asked


def test_protocol_relative_location_keeps_the_scheme():
    assert leader_base("https://m1:5050", "//m2:5050/master/state") == "https://m2:5050"
    assert leader_base("http://m1:5050", "http://m2:5050") == "http://m2:5050"
    assert leader_base("http://m1:5050", "") is None
    assert leader_base("http://m1:5050", "ftp://x") is None


def test_no_leader_is_503_with_a_hint(masters):
    lab = masters("1.4.0", agents=[], leader=None)
    with pytest.raises(errors.RemoteError) as info:
        _client(lab.url).state()
    assert "503" in info.value.message and "No leader elected" in info.value.message
    assert "leader" in info.value.hint


def test_used_resources_come_from_the_running_tasks(masters, marathon15):
    from plugins.avi_lab import post_marathon_app

    post_marathon_app(marathon15, {"id": "/web", "cmd": "sleep 1000", "cpus": 0.5, "mem": 64, "instances": 2},
                      wait_running=2)
    with urllib.request.urlopen(f"{marathon15.url}/v2/tasks") as resp:
        hosts = sorted({t["host"] for t in json.loads(resp.read())["tasks"]})
    for version in ("0.22.1", "1.4.0"):  # 0.22: tasks under frameworks; 1.x: used_resources
        lab = masters(version, agents=[{"hostname": h} for h in hosts], marathon_url=marathon15.url)
        agents = _client(lab.url).state().agents
        assert sum(a.cpus_used for a in agents) == 1.0 and sum(a.mem_used for a in agents) == 128.0


def test_an_inactive_agent_is_reported_inactive(masters):
    lab = masters()
    req = urllib.request.Request(f"{lab.url}/_lab/agents", data=json.dumps({"hostname": "10.0.1.11",
                                                                            "active": False}).encode(),
                                 method="POST")
    urllib.request.urlopen(req).close()
    st = _client(lab.url).state()
    assert [a.active for a in st.agents] == [True, False]
    assert _client(lab.url).agent("10.0.1.11").active is False
    with pytest.raises(errors.NotFound):
        _client(lab.url).agent("10.9.9.9")


def test_dcos_token_and_prefix(masters):
    lab = masters("1.4.0", token="jwt-abc", prefix="/mesos")
    with pytest.raises(errors.AuthError) as info:
        _client(lab.url + "/mesos").state()
    assert "DCOS_ACS_TOKEN" in info.value.hint
    st = _client(lab.url + "/mesos", token="jwt-abc").state()
    assert len(st.agents) == 2


def test_master_url_from_settings():
    class S:
        mesos = None
        marathon = "https://dcos.example.com/service/marathon/"

    assert master_url(S()) == "https://dcos.example.com/mesos"
    S.mesos = "http://leader.mesos:5050/"
    assert master_url(S()) == "http://leader.mesos:5050"
    S.mesos, S.marathon = None, "http://m:8080"
    assert master_url(S()) is None


def test_a_master_that_is_down_is_exit_6(masters):
    lab = masters()
    url = lab.url
    lab.stop()
    with pytest.raises(errors.ConnectError):
        _client(url).state()
