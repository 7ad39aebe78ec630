"""`avictl elb list|show|health|retarget` as a user runs them, against moto's server over HTTP."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import pytest

FORMATS = ["table", "wide", "tsv", "json", "jsonl", "yaml", "name"]


def listeners(boto, name):
    desc = boto["elb"].describe_load_balancers(LoadBalancerNames=[name])["LoadBalancerDescriptions"][0]
    return [ld["Listener"] for ld in desc["ListenerDescriptions"]], desc["HealthCheck"]


# -- list / show / health ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_elb_list_every_format(cli, aws_world, fmt):
    r = cli("elb", "list", "-o", fmt, env=aws_world["env"])
    assert r.exit_code == 0, r
    if fmt == "json":
        data = json.loads(r.stdout)
        assert [lb["name"] for lb in data] == [aws_world["elb_name"], aws_world["alb_name"], aws_world["nlb_name"]]
        classic = data[0]
        assert classic["listeners"][0]["instance_port"] == 80
        assert classic["health_check"]["target"] == "HTTP:80/"
        assert classic["in_service"] == 2 and classic["total"] == 2
        assert data[1]["target_groups"][0]["name"] == aws_world["target_group_name"]
    elif fmt == "jsonl":
        assert [json.loads(line)["type"] for line in r.stdout.splitlines()] == ["classic", "application", "network"]
    elif fmt == "name":
        assert r.stdout.split() == [aws_world["elb_name"], aws_world["alb_name"], aws_world["nlb_name"]]
    elif fmt == "yaml":
        assert "avi-mesos-PublicSlaveL" in r.stdout and "dns_name" in r.stdout
    else:
        line = next(ln for ln in r.stdout.splitlines() if ln.startswith(aws_world["elb_name"]))
        assert "80/HTTP → 80/HTTP" in line and "HTTP:80/" in line and "2/2" in line
        assert aws_world["elb_dns"] in line
        assert ("internet-facing" in line) == (fmt == "wide")
        if fmt in ("table", "wide"):
            assert r.stdout.splitlines()[0].split()[:3] == ["NAME", "TYPE", "DNS"]


@pytest.mark.parametrize("fmt", ["table", "tsv", "json", "yaml", "name"])
def test_elb_show_every_format(cli, aws_world, fmt):
    r = cli("elb", "show", aws_world["elb_name"], "-o", fmt, env=aws_world["env"])
    assert r.exit_code == 0, r
    if fmt == "json":
        data = json.loads(r.stdout)
        assert data["name"] == aws_world["elb_name"] and data["security_groups"] == [aws_world["elb_security_group"]]
        assert {i["id"] for i in data["instances"]} == set(aws_world["instance_ids"])
    elif fmt == "name":
        assert r.stdout.strip() == aws_world["elb_name"]
    elif fmt != "yaml":
        assert "80/HTTP → 80/HTTP" in r.stdout and "HTTP:80/ (every 10s" in r.stdout and "2/2 in service" in r.stdout


def test_elb_show_alb_and_default_name_from_env(cli, aws_world):
    r = cli("elb", "show", "-o", "json", env={**aws_world["env"], "AVICTL_ELB": aws_world["alb_name"]})
    assert r.exit_code == 0, r
    data = json.loads(r.stdout)
    assert data["type"] == "application" and data["listeners"][0]["target_group_arns"] == [
        aws_world["target_group_arn"]]


def test_elb_health(cli, aws_world, boto):
    boto["ec2"].stop_instances(InstanceIds=aws_world["instance_ids"][:1])
    r = cli("elb", "health", aws_world["elb_name"], "-o", "json", env=aws_world["env"])
    assert r.exit_code == 0, r
    states = {i["id"]: i["state"] for i in json.loads(r.stdout)}
    assert states == {aws_world["instance_ids"][0]: "OutOfService", aws_world["instance_ids"][1]: "InService"}
    r = cli("elb", "health", aws_world["alb_name"], env=aws_world["env"])
    assert r.exit_code == 0, r
    assert "\tunused\tTarget is in the stopped state" in r.stdout and "\thealthy\t" in r.stdout, r


def test_unknown_elb_and_stack_exit_3(cli, aws_world):
    r = cli("elb", "show", "no-such-elb", env=aws_world["env"])
    assert r.exit_code == 3 and "no-such-elb" in r.stderr and "not found" in r.stderr, r
    r = cli("elb", "retarget", "no-such-elb", "--port", "10001", "--yes", env=aws_world["env"])
    assert r.exit_code == 3, r
    r = cli("stack", "show", "no-such-stack", env=aws_world["env"])
    assert r.exit_code == 3, r


def test_no_credentials_exit_5_with_hint(cli, moto_endpoint):
    # A real (non-loopback) endpoint: boto3 refuses to sign before anything is sent.
    r = cli("elb", "list", env={"AWS_ENDPOINT_URL": "https://elasticloadbalancing.us-east-1.amazonaws.com",
                                "AWS_REGION": "us-east-1"})
    assert r.exit_code == 5, r
    assert "credentials" in r.stderr and "hint:" in r.stderr and "AWS_PROFILE" in r.stderr
    assert "Traceback" not in r.stderr


def test_loopback_endpoint_without_credentials_uses_placeholder_keys(cli, aws_world):
    """`avictl lab` and moto on 127.0.0.1 need no AWS keys (AWS itself is never loopback)."""
    env = {k: v for k, v in aws_world["env"].items() if not k.startswith("AWS_ACCESS") and "SECRET" not in k}
    r = cli("elb", "list", "-o", "name", env=env)
    assert r.exit_code == 0 and "avi-mesos-PublicSlaveL" in r.stdout, r


def test_unreachable_endpoint_exit_6(cli):
    r = cli("elb", "list", "--timeout", "2", env={"AWS_ENDPOINT_URL": "http://127.0.0.1:9", "AWS_REGION": "us-east-1",
                                                 "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                                                 "AWS_MAX_ATTEMPTS": "1"})
    assert r.exit_code == 6, r


# -- retarget ---------------------------------------------------------------------------------------


def test_retarget_classic(cli, aws_world, boto):
    r = cli("elb", "retarget", aws_world["elb_name"], "--port", "10001", "--health-path", "/health", "--yes",
            "--wait", "--timeout", "10", env=aws_world["env"])
    assert r.exit_code == 0, r
    assert "80/HTTP → 80/HTTP" in r.stdout and "80/HTTP → 10001/HTTP" in r.stdout
    assert "HTTP:10001/health" in r.stdout and "changed" in r.stderr
    ls, hc = listeners(boto, aws_world["elb_name"])
    assert [(x["LoadBalancerPort"], x["Protocol"], x["InstancePort"]) for x in ls] == [(80, "HTTP", 10001)]
    assert hc == {"Target": "HTTP:10001/health", "Interval": 10, "Timeout": 5, "UnhealthyThreshold": 2,
                  "HealthyThreshold": 2}


def test_retarget_health_flags_and_tcp(cli, aws_world, boto):
    r = cli("elb", "retarget", aws_world["elb_name"], "--port", "10002", "--health-protocol", "TCP",
            "--interval", "30", "--health-timeout", "10", "--healthy-threshold", "3", "--unhealthy-threshold", "4",
            "--yes", env=aws_world["env"])
    assert r.exit_code == 0, r
    _, hc = listeners(boto, aws_world["elb_name"])
    assert hc == {"Target": "TCP:10002", "Interval": 30, "Timeout": 10, "UnhealthyThreshold": 4,
                  "HealthyThreshold": 3}


@pytest.mark.parametrize("args", [
    ["--port", "0"], ["--port", "65536"], ["--port", "x"], [], ["--port", "1", "--app", "/a"],
    ["--port", "10001", "--interval", "301"], ["--port", "10001", "--health-timeout", "1"],
    ["--port", "10001", "--interval", "10", "--health-timeout", "10"],
    ["--port", "10001", "--healthy-threshold", "11"], ["--port", "10001", "--health-protocol", "UDP"],
    ["--port", "10001", "--listener-port", "0"],
])
def test_retarget_bad_input_exit_2_before_any_call(cli, args):
    # no AWS endpoint reachable at all: a request would be exit 6, not 2
    env = {"AWS_ENDPOINT_URL": "http://127.0.0.1:9", "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "testing",
           "AWS_SECRET_ACCESS_KEY": "testing"}
    r = cli("elb", "retarget", "avi-mesos-PublicSlaveL", *args, "--yes", env=env)
    assert r.exit_code == 2, r


def test_retarget_needs_yes_without_tty(cli, aws_world, boto):
    r = cli("elb", "retarget", aws_world["elb_name"], "--port", "10001", env=aws_world["env"])
    assert r.exit_code == 2 and "--yes" in r.stderr, r
    assert listeners(boto, aws_world["elb_name"])[0][0]["InstancePort"] == 80


def test_retarget_already_right_is_a_no_op(cli, aws_world, boto):
    before = boto["elb"].describe_load_balancers(LoadBalancerNames=[aws_world["elb_name"]])
    r = cli("elb", "retarget", aws_world["elb_name"], "--port", "80", "--yes", env=aws_world["env"])
    assert r.exit_code == 0, r
    assert "no change" in r.stderr
    after = boto["elb"].describe_load_balancers(LoadBalancerNames=[aws_world["elb_name"]])
    assert after["LoadBalancerDescriptions"] == before["LoadBalancerDescriptions"]
    # a second retarget to a new port, then the same again: the second run makes no listener call
    assert cli("elb", "retarget", aws_world["elb_name"], "--port", "10003", "--yes",
               env=aws_world["env"]).exit_code == 0
    r = cli("elb", "retarget", aws_world["elb_name"], "--port", "10003", "--yes", "-o", "json", "-v",
            env=aws_world["env"])
    assert r.exit_code == 0, r
    assert json.loads(r.stdout)["result"] == "no change"
    calls = [ln for ln in r.stderr.splitlines() if ln.startswith("AWS ")]
    assert calls and not any(("Listener" in c or "Configure" in c or "Authorize" in c) for c in calls), calls


def _actions(endpoint):
    """The AWS API actions the lab's AWS endpoint received (its request log)."""
    import urllib.request

    with urllib.request.urlopen(endpoint + "/_lab/actions") as resp:
        return [f"{a['service']}:{a['action']}" for a in json.load(resp)]


