"""`avictl status` as a doctor: every link of the chain, one row each, against the stand-ins over HTTP.

Each broken link must fail its own row (with a hint that is a command) and leave the others
alone; `--app` adds the app's chain, where a redeploy onto a new service port is drift until
`elb retarget --app` follows it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from plugins.avi_lab import post_marathon_app
from plugins.chain_lab import chain, lab_post, wait_for  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
BASE_ROWS = ["marathon", "mesos master", "controller", "mesos cloud", "service engines", "aws", "load balancer"]
APP_ROWS = ["app tasks", "app virtual service", "elb listener", "elb health check", "security group",
            "elb instances"]


def rows_of(result: Any) -> dict[str, dict[str, Any]]:
    data = json.loads(result.stdout)
    assert all(set(r) == {"check", "ok", "detail", "hint", "seconds"} for r in data)
    return {r["check"]: r for r in data}


def failing(rows: dict[str, dict[str, Any]]) -> list[str]:
    return [name for name, r in rows.items() if not r["ok"]]


def deploy_webapp(c: dict[str, Any]) -> dict[str, Any]:
    return post_marathon_app(c["marathon"], json.loads((ROOT / "examples" / "Docker.json").read_text()),
                             wait_running=2)


@pytest.mark.parametrize("versions", [
    {"marathon": "0.9.0", "mesos": "0.28.2", "avi": "17.2"},
    {"marathon": "1.5.0", "mesos": "1.4.0", "avi": "22.1"},
], ids=["marathon0.9-mesos0.28-avi17.2", "marathon1.5-mesos1.4-avi22.1"])
def test_every_link_holds_one_row_each(cli, chain, versions):
    c = chain(**versions)
    r = cli("status", "-o", "json", env=c["env"])
    assert r.exit_code == 0, r
    rows = rows_of(r)
    assert list(rows) == BASE_ROWS
    assert not failing(rows)
    assert rows["marathon"]["detail"].startswith(f"Marathon {versions['marathon']}, leader ")
    assert f"Mesos {versions['mesos']}" in rows["mesos master"]["detail"]
    assert "2/2 agents active" in rows["mesos master"]["detail"]
    assert rows["controller"]["detail"].startswith("Avi " + versions["avi"])
    assert "CLOUD_STATE_PLACEMENT_READY" in rows["mesos cloud"]["detail"]
    assert rows["service engines"]["detail"] == "2/2 active nodes have a Service Engine up"
    assert all(r["hint"] is None and r["seconds"] >= 0 for r in rows.values())
    table = cli("status", env=c["env"])  # piped: tab-separated rows CHECK, OK, DETAIL, SECONDS, HINT
    assert table.exit_code == 0 and table.stdout.splitlines()[0].split("\t")[:2] == ["marathon", "ok"]


def test_a_stopped_se_fails_only_its_row(cli, chain):
    c = chain()
    lab_post(c["avi"], "se", {"name": c["hosts"][1], "state": "stopped"}, ca=c["ca"])
    r = cli("status", "-o", "json", env=c["env"])
    rows = rows_of(r)
    assert failing(rows) == ["service engines"], r
    assert rows["service engines"]["detail"].startswith("1/2 active nodes have a Service Engine up: ")
    assert f"{c['hosts'][1]} (OPER_DOWN)" in rows["service engines"]["detail"]
    assert rows["service engines"]["hint"] == "avictl node list --check"
    assert r.exit_code == 1 and "1 of 7 checks failed: service engines" in r.stderr


def test_an_inactive_agent_needs_no_se(cli, chain):
    c = chain()
    lab_post(c["mesos"], "agents", {"hostname": c["hosts"][1], "active": False})  # before the cloud made its SE
    r = cli("status", "-o", "json", env=c["env"])
    assert r.exit_code == 0, r
    rows = rows_of(r)
    assert "1/2 agents active" in rows["mesos master"]["detail"]
    assert rows["service engines"]["detail"] == "1/1 active nodes have a Service Engine up"


def test_a_mesos_master_that_is_down(cli, chain):
    """The master's row fails with exit 6's reason; the controller's own cloud view says the same.

    The SE row still judges the SEs (without the agents), so it does not fail for the master.
    """
    c = chain()
    assert cli("se", "list", env=c["env"]).stdout.count("OPER_UP") == 2  # the cloud has its SEs
    c["mesos"].stop()
    r = cli("--request-timeout", "2", "status", "-o", "json", env=c["env"])
    rows = rows_of(r)
    assert failing(rows) == ["mesos master", "mesos cloud"], r
    assert "cannot connect to Mesos master" in rows["mesos master"]["detail"]
    assert rows["mesos master"]["hint"] == "avictl config set mesos http://HOST:5050"
    assert "Mesos master" in rows["mesos cloud"]["detail"] and "CLOUD_STATE_FAILED" in rows["mesos cloud"]["detail"]
    assert rows["service engines"]["ok"] and rows["service engines"]["detail"].startswith("2/2 Service Engines up")
    assert r.exit_code == 1  # two kinds of failure (cannot connect, cloud not ready)


def test_a_wrong_password_fails_the_controller_row_exit_5(cli, chain):
    c = chain()
    r = cli("status", "-o", "json", env={**c["env"], "AVI_PASSWORD": "not-the-password"})
    rows = rows_of(r)
    assert failing(rows) == ["controller", "mesos cloud", "service engines"], r
    assert "login failed" in rows["controller"]["detail"] and rows["controller"]["hint"] == "avictl login"
    for name in ("mesos cloud", "service engines"):  # not checked: they need the login
        assert rows[name]["detail"] == "not checked: controller failed" and rows[name]["hint"] is None
    assert r.exit_code == 5
    assert "not-the-password" not in r.output


def test_nothing_answers_is_exit_6(cli, chain):
    c = chain()
    for server in (c["marathon"], c["mesos"], c["avi"]):
        server.stop()
    env = {k: v for k, v in c["env"].items() if not k.startswith("AWS_") and k != "AVICTL_ELB"}
    r = cli("--request-timeout", "2", "status", "-o", "json", env=env)
    rows = rows_of(r)
    assert failing(rows) == ["marathon", "mesos master", "controller", "mesos cloud", "service engines"]
    assert r.exit_code == 6, r


def test_factory_default_password_is_warned_never_tried(cli, chain):
    c = chain(password="admin")
    r = cli("status", env=c["env"])
    assert r.exit_code == 0
    assert "warning: the controller password in use is the factory default (admin/admin)" in r.stderr
    assert "/api/useraccount" in r.stderr
    login = cli("login", "--no-store", env=c["env"])
    assert login.exit_code == 0 and "factory default (admin/admin)" in login.stderr
    # with another password no warning, and avictl never logs in with admin/admin by itself
    other = chain()
    r = cli("status", env=other["env"])
    assert "factory default" not in r.stderr
    logins = [_login_password(x["body"]) for x in other["avi"].sent("POST", "^/login")]
    assert logins and all(p == other["avi"].password for p in logins)


def _login_password(body: str) -> str | None:
    """The password of a login body (a form, as the SDK sends it, or JSON)."""
    from urllib.parse import parse_qs

    try:
        return json.loads(body).get("password")
    except ValueError:
        return (parse_qs(body).get("password") or [None])[0]


@pytest.mark.parametrize("versions", [{"marathon": "0.9.0", "avi": "18.2"}, {"marathon": "1.5.0", "avi": "22.1"}],
                         ids=["marathon0.9-avi18.2", "marathon1.5-avi22.1"])
def test_app_chain_drift_after_a_redeploy_until_retarget(cli, chain, tmp_path, versions):
    c = chain(**versions)
    elb = c["world"]["elb_name"]
    deploy_webapp(c)
    assert cli("elb", "retarget", elb, "--app", "/webapp1", "--yes", env=c["env"]).exit_code == 0
    r = cli("status", "--app", "/webapp1", "-o", "json", env=c["env"])
    rows = rows_of(r)
    assert list(rows)[:len(BASE_ROWS) + len(APP_ROWS)] == BASE_ROWS + APP_ROWS
    assert [n for n in failing(rows) if n != "elb probe"] == [], r
    assert rows["app tasks"]["detail"] == "2/2 running, 2/2 healthy"
    assert rows["app virtual service"]["detail"] == "webapp1 OPER_UP on port 10000, 2/2 members up"
    assert rows["elb listener"]["detail"] == "80/HTTP → 10000/HTTP = webapp1's service port"
    assert rows["elb health check"]["detail"] == "HTTP:10000/"
    assert rows["elb instances"]["detail"] == "2/2 instances in service"

    # a redeploy moves the app to service port 10003: the ELB still forwards to 10000
    app = json.loads((ROOT / "examples" / "Docker.json").read_text())
    app["container"]["docker"]["portMappings"][0]["servicePort"] = 10003
    moved = tmp_path / "Docker.json"
    moved.write_text(json.dumps(app))
    assert cli("app", "apply", str(moved), env=c["env"]).exit_code == 0
    wait_for(lambda: "10003" in cli("vs", "port", "/webapp1", env=c["env"]).stdout, what="the VS on 10003")
    r = cli("status", "--app", "/webapp1", "-o", "json", env=c["env"])
    rows = rows_of(r)
    assert rows["elb listener"] == {**rows["elb listener"], "ok": False,
                                    "detail": "ELB :80 forwards to 10000 but /webapp1's VS now listens on 10003",
                                    "hint": f"avictl elb retarget {elb} --app /webapp1"}
    assert not rows["elb health check"]["ok"] and rows["elb health check"]["hint"] == rows["elb listener"]["hint"]
    assert r.exit_code == 1

    # the hint is a working command, and afterwards the drift is gone
    assert cli(*rows["elb listener"]["hint"].split()[1:], "--yes", env=c["env"]).exit_code == 0
    rows = rows_of(cli("status", "--app", "/webapp1", "-o", "json", env=c["env"]))
    assert rows["elb listener"]["ok"] and rows["elb listener"]["detail"].startswith("80/HTTP → 10003/HTTP")
    assert rows["elb health check"]["ok"]


def test_app_chain_unknown_app_and_no_vs(cli, chain):
    c = chain()
    r = cli("status", "--app", "/nope", "-o", "json", env=c["env"])
    rows = rows_of(r)
    assert not rows["app tasks"]["ok"] and rows["app tasks"]["hint"] == "avictl app list"
    assert not rows["app virtual service"]["ok"]
    assert rows["elb listener"]["detail"] == "not checked: app virtual service failed"
    assert r.exit_code == 3  # only missing things (the app, its VS)


def test_status_wait_returns_once_a_late_se_comes_up(cli, chain):
    c = chain()
    lab_post(c["avi"], "se", {"name": c["hosts"][0], "up_in": 6}, ca=c["ca"])
    quick = cli("status", "-o", "json", env=c["env"])
    assert failing(rows_of(quick)) == ["service engines"] and "OPER_CREATING" in quick.stdout
    c["avi"].clear_requests()
    # the limit is beyond pytest's timeout (120 s): a wait that only returned at it fails the test
    r = cli("status", "--wait", "--timeout", "600", "-o", "json", env=c["env"])
    assert r.exit_code == 0, r
    assert not failing(rows_of(r))
    rounds = len(c["avi"].sent("GET", "^/api/serviceengine"))
    assert rounds <= 10, rounds  # rounds 2 s apart until the SE was up (6 s: about 4), not a storm


def test_status_wait_times_out_with_exit_7(cli, chain):
    c = chain()
    lab_post(c["avi"], "se", {"name": c["hosts"][0], "state": "stopped"}, ca=c["ca"])
    r = cli("status", "--wait", "--timeout", "1", env=c["env"])
    assert r.exit_code == 7, r
    assert "not every check held within 1 s" in r.stderr and "service engines" in r.stderr


def test_status_help_documents_the_exit_codes(cli):
    r = cli("status", "--help")
    assert r.exit_code == 0
    text = " ".join(r.stdout.split())
    assert "6 when nothing answers" in text and "1 for a mix" in text and "--wait" in text


def test_nothing_configured_is_exit_2(cli):
    r = cli("status")
    assert r.exit_code == 2 and "nothing is configured" in r.stderr
