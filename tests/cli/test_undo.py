"""`avictl history` and `avictl undo` as a user runs them, against the Marathon stand-in and moto's server.

Every assertion about the systems reads them back (the stand-in's state, moto through boto3,
moto's request recorder); the journal is read from its file.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import httpx

from avictl.journal import read_entries

EXAMPLE = str(Path(__file__).resolve().parents[2] / "examples" / "Docker.json")


def journal_file(home: Path) -> Path:
    return home / "home" / ".local" / "state" / "avictl" / "journal.jsonl"


def app_of(marathon, app_id="/webapp1"):
    r = httpx.get(f"{marathon.url}/v2/apps{app_id}", timeout=10)
    return r.json()["app"] if r.status_code == 200 else None


def classic(boto, name):
    desc = boto["elb"].describe_load_balancers(LoadBalancerNames=[name])["LoadBalancerDescriptions"][0]
    return [(ld["Listener"]["LoadBalancerPort"], ld["Listener"]["InstancePort"])
            for ld in desc["ListenerDescriptions"]], desc["HealthCheck"]["Target"]


# -- Marathon ------------------------------------------------------------------------------------


def test_app_update_undone_then_create_undone(cli, marathon15, avictl_home):
    env = {"MARATHON_URL": marathon15.url}
    assert cli("app", "post", EXAMPLE, env=env).exit_code == 0
    assert cli("app", "apply", EXAMPLE, "--set", "mem=96", "--set", "instances=3", env=env).exit_code == 0
    assert app_of(marathon15)["mem"] == 96

    plan = cli("undo", "--dry-run", env=env)
    assert plan.exit_code == 0, plan
    assert "put app /webapp1 back" in plan.stdout and "mem 96 → 64" in plan.stdout
    assert "dry run" in plan.stderr
    assert app_of(marathon15)["mem"] == 96 and marathon15.sent("PUT", "^/v2/apps/webapp1") != []
    puts = len(marathon15.sent("PUT"))

    r = cli("undo", env=env)  # not a terminal: --yes is required
    assert r.exit_code == 2 and "--yes" in r.stderr
    assert len(marathon15.sent("PUT")) == puts

    r = cli("undo", "--yes", env=env)
    assert r.exit_code == 0, r
    app = app_of(marathon15)
    assert (app["mem"], app["instances"]) == (64, 2)
    entries, _ = read_entries(journal_file(avictl_home))
    undo_entry, update_entry = entries[0], entries[1]
    assert undo_entry.undoes == update_entry.group and undo_entry.outcome == "applied"
    assert undo_entry.before["mem"] == 96 and undo_entry.after["mem"] == 64

    # the next `undo` walks further back: the create → the app is deleted
    r = cli("undo", "--yes", env=env)
    assert r.exit_code == 0, r
    assert "delete app /webapp1" in r.stdout
    deadline = time.monotonic() + 10
    while app_of(marathon15) is not None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert app_of(marathon15) is None

    hist = cli("history", "-o", "json", env=env)
    rows = json.loads(hist.stdout)
    assert [r["action"] for r in rows] == ["delete", "update", "update", "create"]
    assert rows[0]["undoes"] == rows[3]["group"] and rows[1]["undoes"] == rows[2]["group"]


def test_app_drift_refused_with_exit_4_then_forced(cli, marathon15, avictl_home):
    env = {"MARATHON_URL": marathon15.url}
    assert cli("app", "post", EXAMPLE, env=env).exit_code == 0
    assert cli("app", "apply", EXAMPLE, "--set", "mem=96", env=env).exit_code == 0
    # someone changes the app by hand after avictl's change
    deadline = time.monotonic() + 10
    while True:
        r = httpx.put(f"{marathon15.url}/v2/apps/webapp1", json={"mem": 128}, timeout=10)
        if r.status_code < 400 or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert r.status_code < 400, r.text
    marathon15.clear_requests()
    r = cli("undo", "--yes", env=env)
    assert r.exit_code == 4, r
    assert "mem" in r.stdout and "96" in r.stdout and "128" in r.stdout  # the difference is shown
    assert "--force" in r.stderr
    assert marathon15.sent("PUT") == [] and marathon15.sent("POST") == [] and marathon15.sent("DELETE") == []

    deadline = time.monotonic() + 10  # the hand-made change's deployment finishes first
    while httpx.get(f"{marathon15.url}/v2/deployments", timeout=10).json() and time.monotonic() < deadline:
        time.sleep(0.1)
    r = cli("undo", "--yes", "--force", env=env)
    assert r.exit_code == 0, r
    assert app_of(marathon15)["mem"] == 64


def test_undo_by_id_and_unknown_id(cli, marathon15, avictl_home):
    env = {"MARATHON_URL": marathon15.url}
    assert cli("app", "post", EXAMPLE, "--no-wait", env=env).exit_code == 0
    entry = json.loads(cli("history", "-o", "json", env=env).stdout)[0]
    assert cli("undo", "deadbeef", "--yes", env=env).exit_code == 3
    assert cli("undo", "zz", "--yes", env=env).exit_code == 2
    r = cli("undo", entry["id"], "--dry-run", "-o", "json", env=env)
    assert r.exit_code == 0, r
    plan = json.loads(r.stdout)
    assert plan["group"] == entry["group"] and plan["result"] == "dry run"
    assert plan["steps"][0]["kind"] == "delete_app" and plan["steps"][0]["detail"]["app"] == "/webapp1"


# -- AWS: retarget ------------------------------------------------------------------------------


def test_retarget_undone_through_the_retarget_path(cli, aws_world, boto, avictl_home):
    env, name = aws_world["env"], aws_world["elb_name"]
    r = cli("elb", "retarget", name, "--port", "10001", "--health-path", "/health", "--yes", env=env)
    assert r.exit_code == 0, r
    assert classic(boto, name) == ([(80, 10001)], "HTTP:10001/health")
    entries, _ = read_entries(journal_file(avictl_home))
    by_object = {e.object: e for e in entries}
    listener = by_object[f"elb {name} listener 80"]
    health = by_object[f"elb {name} health-check"]
    assert listener.before["instance_port"] == 80 and listener.after["instance_port"] == 10001
    assert health.before["target"] == "HTTP:80/" and health.after["target"] == "HTTP:10001/health"
    assert listener.group == health.group and {listener.outcome, health.outcome} == {"applied"}

    r = cli("undo", "--yes", env=env)
    assert r.exit_code == 0, r
    assert classic(boto, name) == ([(80, 80)], "HTTP:80/")
    entries, _ = read_entries(journal_file(avictl_home))
    undo_entries = [e for e in entries if e.undoes == listener.group]
    assert {e.object for e in undo_entries} == {f"elb {name} listener 80", f"elb {name} health-check"}
    assert all(e.outcome == "applied" for e in undo_entries)


def test_elb_edited_by_hand_refused_with_no_write_then_forced(cli, aws_world, boto, avictl_home, tmp_path):
    from moto.moto_api import recorder

    env, name = aws_world["env"], aws_world["elb_name"]
    assert cli("elb", "retarget", name, "--port", "10001", "--yes", env=env).exit_code == 0
    boto["elb"].configure_health_check(LoadBalancerName=name, HealthCheck={
        "Target": "TCP:10001", "Interval": 30, "Timeout": 5, "HealthyThreshold": 2, "UnhealthyThreshold": 2})

    recorder._location = str(tmp_path / "moto-recording")  # moto's request log, for this test only
    endpoint = aws_world["endpoint_url"]
    httpx.post(f"{endpoint}/moto-api/recorder/reset-recording")
    httpx.post(f"{endpoint}/moto-api/recorder/start-recording")
    try:
        r = cli("undo", "--yes", env=env)
    finally:
        httpx.post(f"{endpoint}/moto-api/recorder/stop-recording")
    assert r.exit_code == 4, r
    assert "health_check.target" in r.stdout and "TCP:10001" in r.stdout and "HTTP:10001/" in r.stdout
    sent = [json.loads(line) for line in (tmp_path / "moto-recording").read_text().splitlines() if line.strip()]
    actions = [_action(e) for e in sent]
    assert actions and all(a.startswith(("Describe", "Get", "List")) for a in actions), actions
    assert classic(boto, name) == ([(80, 10001)], "TCP:10001")

    r = cli("undo", "--yes", "--force", env=env)
    assert r.exit_code == 0, r
    assert classic(boto, name) == ([(80, 80)], "HTTP:80/")


def _action(recorded: dict) -> str:
    import base64
    from urllib.parse import parse_qs, urlsplit

    body = recorded.get("body") or ""
    if recorded.get("body_encoded"):
        body = base64.b64decode(body).decode("utf-8", "replace")
    query = parse_qs(urlsplit(recorded["url"]).query)
    fields = parse_qs(body) if "=" in body else {}
    target = recorded.get("headers", {}).get("X-Amz-Target", "")
    return (fields.get("Action") or query.get("Action") or [target.split(".")[-1] or "?"])[0]


def test_failed_retarget_is_journaled_as_rolled_back(cli, aws_world, boto, avictl_home):
    env, name = aws_world["env"], aws_world["elb_name"]
    r = cli("elb", "retarget", name, "--port", "10003", "--yes", env={**env, "AVICTL_FAULT_STEP": "create_listener"})
    assert r.exit_code == 8, r
    entries, _ = read_entries(journal_file(avictl_home))
    outcomes = {e.object: e.outcome for e in entries}
    assert outcomes == {f"elb {name} listener 80": "rolled back", f"elb {name} health-check": "rolled back"}
    rows = json.loads(cli("history", "-o", "json", env=env).stdout)
    assert {r["outcome"] for r in rows} == {"rolled back"}
    r = cli("undo", "--yes", env=env)  # nothing of it is in place: nothing to undo
    assert r.exit_code == 3, r
    assert classic(boto, name) == ([(80, 80)], "HTTP:80/")


def test_added_security_group_rule_is_revoked(cli, aws_world, boto, avictl_home):
    env, name = aws_world["env"], aws_world["elb_name"]
    r = cli("elb", "retarget", name, "--port", "8080", "--fix-security-group", "--yes", env=env)
    assert r.exit_code == 0, r
    entries, _ = read_entries(journal_file(avictl_home))
    rule = next(e for e in entries if e.object.startswith("ec2 security-group"))
    assert rule.object.endswith("ingress 8080") and rule.before is None and rule.after["ingress"]["port"] == 8080
    group_id = rule.object.split()[2]

    def has_8080() -> bool:
        sg = boto["ec2"].describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]
        return any(p.get("FromPort") == 8080 for p in sg["IpPermissions"])

    assert has_8080()
    r = cli("undo", "--yes", env=env)
    assert r.exit_code == 0, r
    assert not has_8080()
    assert classic(boto, name) == ([(80, 80)], "HTTP:80/")


def test_alb_retarget_undone(cli, aws_world, boto, avictl_home):
    env, name = aws_world["env"], aws_world["alb_name"]
    r = cli("elb", "retarget", name, "--port", "10005", "--yes", "--timeout", "10", env=env)
    assert r.exit_code == 0, r
    r = cli("undo", "--yes", "--timeout", "10", env=env)
    assert r.exit_code == 0, r
    health = boto["elbv2"].describe_target_health(TargetGroupArn=aws_world["target_group_arn"])
    ports = {d["Target"].get("Port") for d in health["TargetHealthDescriptions"]
             if d["TargetHealth"]["State"] != "draining"}
    assert ports == {80}, health


# -- deploy: the whole procedure undone --------------------------------------------------------


def test_whole_deploy_undone(cli, seed_lab, boto, avictl_home):
    env, name = seed_lab["env"], seed_lab["world"]["elb_name"]
    r = cli("deploy", EXAMPLE, "--yes", env=env)
    assert r.exit_code == 0, r
    assert app_of(seed_lab["marathon"]) is not None
    assert classic(boto, name)[0][0][1] >= 10000
    groups = {e.group for e in read_entries(journal_file(avictl_home))[0]}
    assert len(groups) == 1  # one command, one group: the app and the load balancer

    r = cli("undo", "--yes", env=env)
    assert r.exit_code == 0, r
    assert classic(boto, name) == ([(80, 80)], "HTTP:80/")
    deadline = time.monotonic() + 10
    while app_of(seed_lab["marathon"]) is not None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert app_of(seed_lab["marathon"]) is None


def test_stack_groups_are_not_undone(cli, avictl_home, tmp_path):
    from avictl.journal import Journal

    j = Journal(path=journal_file(avictl_home), profile="default", command="avictl stack create lab")
    with j.change("aws", "cloudformation stack lab", "create stack", after={"StackName": "lab"}):
        pass
    r = cli("undo", "--yes")
    assert r.exit_code == 2, r
    assert "stack delete lab" in r.stderr


# -- crashes and concurrency ----------------------------------------------------------------------


def test_two_concurrent_avictl_processes_leave_a_valid_journal(marathon15, avictl_home):
    from conftest import isolated_env

    env = isolated_env(avictl_home, {"MARATHON_URL": marathon15.url})
    procs = [subprocess.Popen([sys.executable, "-m", "avictl", "app", "post", EXAMPLE, "--set", f"id=/app{n}",
                               "--no-wait"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for n in range(2)]
    for p in procs:
        out, err = p.communicate(timeout=60)
        assert p.returncode == 0, err
    lines = journal_file(avictl_home).read_text().splitlines()
    assert len(lines) == 4 and all(json.loads(x)["id"] for x in lines)
    entries, damaged = read_entries(journal_file(avictl_home))
    assert damaged == 0 and len(entries) == 2
    assert {e.object for e in entries} == {"marathon app /app0", "marathon app /app1"}
    assert len({e.group for e in entries}) == 2 and {e.outcome for e in entries} == {"applied"}


# -- the controller: `api` writes -------------------------------------------------------------------


def test_api_writes_are_journaled_and_undone(cli, avi_lab, avi_env, avictl_home, tmp_path):
    body = tmp_path / "pool.json"
    body.write_text(json.dumps({"name": "journal-pool", "description": "first"}))
    r = cli("api", "POST", "/api/pool", "--data", str(body), "-o", "json", env=avi_env)
    assert r.exit_code == 0, r
    pool = json.loads(r.stdout)
    path = f"/api/pool/{pool['uuid']}"
    body.write_text(json.dumps({**pool, "description": "second"}))
    assert cli("api", "PUT", path, "--data", str(body), env=avi_env).exit_code == 0
    entries, _ = read_entries(journal_file(avictl_home))
    assert [(e.object, e.action) for e in entries] == [("avi pool journal-pool", "update"),
                                                        ("avi pool journal-pool", "create")]
    assert entries[0].before["description"] == "first" and entries[0].after["description"] == "second"

    assert cli("undo", "--yes", env=avi_env).exit_code == 0  # the PUT: back to "first"
    now = json.loads(cli("api", "GET", path, "-o", "json", env=avi_env).stdout)
    assert now["description"] == "first"
    assert cli("undo", "--yes", env=avi_env).exit_code == 0  # the POST: the pool is deleted
    assert cli("api", "GET", path, env=avi_env).exit_code == 3