@pytest.mark.parametrize("kind", ["elb", "alb", "nlb"])
def test_retarget_dry_run_sends_no_write(cli, aws_world, boto, moto_endpoint, kind):
    """Checked in what the AWS endpoint received, not in avictl's output."""
    import urllib.request

    name = aws_world[f"{kind}_name"]
    urllib.request.urlopen(urllib.request.Request(moto_endpoint + "/_lab/requests", method="DELETE")).close()
    r = cli("elb", "retarget", name, "--port", "20000", "--fix-security-group", "--health-path", "/ready",
            "--dry-run", env=aws_world["env"])
    assert r.exit_code == 0, r
    assert "80/HTTP → 20000/HTTP" in r.stdout or "80/TCP → 20000/TCP" in r.stdout
    assert "dry run" in r.stderr and "missing rule" in r.stderr
    sent = _actions(moto_endpoint)
    reads = ("Describe", "Get")
    assert sent and all(a.split(":")[1].startswith(reads) for a in sent), sent


def test_missing_sg_rule_reported_then_fixed(cli, aws_world, boto):
    sg, elb_sg = aws_world["agents_security_group"], aws_world["elb_security_group"]
    r = cli("elb", "retarget", aws_world["elb_name"], "--port", "20000", "--dry-run", env=aws_world["env"])
    assert r.exit_code == 0, r
    assert f"missing rule {sg} (public-agents): allow tcp 20000 from {elb_sg}" in r.stderr
    assert "--fix-security-group" in r.stderr
    r = cli("elb", "retarget", aws_world["elb_name"], "--port", "20000", "--fix-security-group", "--yes",
            env=aws_world["env"])
    assert r.exit_code == 0, r
    perms = boto["ec2"].describe_security_groups(GroupIds=[sg])["SecurityGroups"][0]["IpPermissions"]
    assert any(p.get("FromPort") == 20000 and p.get("ToPort") == 20000 and
               [g["GroupId"] for g in p["UserIdGroupPairs"]] == [elb_sg] for p in perms), perms
    r = cli("elb", "retarget", aws_world["elb_name"], "--port", "20000", "--dry-run", env=aws_world["env"])
    assert "missing rule" not in r.stderr and "no change" in r.stderr, r


