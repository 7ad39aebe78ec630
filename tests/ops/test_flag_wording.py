"""Errors from clients and ops name no flag; the command line adds the flag that changes the outcome."""

from __future__ import annotations

from pathlib import Path

import pytest
from plugins.avi_lab import post_marathon_app

from avictl import errors
from avictl.avi.client import AviClient
from avictl.avi.summary import NoServicePort
from avictl.avi.session import Session
from avictl.http import HttpOptions
from avictl.marathon.appdef import AppId, apply_overrides, load_app_definition
from avictl.marathon.appdef.overrides import BadOverride
from avictl.marathon.client import AppLocked, MarathonClient
from avictl.ops.ports import app_port
from conftest import make_journal
from avictl.ops.health_check import health_check_protocol
from avictl.ops.wait import AppWaitTimeout, wait_for_app

EXAMPLE = str(Path(__file__).resolve().parent.parent.parent / "examples" / "Docker.json")
APP = {"id": "/locked", "cmd": "sleep 1000", "instances": 1}


def test_a_locked_app_hints_force_only_on_the_command_line(cli, marathon15):
    marathon15.deploy_seconds = 30  # the first deployment stays in progress
    client = MarathonClient(marathon15.url, HttpOptions(journal=make_journal()))
    client.post_app(APP)
    with pytest.raises(AppLocked) as info:
        client.scale_app(AppId("locked"), 2)
    assert info.value.exit_code == errors.CONFLICT and info.value.deployment_ids
    assert "--force" not in (info.value.hint or "") and "deployment watch" in info.value.hint
    r = cli("app", "scale", "/locked", "3", env={"MARATHON_URL": marathon15.url})
    assert r.exit_code == 4 and "pass --force" in r.stderr, r
    client.close()


def test_a_wait_that_ran_out_hints_timeout_only_on_the_command_line(cli, marathon15):
    marathon15.deploy_seconds = 30
    client = MarathonClient(marathon15.url, HttpOptions(journal=make_journal()))
    client.post_app(APP)
    with pytest.raises(AppWaitTimeout) as info:
        wait_for_app(client, AppId("locked"), 0.5, use_events=False, poll_interval=0.1)
    assert info.value.timeout == 0.5 and info.value.exit_code == errors.TIMEOUT
    assert "--" not in info.value.message + (info.value.hint or "")
    r = cli("app", "wait", "/locked", "--timeout", "0.5", env={"MARATHON_URL": marathon15.url})
    assert r.exit_code == 7 and "hint: raise --timeout, or look at `avictl deployment list`" in r.stderr, r
    client.close()


def test_one_health_check_protocol_rule_worded_per_flag(cli):
    assert health_check_protocol("tcp") == "TCP"
    with pytest.raises(errors.InvalidValue) as info:
        health_check_protocol("ICMP")
    assert info.value.exit_code == errors.USAGE and "--" not in info.value.message
    for argv in (["deploy", EXAMPLE, "--elb", "x", "--yes"], ["elb", "retarget", "x", "--port", "10001", "--yes"]):
        r = cli(*argv, "--health-protocol", "ICMP", env={"MARATHON_URL": "http://127.0.0.1:9",
                                                         "AWS_ENDPOINT_URL": "http://127.0.0.1:9"})
        assert r.exit_code == 2, r
        assert "must be one of HTTP, HTTPS, TCP, SSL, not 'ICMP'" in r.stderr and "--health-protocol" in r.stderr, r


def test_an_override_is_worded_as_the_set_option_only_on_the_command_line(cli):
    defn = load_app_definition(Path(EXAMPLE).read_bytes(), "Docker.json")
    with pytest.raises(BadOverride) as info:
        apply_overrides(defn, ["instances"])
    assert info.value.exit_code == errors.USAGE and "--" not in info.value.message + (info.value.hint or "")
    r = cli("app", "post", EXAMPLE, "--set", "instances", "--dry-run")
    assert r.exit_code == 2, r
    assert "avictl: error: --set 'instances': expected KEY=VALUE" in r.stderr
    assert "hint: e.g. --set instances=3 --set id=/web" in r.stderr


def test_a_missing_service_port_names_ssl_only_for_vs_port(cli, avi_lab, avi_env, avi_marathon):
    app = {"id": "/plain", "instances": 1, "cmd": "sleep 1000",
           "container": {"type": "DOCKER", "docker": {"image": "nginx", "network": "BRIDGE",
                                                       "portMappings": [{"containerPort": 80, "hostPort": 0}]}}}
    post_marathon_app(avi_marathon, app, wait_running=1)
    r = cli("vs", "port", "/plain", "--ssl", env=avi_env)
    assert r.exit_code == 3 and "no SSL service port" in r.stderr and "hint: drop --ssl" in r.stderr, r
    avi = AviClient(Session(avi_lab.url, HttpOptions(ca_bundle=avi_env["AVI_CA_BUNDLE"]),
                            username=avi_lab.username, password=avi_lab.password))
    with pytest.raises(NoServicePort) as info:
        avi.vs_port_for_app(AppId("plain"), ssl=True)
    assert info.value.hint is None and info.value.ssl
    assert app_port(AppId("plain"), avi=avi).port > 0  # the non-SSL port is there
    avi.close()


def test_an_unverified_certificate_names_ca_bundle_only_on_the_command_line(cli, avi_lab, avi_env):
    from avictl.http import CertificateUnverified, Transport

    with Transport(avi_lab.url, HttpOptions(retries=1)) as transport, pytest.raises(CertificateUnverified) as info:
        transport.request("GET", "/api/cloud")
    assert info.value.exit_code == errors.CONNECT and "--" not in info.value.message + (info.value.hint or "")
    env = {k: v for k, v in avi_env.items() if k != "AVI_CA_BUNDLE"}
    r = cli("vs", "list", env=env)
    assert r.exit_code == 6 and "hint: pass the server's CA with --ca-bundle" in r.stderr, r
