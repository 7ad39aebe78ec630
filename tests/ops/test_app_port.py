"""ops.ports: the one answer to "which port does the load balancer forward to for this app?"."""

from __future__ import annotations

import pytest
from plugins.avi_lab import post_marathon_app

from avictl import errors
from avictl.avi.client import AviClient
from avictl.avi.session import Session
from avictl.http import HttpOptions
from avictl.marathon.appdef import AppId
from avictl.marathon.client import MarathonClient
from avictl.ops.ports import AVI, MARATHON, NoPortSource, app_port, app_ports

APP = {"id": "/web", "instances": 1, "cpus": 0.1, "mem": 32,
       "container": {"type": "DOCKER", "docker": {"image": "nginx", "network": "BRIDGE",
                                                   "portMappings": [{"containerPort": 80, "hostPort": 0,
                                                                     "servicePort": 0}]}}}


def test_no_source_is_bad_input_before_any_request():
    with pytest.raises(NoPortSource) as info:
        app_port(AppId("web"))
    assert info.value.exit_code == errors.USAGE and "--" not in info.value.message + (info.value.hint or "")


def test_marathon_only_gives_the_first_service_port(marathon15):
    post_marathon_app(marathon15, APP, wait_running=1)
    client = MarathonClient(marathon15.url)
    found = app_port(AppId("web"), marathon=client)
    assert found.source == MARATHON and found.port == client.service_ports("/web")[0] > 0
    with pytest.raises(errors.NotFound):
        app_port(AppId("/nope"), marathon=client)
    client.close()


def test_avi_wins_over_marathon_when_both_are_given(avi_lab, avi_marathon, avi_ca_bundle):
    post_marathon_app(avi_marathon, APP, wait_running=1)
    avi = AviClient(Session(avi_lab.url, HttpOptions(ca_bundle=avi_ca_bundle), username=avi_lab.username,
                            password=avi_lab.password))
    marathon = MarathonClient(avi_marathon.url)
    found = app_port(AppId("web"), avi=avi, marathon=marathon)
    assert found.source == AVI and found.port == avi.vs_port_for_app("/web")
    joined = app_ports(marathon, AppId("web"), avi=avi)
    assert joined.with_avi and not joined.warnings
    assert [r["avi_vs_port"] for r in joined.rows] == [found.port]
    avi.close()
    marathon.close()


def test_an_unreachable_controller_is_a_warning_and_the_marathon_part_stands(marathon15):
    post_marathon_app(marathon15, APP, wait_running=1)
    marathon = MarathonClient(marathon15.url)
    dead = AviClient(Session("https://127.0.0.1:9", HttpOptions(retries=1, backoff=0.01), username="admin",
                             password="x"))
    joined = app_ports(marathon, AppId("/web"), avi=dead)
    assert joined.with_avi and len(joined.warnings) == 1 and "unavailable" in joined.warnings[0]
    row = joined.rows[0]
    assert row["container_port"] == 80 and row["service_port"] > 0 and row["avi_vs_port"] == "-"
    assert len(row["host_ports"]) == 1
    marathon.close()


def test_an_unknown_app_is_exit_3_whatever_the_controller_says(marathon15):
    marathon = MarathonClient(marathon15.url)
    dead = AviClient(Session("https://127.0.0.1:9", HttpOptions(retries=1, backoff=0.01), username="admin",
                             password="x"))
    with pytest.raises(errors.NotFound):
        app_ports(marathon, AppId("/missing"), avi=dead)
    marathon.close()