def test_injected_create_failure_restores_listener_exit_8(cli, aws_world, boto):
    r = cli("elb", "retarget", aws_world["elb_name"], "--port", "10004", "--yes",
            env={**aws_world["env"], "AVICTL_FAULT_STEP": "create_listener"})
    assert r.exit_code == 8, r
    assert "rolled back" in r.stderr
    ls, hc = listeners(boto, aws_world["elb_name"])
    assert [(x["LoadBalancerPort"], x["Protocol"], x["InstancePort"]) for x in ls] == [(80, "HTTP", 80)]
    assert hc["Target"] == "HTTP:80/"


def test_failed_verification_rolls_back_exit_8(cli, aws_world, boto):
    """The change went through but reading it back fails: everything is undone (listener and health check)."""
    r = cli("elb", "retarget", aws_world["elb_name"], "--port", "10004", "--yes",
            env={**aws_world["env"], "AVICTL_FAULT_STEP": "verify"})
    assert r.exit_code == 8, r
    ls, hc = listeners(boto, aws_world["elb_name"])
    assert [x["InstancePort"] for x in ls] == [80] and hc["Target"] == "HTTP:80/"


def _v2_targets(boto, arn, draining=True):
    """(port, state) of the targets of a group, as the lab's AWS reports them."""
    health = boto["elbv2"].describe_target_health(TargetGroupArn=arn)["TargetHealthDescriptions"]
    return sorted((h["Target"]["Port"], h["TargetHealth"]["State"]) for h in health
                  if draining or h["TargetHealth"]["State"] != "draining")


