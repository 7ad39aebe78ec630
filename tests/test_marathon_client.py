"""Marathon client: auth (none, basic, DC/OS token), error shapes as one line, ambiguous POSTs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from avictl import errors
from avictl.marathon.client import MarathonClient

DOCKER_JSON = Path(__file__).parent / "corpus" / "appdef" / "good" / "Docker.json"


def test_basic_auth_through_the_cli(cli, marathon_lab_factory):
    lab = marathon_lab_factory(auth=("basic", "ops", "s3cret-pw"))
    env = {"MARATHON_URL": lab.url, "MARATHON_USERNAME": "ops", "MARATHON_PASSWORD": "s3cret-pw"}
    r = cli("app", "list", "--debug", env=env)
    assert r.exit_code == 0, r
    assert "s3cret-pw" not in r.output
    r = cli("app", "list", env={**env, "MARATHON_PASSWORD": "wrong"})
    assert r.exit_code == 5, r
    assert "401" in r.stderr and "<html" not in r.stderr.lower() and len(r.stderr.strip().splitlines()) == 2
    assert "MARATHON_PASSWORD" in r.stderr


def test_dcos_token_through_the_cli(cli, marathon_lab_factory):
    lab = marathon_lab_factory(auth=("token", "eyJhbGciOi.secret-jwt.sig"))
    env = {"MARATHON_URL": lab.url, "DCOS_ACS_TOKEN": "eyJhbGciOi.secret-jwt.sig"}
    r = cli("app", "post", DOCKER_JSON, "--debug", env=env)
    assert r.exit_code == 0, r
    assert "secret-jwt" not in r.output
    assert lab.sent("POST")[0]["headers"]["authorization"] == "token=eyJhbGciOi.secret-jwt.sig"
    r = cli("app", "list", env={"MARATHON_URL": lab.url})
    assert r.exit_code == 5, r
    assert "401" in r.stderr and "<" not in r.stderr and "DCOS_ACS_TOKEN" in r.stderr
    r = cli("app", "list", env={**env, "DCOS_ACS_TOKEN": "expired"})
    assert r.exit_code == 5 and "dcos auth login" in r.stderr


def test_server_side_validation_errors_are_one_line(marathon_lab):
    client = MarathonClient(marathon_lab.url)
    with pytest.raises(errors.RemoteError) as info:
        client.post_app({"id": "web", "cmd": "x", "instances": "two"})  # local validation skipped on purpose
    err = info.value
    assert err.exit_code == 2 and "\n" not in err.message
    # 0.9: a type error is Play's JsResultException, 400 "Invalid JSON" (MarathonExceptionMapper @ v0.9.2)
    assert ("Invalid JSON" if marathon_lab.v < (1, 0) else "Object is not valid") in err.message
    assert "instances" in err.message
    client.close()


def test_ambiguous_post_checks_before_anything_else(cli, marathon_lab, marathon_profile_env):
    marathon_lab.add_fault(method="POST", path="^/v2/apps$", reset_after=True)
    r = cli("app", "post", DOCKER_JSON, env=marathon_profile_env)
    assert r.exit_code == 0, r
    assert "warning:" in r.stderr and "arrived" in r.stderr
    assert len(marathon_lab.sent("POST")) == 1


def test_lost_post_that_never_arrived(cli, marathon_lab, marathon_profile_env):
    marathon_lab.add_fault(method="POST", path="^/v2/apps$", reset=True)
    r = cli("app", "post", DOCKER_JSON, "--no-wait", env=marathon_profile_env)
    assert r.exit_code == 6, r
    assert "safe to run the command again" in r.stderr
    assert len(marathon_lab.sent("POST")) == 1


def test_gets_retry_on_503(marathon_lab):
    marathon_lab.add_fault(count=2, method="GET", path="^/v2/apps$", status=503)
    client = MarathonClient(marathon_lab.url)
    client.transport.sleep = lambda s: None
    assert client.list_apps() == []
    client.close()


def test_html_500_is_one_line(cli, marathon_lab, marathon_profile_env):
    marathon_lab.add_fault(count=0, method="GET", path="^/v2/apps$", status=500,
                           body="<html><head><title>Error 500 Server Error</title></head><body>" + "x" * 5000)
    r = cli("app", "list", env=marathon_profile_env)
    assert r.exit_code == 1 and "Error 500 Server Error" in r.stderr and "xxxx" not in r.stderr


def test_ports_show_the_avi_column_only_with_a_controller(cli, marathon_lab, marathon_profile_env):
    assert cli("app", "post", DOCKER_JSON, env=marathon_profile_env).exit_code == 0
    # a controller that cannot be reached: the column is there, with "-", and a warning
    env = {**marathon_profile_env, "AVI_CONTROLLER": "https://127.0.0.1:9", "AVI_USERNAME": "admin",
           "AVI_PASSWORD": "x"}
    r = cli("app", "ports", "webapp1", "-o", "json", env=env)
    assert r.exit_code == 0, r
    rows = json.loads(r.stdout)
    assert rows[0]["aviVsPort"] == "-" and "warning:" in r.stderr


def test_ports_show_the_avi_vs_port_from_the_controller(cli, avi_marathon, avi_env):
    env = {**avi_env, "MARATHON_URL": avi_marathon.url}
    assert cli("app", "post", DOCKER_JSON, env=env).exit_code == 0
    r = cli("app", "ports", "/webapp1", "-o", "json", env=env)
    assert r.exit_code == 0, r
    row = json.loads(r.stdout)[0]
    assert row["aviVsPort"] == row["servicePort"] >= 10000, r
