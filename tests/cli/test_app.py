"""`avictl app ...` against the Marathon stand-in, in 0.9 and 1.5 flavours (auth, errors, ports with Avi)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parent.parent / "corpus" / "appdef"
DOCKER_JSON = CORPUS / "good" / "Docker.json"
DOCKER_15 = CORPUS / "good" / "Docker-1.5.json"
BAD = sorted((CORPUS / "bad").iterdir())


def test_post_waits_then_ports_show_the_assigned_service_port(cli, marathon_lab, marathon_profile_env):
    r = cli("app", "post", DOCKER_JSON, "-o", "json", env=marathon_profile_env)
    assert r.exit_code == 0, r
    app = json.loads(r.stdout)
    assert app["id"] == "/webapp1" and app["tasksRunning"] == 2 and app["tasksHealthy"] == 2
    assert not app["deployments"]
    posts = marathon_lab.sent("POST", "^/v2/apps$")
    assert len(posts) == 1 and posts[0]["headers"]["content-type"].startswith("application/json")

    r = cli("app", "ports", "/webapp1", "-o", "json", env=marathon_profile_env)
    assert r.exit_code == 0, r
    rows = json.loads(r.stdout)
    assert rows[0]["container_port"] == 80 and rows[0]["service_port"] >= 10000
    hosts = {h.split(":")[0] for h in rows[0]["host_ports"]}
    assert hosts == {"10.0.1.10", "10.0.1.11"}
    assert "avi_vs_port" not in rows[0]  # no controller configured

    r = cli("app", "ports", "webapp1", env=marathon_profile_env)
    assert r.exit_code == 0 and f"\t{rows[0]['service_port']}\t" in r.stdout


def test_post_new_network_form(cli, marathon15, marathon09):
    r = cli("app", "post", DOCKER_15, "-o", "json", env={"MARATHON_URL": marathon15.url})
    assert r.exit_code == 0, r
    r = cli("app", "ports", "/web/frontend", "-o", "json", env={"MARATHON_URL": marathon15.url})
    assert json.loads(r.stdout)[0]["service_port"] >= 10000
    # 0.9 ignores the 1.5 form: say so
    r = cli("app", "post", DOCKER_15, "--no-wait", env={"MARATHON_URL": marathon09.url})
    assert r.exit_code == 0, r
    assert "ignores" in r.stderr


def test_post_from_stdin_with_overrides(cli, marathon_lab, marathon_profile_env):
    r = cli("app", "post", "-", "--set", "instances=1", "--set", "id=/web", "--no-wait", "-o", "json",
            input=DOCKER_JSON.read_text(), env=marathon_profile_env)
    assert r.exit_code == 0, r
    body = json.loads(marathon_lab.sent("POST", "^/v2/apps$")[0]["body"])
    assert body["id"] == "/web" and body["instances"] == 1


def test_post_dry_run_sends_nothing(cli, marathon_lab, marathon_profile_env):
    r = cli("app", "post", DOCKER_JSON, "--dry-run", "--set", "instances=5", env=marathon_profile_env)
    assert r.exit_code == 0, r
    assert json.loads(r.stdout)["instances"] == 5
    assert marathon_lab.sent() == []


def test_post_existing_app_is_a_conflict(cli, marathon_lab, marathon_profile_env):
    assert cli("app", "post", DOCKER_JSON, "--no-wait", env=marathon_profile_env).exit_code == 0
    r = cli("app", "post", DOCKER_JSON, "--no-wait", env=marathon_profile_env)
    assert r.exit_code == 4, r
    assert "already exists" in r.stderr and "app apply" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 2


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.name)
def test_bad_docker_json_exits_2_and_sends_nothing(cli, marathon15, path):
    r = cli("app", "post", path, env={"MARATHON_URL": marathon15.url})
    assert r.exit_code == 2, r
    assert r.stderr.startswith("avictl: error: ") and "Traceback" not in r.stderr
    assert marathon15.sent() == []


def test_apply_creates_then_converges(cli, marathon_lab, marathon_profile_env):
    r = cli("app", "apply", DOCKER_JSON, env=marathon_profile_env)
    assert r.exit_code == 0, r
    marathon_lab.clear_requests()
    r = cli("app", "apply", DOCKER_JSON, env=marathon_profile_env)
    assert r.exit_code == 0, r
    assert "no change" in r.stderr
    assert marathon_lab.sent("PUT") == [] and marathon_lab.sent("POST") == []

    r = cli("app", "apply", DOCKER_JSON, "--set", "instances=3", "--dry-run", "-o", "json", env=marathon_profile_env)
    assert r.exit_code == 0, r
    assert json.loads(r.stdout)["changes"] == [{"field": "instances", "current": 2, "desired": 3}]
    assert marathon_lab.sent("PUT") == []

    r = cli("app", "apply", DOCKER_JSON, "--set", "instances=3", env=marathon_profile_env)
    assert r.exit_code == 0, r
    assert len(marathon_lab.sent("PUT")) == 1
    r = cli("app", "show", "webapp1", "-o", "json", env=marathon_profile_env)
    assert json.loads(r.stdout)["tasksRunning"] == 3


def test_apply_locked_by_deployment(cli, marathon_lab, marathon_profile_env):
    marathon_lab.deploy_seconds = 30
    assert cli("app", "post", DOCKER_JSON, "--no-wait", env=marathon_profile_env).exit_code == 0
    r = cli("app", "apply", DOCKER_JSON, "--set", "instances=3", "--no-wait", env=marathon_profile_env)
    assert r.exit_code == 4, r
    assert "locked" in r.stderr and "--force" in r.stderr
    r = cli("app", "apply", DOCKER_JSON, "--set", "instances=3", "--no-wait", "--force", env=marathon_profile_env)
    assert r.exit_code == 0, r


def test_list_show_tasks_scale_restart_delete(cli, marathon_lab, marathon_profile_env):
    env = marathon_profile_env
    assert cli("app", "post", DOCKER_JSON, env=env).exit_code == 0
    r = cli("app", "list", env=env)
    assert r.exit_code == 0 and r.stdout.startswith("/webapp1\t2/2\t2/2\tavinetworks/server\t"), r
    r = cli("app", "list", "-o", "name", env=env)
    assert r.stdout == "/webapp1\n"
    r = cli("app", "show", "webapp1", env=env)
    assert r.exit_code == 0 and "network\tBRIDGE" in r.stdout
    r = cli("app", "tasks", "webapp1", "-o", "json", env=env)
    tasks = json.loads(r.stdout)
    assert len(tasks) == 2 and {t["host"] for t in tasks} == {"10.0.1.10", "10.0.1.11"}
    r = cli("app", "scale", "webapp1", "3", "--wait", env=env)
    assert r.exit_code == 0, r
    assert len(json.loads(cli("app", "tasks", "webapp1", "-o", "json", env=env).stdout)) == 3
    r = cli("app", "restart", "webapp1", "--wait", env=env)
    assert r.exit_code == 0, r
    new_ids = {t["id"] for t in json.loads(cli("app", "tasks", "webapp1", "-o", "json", env=env).stdout)}
    assert not new_ids & {t["id"] for t in tasks}
    r = cli("app", "delete", "webapp1", env=env)
    assert r.exit_code == 2 and "--yes" in r.stderr
    assert marathon_lab.sent("DELETE") == []
    r = cli("app", "delete", "webapp1", "--yes", env=env)
    assert r.exit_code == 0, r
    r = cli("app", "show", "webapp1", env=env)
    assert r.exit_code == 3, r


def test_missing_app_exits_3(cli, marathon_lab, marathon_profile_env):
    for args in (("app", "show", "/nope"), ("app", "tasks", "nope"), ("app", "ports", "nope"),
                 ("app", "wait", "nope", "--timeout", "2"), ("app", "delete", "nope", "--yes")):
        r = cli(*args, env=marathon_profile_env)
        assert r.exit_code == 3, (args, r)


def test_bad_app_id_argument_exits_2(cli, marathon_lab, marathon_profile_env):
    r = cli("app", "show", "/Web_App", env=marathon_profile_env)
    assert r.exit_code == 2 and marathon_lab.sent() == []


def test_crash_loop_ends_with_exit_7_and_the_failure(cli, marathon_lab, marathon_profile_env):
    marathon_lab.deploy_seconds = 0.2
    r = cli("app", "post", DOCKER_JSON, "--set", "cmd=./server; exit 1", "--timeout", "1.5",
            env=marathon_profile_env)
    assert r.exit_code == 7, r
    assert "timed out after 1.5s waiting for /webapp1" in r.stderr, r  # at its limit, not Marathon's (never)
    assert "last task failure" in r.stderr and "Command exited with status 1" in r.stderr
    # the deployment is still there: Marathon never gives up by itself
    r = cli("deployment", "list", "-o", "json", env=marathon_profile_env)
    deps = json.loads(r.stdout)
    assert len(deps) == 1 and deps[0]["affectedApps"] == ["/webapp1"]
    r = cli("deployment", "watch", deps[0]["id"], "--timeout", "0.5", env=marathon_profile_env)
    assert r.exit_code == 7 and "Command exited" in r.stderr
    r = cli("deployment", "cancel", deps[0]["id"], env=marathon_profile_env)
    assert r.exit_code == 2  # no --yes without a terminal
    r = cli("deployment", "cancel", deps[0]["id"], "--yes", "--force", "-o", "json", env=marathon_profile_env)
    assert r.exit_code == 0, r
    assert json.loads(r.stdout)["action"] == "stopped"
    assert json.loads(cli("deployment", "list", "-o", "json", env=marathon_profile_env).stdout) == []


def test_no_marathon_configured_is_a_usage_error(cli):
    r = cli("app", "list")
    assert r.exit_code == 2 and "MARATHON_URL" in r.output


def test_cannot_connect_exits_6(cli):
    r = cli("app", "list", env={"MARATHON_URL": "http://127.0.0.1:9"})
    assert r.exit_code == 6, r


def test_help_has_examples(cli):
    for group, cmds in (("app", ("list", "show", "post", "apply", "scale", "restart", "delete", "tasks", "ports",
                                 "wait")), ("deployment", ("list", "watch", "cancel"))):
        for cmd in cmds:
            r = cli(group, cmd, "--help")
            assert r.exit_code == 0 and "Examples:" in r.stdout, (group, cmd, r)


def test_scale_checks_the_app_and_n_before_sending(cli, marathon15):
    env = {"MARATHON_URL": marathon15.url}
    r = cli("app", "scale", "/nope", "3", env=env)
    assert r.exit_code == 3 and "not found" in r.stderr, r
    assert cli("app", "scale", "/nope", "99999999999", env=env).exit_code == 2
    assert not marathon15.sent("PUT")


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
    assert rows[0]["avi_vs_port"] == "-" and "warning:" in r.stderr


def test_ports_show_the_avi_vs_port_from_the_controller(cli, avi_marathon, avi_env):
    env = {**avi_env, "MARATHON_URL": avi_marathon.url}
    assert cli("app", "post", DOCKER_JSON, env=env).exit_code == 0
    r = cli("app", "ports", "/webapp1", "-o", "json", env=env)
    assert r.exit_code == 0, r
    row = json.loads(r.stdout)[0]
    assert row["avi_vs_port"] == row["service_port"] >= 10000, r