@pytest.mark.parametrize("kind", ["alb", "nlb"])
def test_retarget_alb_nlb_in_the_listeners_own_group(cli, aws_world, boto, kind):
    """The new port joins the group the listener uses (so AWS health-checks it), then the old port
    leaves it and drains; the listener and the group stay, no group is created."""
    name, listener_arn, group = (aws_world[f"{kind}_name"], aws_world[f"{kind}_listener_arn"],
                                 aws_world["target_group_arn" if kind == "alb" else "nlb_target_group_arn"])
    groups_before = len(boto["elbv2"].describe_target_groups()["TargetGroups"])
    r = cli("elb", "retarget", name, "--port", "10005", "--yes", "--wait", "--timeout", "10", env=aws_world["env"])
    assert r.exit_code == 0, r
    assert "on port 80" in r.stdout and "on port 10005" in r.stdout and "elbv2:RegisterTargets" in r.stdout
    listener = boto["elbv2"].describe_listeners(ListenerArns=[listener_arn])["Listeners"][0]
    assert listener["DefaultActions"][0]["TargetGroupArn"] == group
    assert _v2_targets(boto, group) == [(80, "draining"), (80, "draining"), (10005, "healthy"), (10005, "healthy")]
    assert len(boto["elbv2"].describe_target_groups()["TargetGroups"]) == groups_before
    r = cli("elb", "retarget", name, "--port", "10005", "--yes", env=aws_world["env"])
    assert r.exit_code == 0 and "no change" in r.stderr, r
    shown = json.loads(cli("elb", "show", name, "-o", "json", env=aws_world["env"]).stdout)
    assert shown["total"] == 2 and shown["in_service"] == 2  # draining targets are listed, not counted
    assert shown["listeners"][0]["instance_port"] == 10005


def test_retarget_alb_failure_rolls_back(cli, aws_world, boto):
    r = cli("elb", "retarget", aws_world["alb_name"], "--port", "10006", "--yes",
            env={**aws_world["env"], "AVICTL_FAULT_STEP": "verify"})
    assert r.exit_code == 8, r
    listener = boto["elbv2"].describe_listeners(ListenerArns=[aws_world["alb_listener_arn"]])["Listeners"][0]
    assert listener["DefaultActions"][0]["TargetGroupArn"] == aws_world["target_group_arn"]
    assert _v2_targets(boto, aws_world["target_group_arn"], draining=False) == [(80, "healthy"), (80, "healthy")]


def test_retarget_alb_new_port_never_healthy_rolls_back(cli, aws_world, boto, moto_endpoint):
    """The app does not answer on the new port: the wait ends at --timeout and the old port keeps serving."""
    import urllib.request

    req = urllib.request.Request(moto_endpoint + "/_lab/aws", data=json.dumps({"unhealthy_ports": [10009]}).encode(),
                                 method="POST", headers={"Content-Type": "application/json"})
    urllib.request.urlopen(req).close()
    r = cli("elb", "retarget", aws_world["alb_name"], "--port", "10009", "--yes", "--timeout", "0.5",
            env=aws_world["env"])
    assert r.exit_code == 8, r
    assert "unhealthy" in r.stderr and "Request timed out" in r.stderr, r
    assert _v2_targets(boto, aws_world["target_group_arn"], draining=False) == [(80, "healthy"), (80, "healthy")]


