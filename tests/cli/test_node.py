"""`avictl node list|show` (Mesos agents joined with their SEs), in both Marathon flavours and Mesos eras."""

from __future__ import annotations

import json

import pytest

from plugins.avi_lab import post_marathon_app
from plugins.chain_lab import chain, lab_post  # noqa: F401


@pytest.mark.parametrize("versions", [{"marathon": "0.9.0", "mesos": "0.22.1", "avi": "17.2"},
                                      {"marathon": "1.5.0", "mesos": "1.4.0", "avi": "22.1"}],
                         ids=["marathon0.9-mesos0.22", "marathon1.5-mesos1.4"])
def test_node_list_joins_agents_and_ses(cli, chain, versions):
    c = chain(**versions)
    post_marathon_app(c["marathon"], {"id": "/web", "cmd": "serve", "cpus": 0.5, "mem": 64, "instances": 2},
                      wait_running=2)
    r = cli("node", "list", "-o", "json", env=c["env"])
    assert r.exit_code == 0, r
    nodes = json.loads(r.stdout)
    assert [n["hostname"] for n in nodes] == c["hosts"]
    for n in nodes:
        assert n["active"] and n["se"] == n["hostname"] and n["se_state"] == "OPER_UP"
        assert (n["cpus_used"], n["cpus"], n["mem_used"], n["mem"]) == (0.5, 4.0, 64.0, 15008.0)
    table = cli("node", "list", env=c["env"]).stdout.splitlines()[0].split("\t")
    assert table[1:] == [c["hosts"][0], "true", "0.5/4", "64/15008 MB", c["hosts"][0], "OPER_UP"]
    assert cli("node", "list", "--check", env=c["env"]).exit_code == 0
    shown = json.loads(cli("node", "show", c["hosts"][1], "-o", "json", env=c["env"]).stdout)
    assert shown["id"] == nodes[1]["id"]
    assert json.loads(cli("node", "show", nodes[0]["id"], "-o", "json", env=c["env"]).stdout)["hostname"] == \
        c["hosts"][0]
    assert cli("node", "list", "-o", "name", env=c["env"]).stdout.split() == [n["id"] for n in nodes]


def test_check_names_every_active_node_without_an_se_up(cli, chain):
    c = chain()
    lab_post(c["avi"], "se", {"name": c["hosts"][0], "state": "stopped"}, ca=c["ca"])
    r = cli("node", "list", "--check", env=c["env"])
    assert r.exit_code == 1, r
    assert f"1 active node(s) without a Service Engine up: {c['hosts'][0]} (SE {c['hosts'][0]} OPER_DOWN)" \
        in r.stderr
    assert "OPER_DOWN" in r.stdout  # the listing is still printed


def test_an_inactive_agent_needs_no_se_and_a_new_agent_without_one_fails(cli, chain):
    c = chain()
    lab_post(c["mesos"], "agents", {"hostname": c["hosts"][1], "active": False})
    r = cli("node", "list", "--check", "-o", "json", env=c["env"])
    assert r.exit_code == 0, r
    assert [(n["active"], n["se_state"]) for n in json.loads(r.stdout)] == [(True, "OPER_UP"), (False, None)]
    # an agent the controller has no SE for (the cloud has not placed one there)
    lab_post(c["mesos"], "agents", {"add": {"hostname": "10.0.1.99"}})
    lab_post(c["avi"], "se_boot", {"seconds": 600}, ca=c["ca"])
    r = cli("node", "list", "--check", env=c["env"])
    assert r.exit_code == 1 and "10.0.1.99 (SE 10.0.1.99 OPER_CREATING)" in r.stderr


def test_node_show_unknown_is_exit_3_and_mesos_flag_wins(cli, chain):
    c = chain()
    r = cli("node", "show", "nope", env=c["env"])
    assert r.exit_code == 3 and "no Mesos agent 'nope'" in r.stderr
    bad = cli("node", "list", "--mesos", "http://127.0.0.1:9", env=c["env"])
    assert bad.exit_code == 6 and "Mesos master" in bad.stderr
    assert cli("node", "list", "--mesos", "not a url", env=c["env"]).exit_code == 2


def test_node_list_without_a_controller_warns(cli, chain):
    c = chain()
    env = {"MESOS_MASTER_URL": c["env"]["MESOS_MASTER_URL"]}
    r = cli("node", "list", env=env)
    assert r.exit_code == 0 and "no controller configured" in r.stderr
    assert cli("node", "list", "--check", env=env).exit_code == 2


def test_no_mesos_configured_is_exit_2(cli):
    r = cli("node", "list")
    assert r.exit_code == 2 and "MESOS_MASTER_URL" in r.stderr
