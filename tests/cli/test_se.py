"""`avictl se list|show` and `cloud status` against the Avi stand-in (two controller versions) over HTTPS."""

from __future__ import annotations

import json
from typing import Any

import pytest

from plugins.avi_lab import post_marathon_app
from plugins.chain_lab import chain, lab_post  # noqa: F401

AVI = pytest.mark.parametrize("avi", ["17.2", "22.1"], ids=lambda v: f"avi{v}")


def webapp(c: dict[str, Any]) -> None:
    post_marathon_app(c["marathon"], {"id": "/webapp1", "cmd": "serve", "cpus": 0.5, "mem": 64, "instances": 2,
                                      "ports": [0]}, wait_running=2)


@AVI
def test_se_list_one_per_agent_with_the_vss_placed(cli, chain, avi):
    c = chain(avi=avi)
    webapp(c)
    r = cli("se", "list", "-o", "json", env=c["env"])
    assert r.exit_code == 0, r
    ses = json.loads(r.stdout)
    assert [s["name"] for s in ses] == c["hosts"] and [s["node"] for s in ses] == c["hosts"]
    assert all(s["state"] == "OPER_UP" and s["vss"] == ["webapp1"] and s["cloud"] == "Default-Cloud" for s in ses)
    assert all(s["version"].startswith(avi) for s in ses)
    table = cli("se", "list", env=c["env"])  # piped: NAME NODE STATE VSS VERSION CLOUD
    assert table.stdout.splitlines()[0].split("\t")[:4] == [c["hosts"][0], c["hosts"][0], "OPER_UP", "1"]
    names = cli("se", "list", "-o", "name", env=c["env"])
    assert names.stdout.split() == c["hosts"]


def test_a_stopped_se_is_down_with_its_reason_and_no_vss(cli, chain):
    c = chain()
    webapp(c)
    lab_post(c["avi"], "se", {"name": c["hosts"][1], "state": "stopped"}, ca=c["ca"])
    ses = {s["name"]: s for s in json.loads(cli("se", "list", "-o", "json", env=c["env"]).stdout)}
    assert ses[c["hosts"][1]]["state"] == "OPER_DOWN" and ses[c["hosts"][1]]["vss"] == []
    r = cli("se", "show", c["hosts"][1], "-o", "json", env=c["env"])
    assert r.exit_code == 0, r
    se = json.loads(r.stdout)
    assert se["connected"] is False and se["power_state"] == "SE_POWER_OFF" and "heartbeat" in se["reason"]
    by_uuid = json.loads(cli("se", "show", se["uuid"], "-o", "json", env=c["env"]).stdout)
    assert by_uuid["name"] == c["hosts"][1]


def test_se_show_unknown_is_exit_3(cli, chain):
    c = chain()
    r = cli("se", "show", "10.9.9.9", env=c["env"])
    assert r.exit_code == 3 and "Service Engine '10.9.9.9' not found" in r.stderr and "se list" in r.stderr


@AVI
def test_cloud_status_of_every_cloud_and_one(cli, chain, avi):
    c = chain(avi=avi)
    r = cli("cloud", "status", "-o", "json", env=c["env"])
    assert r.exit_code == 0, r
    rows = {x["name"]: x for x in json.loads(r.stdout)}
    assert rows["Default-Cloud"]["state"] == "CLOUD_STATE_PLACEMENT_READY" and rows["Default-Cloud"]["ready"]
    assert rows["vmware-cloud"]["state"] == "CLOUD_STATE_NOT_CONNECTED"
    one = cli("cloud", "status", "Default-Cloud", env=c["env"])
    assert one.exit_code == 0 and "CLOUD_STATE_PLACEMENT_READY" in one.stdout


def test_cloud_status_failed_when_marathon_is_gone(cli, chain):
    c = chain()
    c["marathon"].stop()
    r = cli("cloud", "status", "Default-Cloud", env=c["env"])
    assert r.exit_code == 1, r
    assert "CLOUD_STATE_FAILED" in r.stdout and "Marathon" in r.stdout
    assert "cloud Default-Cloud is CLOUD_STATE_FAILED" in r.stderr