def test_wait_timeout_exit_7_with_reasons(cli, aws_world, boto):
    boto["ec2"].stop_instances(InstanceIds=aws_world["instance_ids"])
    r = cli("elb", "retarget", aws_world["elb_name"], "--port", "10007", "--yes", "--wait", "--timeout", "0.5",
            env=aws_world["env"])
    assert r.exit_code == 7, r
    assert "OutOfService" in r.stderr and aws_world["instance_ids"][0] in r.stderr
    assert listeners(boto, aws_world["elb_name"])[0][0]["InstancePort"] == 10007  # the change itself stands


# -- signals in the middle of a retarget (a real process) ------------------------------------------------


@pytest.mark.parametrize("sig,after,final_port", [
    (signal.SIGINT, 0.4, 80),       # before the delete: the health check change is undone
    (signal.SIGTERM, 1.2, 10008),   # between delete and create: the create is finished first
    (signal.SIGINT, 2.0, 80),       # before verify: the whole change is rolled back
])
def test_signal_mid_retarget_leaves_a_working_listener(aws_world, boto, avictl_home, sig, after, final_port):
    """Steps sleep 0.8 s each (AVICTL_STEP_DELAY); counted from the health-check step, the signal lands
    before the delete (0.4 s), inside the delete/create window (1.2 s) or before the verification (2.0 s).
    Whatever the moment, the process ends with 130 and one working listener, old or new."""
    from conftest import ROOT, isolated_env

    env = isolated_env(avictl_home, {**aws_world["env"], "AVICTL_STEP_DELAY": "0.8"})
    proc = subprocess.Popen([sys.executable, "-m", "avictl", "elb", "retarget", aws_world["elb_name"],
                             "--port", "10008", "--yes"], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # wait until the process has started applying, then signal it
    deadline = time.monotonic() + 20
    lines = []
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        lines.append(line)
        if "configure health check" in line or not line:
            break
    time.sleep(after)
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=30)
    err = "".join(lines) + err
    assert proc.returncode == 130, (out, err)
    assert "Traceback" not in err
    ls, hc = listeners(boto, aws_world["elb_name"])
    assert len(ls) == 1 and ls[0]["LoadBalancerPort"] == 80 and ls[0]["InstancePort"] in (80, 10008), (ls, err)
    # the health check goes with the listener: either all old or all new
    assert hc["Target"] == f"HTTP:{ls[0]['InstancePort']}/", (hc, err)
    assert ls[0]["InstancePort"] == final_port, err


# -- --app: the port from the Avi virtual service, or from Marathon without a controller -------------------

AVI_APP = {"id": "/shop/web", "instances": 1,
           "labels": {"avi_proxy": json.dumps({"virtualservice": {"services": [{"port": 10080}]}})},
           "container": {"type": "DOCKER", "docker": {"image": "nginx", "network": "BRIDGE",
                                                      "portMappings": [{"containerPort": 80, "hostPort": 0}]}}}


def test_retarget_app_port_from_avi(cli, aws_world, boto, avi_env, avi_marathon):
    from plugins.avi_lab import post_marathon_app

    post_marathon_app(avi_marathon, AVI_APP, wait_running=1)
    r = cli("elb", "retarget", aws_world["elb_name"], "--app", "/shop/web", "--yes",
            env={**aws_world["env"], **avi_env, "MARATHON_URL": avi_marathon.url})
    assert r.exit_code == 0, r
    assert "Marathon service port" not in r.stderr
    assert listeners(boto, aws_world["elb_name"])[0][0]["InstancePort"] == 10080


def test_retarget_app_port_from_marathon_without_controller(cli, aws_world, boto, avi_marathon):
    from plugins.avi_lab import post_marathon_app

    app = post_marathon_app(avi_marathon, {**AVI_APP, "labels": {}}, wait_running=1)
    mappings = app["container"].get("portMappings") or app["container"]["docker"]["portMappings"]
    service_port = mappings[0]["servicePort"]
    r = cli("elb", "retarget", aws_world["elb_name"], "--app", "/shop/web", "--yes", "--fix-security-group",
            env={**aws_world["env"], "MARATHON_URL": avi_marathon.url})
    assert r.exit_code == 0, r
    assert f"using the Marathon service port {service_port}" in r.stderr
    assert listeners(boto, aws_world["elb_name"])[0][0]["InstancePort"] == service_port


def test_retarget_app_without_controller_or_marathon_exit_2(cli, aws_world):
    r = cli("elb", "retarget", aws_world["elb_name"], "--app", "/shop/web", "--yes", env=aws_world["env"])
    assert r.exit_code == 2 and "--port" in r.stderr, r


