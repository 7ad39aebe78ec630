"""`avictl deploy`: the seed procedure end to end against the three stand-ins."""

from __future__ import annotations

import json
from pathlib import Path

EXAMPLE = str(Path(__file__).resolve().parents[2] / "examples" / "Docker.json")


def listener(boto, name):
    lb = boto["elb"].describe_load_balancers(LoadBalancerNames=[name])["LoadBalancerDescriptions"][0]
    return {ld["Listener"]["LoadBalancerPort"]: ld["Listener"] for ld in lb["ListenerDescriptions"]}, lb["HealthCheck"]


def test_deploy_seed_procedure_then_rerun_is_a_no_op(cli, seed_lab, boto):
    env = seed_lab["env"]
    r = cli("deploy", EXAMPLE, "--elb", "avi-mesos-PublicSlaveL", "--yes", "-o", "json", env=env)
    assert r.exit_code == 0, r
    summary = json.loads(r.stdout)
    port = summary["service_port"]
    assert 10000 <= port <= 20000
    assert summary["app_id"] == "/webapp1" and summary["app_action"] == "create"
    assert summary["vs"] and summary["vs_state"] == "OPER_UP"
    listeners, hc = listener(boto, "avi-mesos-PublicSlaveL")
    assert listeners[80]["InstancePort"] == port and listeners[80]["InstanceProtocol"] == "HTTP"
    assert hc["Target"] == f"HTTP:{port}/"
    # one plain line per step when piped
    for n in range(1, 9):
        assert f"[{n}/8]" in r.stderr
    # the app was posted once, with JSON
    posts = seed_lab["marathon"].sent("POST", "/v2/apps")
    assert len(posts) == 1

    seed_lab["marathon"].clear_requests()
    again = cli("deploy", EXAMPLE, "--yes", "-o", "json", env=env)
    assert again.exit_code == 0, again
    second = json.loads(again.stdout)
    assert second["app_action"] == "unchanged" and second["elb_action"] == "unchanged"
    assert second["service_port"] == port
    assert "no change" in again.stderr
    assert not seed_lab["marathon"].sent("POST") and not seed_lab["marathon"].sent("PUT")


def test_deploy_dry_run_changes_nothing(cli, seed_lab, boto):
    before = listener(boto, "avi-mesos-PublicSlaveL")
    r = cli("deploy", EXAMPLE, "--dry-run", env=seed_lab["env"])
    assert r.exit_code == 0, r
    assert "dry run" in r.stderr
    assert listener(boto, "avi-mesos-PublicSlaveL") == before
    assert not seed_lab["marathon"].sent("POST") and not seed_lab["marathon"].sent("PUT")


def _summary(text: str) -> dict[str, str]:
    return dict(line.split("\t", 1) for line in text.splitlines())


def test_dry_run_summary_shows_what_each_step_would_set(cli, seed_lab, boto):
    """Issue 13 item 16: the target next to "(would change)", not the current listener; for a new
    app, what the load balancer step would do once the port is known, not `(-)`."""
    env = seed_lab["env"]
    first = cli("deploy", EXAMPLE, "--dry-run", env=env)
    assert ("[6/8] retarget the load balancer: dry run: would point avi-mesos-PublicSlaveL port 80 and its health "
            "check at the app's service port once it is known") in first.stderr, first
    new = _summary(first.stdout)
    assert new["app"] == "/webapp1 (would create)"
    assert new["service_port"] == "- (known once the app exists)"
    assert new["load_balancer"] == ("avi-mesos-PublicSlaveL (would point listener 80 and its health check at the "
                                    "app's service port once it is known)")
    assert new["listener"] == "80/HTTP → <service port>/HTTP (now 80/HTTP → 80/HTTP)"
    table = cli("deploy", EXAMPLE, "--dry-run", "-o", "table", env=env).stdout
    assert "(-)" not in table and "Load Balancer:" in table
    assert json.loads(cli("deploy", EXAMPLE, "--dry-run", "-o", "json", env=env).stdout)["elb_action"] == \
        "would change once the port is known"

    # the app exists, the ELB still forwards to port 80: the listener it would set, with the current one
    assert cli("app", "post", EXAMPLE, env=env).exit_code == 0
    before = listener(boto, "avi-mesos-PublicSlaveL")
    r = cli("deploy", EXAMPLE, "--dry-run", env=env)
    assert r.exit_code == 0, r
    shown = _summary(r.stdout)
    port = int(shown["service_port"])
    assert shown["app"] == "/webapp1 (unchanged)"
    assert shown["load_balancer"] == "avi-mesos-PublicSlaveL (would change)"
    assert shown["listener"] == f"80/HTTP → {port}/HTTP (now 80/HTTP → 80/HTTP)"
    assert listener(boto, "avi-mesos-PublicSlaveL") == before
    data = json.loads(cli("deploy", EXAMPLE, "--dry-run", "-o", "json", env=env).stdout)
    assert data["elb_action"] == "would change" and data["plan"]["after"]["listener"] == f"80/HTTP → {port}/HTTP"

    # once deployed, nothing would change: the listener as it is
    assert cli("deploy", EXAMPLE, "--yes", env=env).exit_code == 0
    done = _summary(cli("deploy", EXAMPLE, "--dry-run", env=env).stdout)
    assert done["load_balancer"] == "avi-mesos-PublicSlaveL (unchanged)"
    assert done["listener"] == f"80/HTTP → {port}/HTTP"


def test_deploy_of_a_two_port_app_points_the_elb_at_the_first_ports_vs(cli, seed_lab, boto, tmp_path):
    app = json.loads(Path(EXAMPLE).read_text())
    docker = app["container"].get("docker") or {}
    mappings = app["container"].get("portMappings") or docker.get("portMappings")
    mappings.append({"containerPort": 9000, "hostPort": 0, "protocol": "tcp"})
    path = tmp_path / "two.json"
    path.write_text(json.dumps(app))
    r = cli("deploy", str(path), "--yes", "-o", "json", env=seed_lab["env"])
    assert r.exit_code == 0, r
    port = json.loads(r.stdout)["service_port"]
    rows = json.loads(cli("app", "ports", "/webapp1", "-o", "json", env=seed_lab["env"]).stdout)
    assert [row["container_port"] for row in rows] == [80, 9000]
    assert rows[0]["avi_vs_port"] == port and rows[1]["avi_vs_port"] not in ("-", port)
    assert listener(boto, "avi-mesos-PublicSlaveL")[0][80]["InstancePort"] == port


def test_deploy_needs_yes_without_a_terminal_and_sends_nothing(cli, seed_lab):
    r = cli("deploy", EXAMPLE, env=seed_lab["env"])
    assert r.exit_code == 2 and "--yes" in r.stderr
    assert not seed_lab["marathon"].sent()


def test_deploy_bad_definition_exit_2_nothing_sent(cli, seed_lab, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"id": "/Web_App", "instances": "two"}')
    r = cli("deploy", str(bad), "--yes", env=seed_lab["env"])
    assert r.exit_code == 2, r
    assert not seed_lab["marathon"].sent() and not seed_lab["avi"].sent()


def test_deploy_unknown_elb_or_listener_fails_before_the_app_is_touched(cli, seed_lab):
    r = cli("deploy", EXAMPLE, "--elb", "no-such-elb", "--yes", env=seed_lab["env"])
    assert r.exit_code == 3, r
    assert "check the app definition and the load balancer: " in r.stderr and "no-such-elb" in r.stderr
    r = cli("deploy", EXAMPLE, "--listener-port", "8443", "--yes", env=seed_lab["env"])
    assert r.exit_code == 3 and "no listener on port 8443" in r.stderr, r
    assert not seed_lab["marathon"].sent("POST") and not seed_lab["marathon"].sent("PUT")


def test_deploy_on_a_terminal_asks_before_changing_the_app(seed_lab, avictl_home, boto):
    """Declining leaves Marathon and the ELB untouched (the question comes before the first change)."""
    import io

    from avictl.cli.main import run
    from conftest import isolated_env

    class TTY(io.StringIO):
        def isatty(self):
            return True

    import os

    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(isolated_env(avictl_home, seed_lab["env"]))
    try:
        before = listener(boto, "avi-mesos-PublicSlaveL")
        err = TTY()
        code = run(["deploy", EXAMPLE], stdin=TTY("n\n"), stdout=io.StringIO(), stderr=err)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    assert code == 1 and "Create app /webapp1 in Marathon" in err.getvalue()
    assert "aborted; nothing was changed" in err.getvalue()
    assert not seed_lab["marathon"].sent("POST") and listener(boto, "avi-mesos-PublicSlaveL") == before


def test_deploy_without_controller_uses_marathon_port(cli, seed_lab, boto):
    env = {k: v for k, v in seed_lab["env"].items() if not k.startswith("AVI_")}
    r = cli("deploy", EXAMPLE, "--yes", "-o", "json", env=env)
    assert r.exit_code == 0, r
    summary = json.loads(r.stdout)
    app = seed_lab["marathon"]
    assert summary["vs"] is None and summary["service_port"] >= 10000
    listeners, _ = listener(boto, "avi-mesos-PublicSlaveL")
    assert listeners[80]["InstancePort"] == summary["service_port"]
    assert app.sent("POST", "/v2/apps")


def test_changed_app_keeps_its_service_port_and_the_elb_stays_right(cli, seed_lab, boto):
    """Marathon keeps an app's service ports across updates (dynamic ports stay 0 in the file)."""
    env = seed_lab["env"]
    first = json.loads(cli("deploy", EXAMPLE, "--yes", "-o", "json", env=env).stdout)
    second = cli("deploy", EXAMPLE, "--set", "instances=3", "--yes", "-o", "json", env=env)
    assert second.exit_code == 0, second
    summary = json.loads(second.stdout)
    assert summary["app_action"] == "update" and summary["service_port"] == first["service_port"]
    assert summary["elb_action"] == "unchanged"


def test_deploy_check_url_reports_the_status_and_fails_on_errors(cli, seed_lab):
    """The probe's outcome counts: a 2xx-4xx answer is reported, a 5xx exits 1, no answer exits 6."""
    env, marathon = seed_lab["env"], seed_lab["marathon"]
    ok = cli("deploy", EXAMPLE, "--yes", "-o", "json", "--check-url", f"{marathon.url}/v2/info", env=env)
    assert ok.exit_code == 0 and json.loads(ok.stdout)["probe"] == "HTTP 200", ok
    marathon.add_fault(count=1, path="^/probe$", status=503)
    bad = cli("deploy", EXAMPLE, "--yes", "--check-url", f"{marathon.url}/probe", env=env)
    assert bad.exit_code == 1 and "probe the load balancer URL: " in bad.stderr and "503" in bad.stderr, bad
    dead = cli("deploy", EXAMPLE, "--yes", "--check-url", "http://127.0.0.1:9/", env=env)
    assert dead.exit_code == 6 and "the change is in place" in dead.stderr, dead


def test_deploy_on_a_terminal_asks_for_the_password_before_the_progress_display(cli, seed_lab):
    """The prompt is never drawn under the spinner: it comes before step 1."""
    env = {k: v for k, v in seed_lab["env"].items() if k != "AVI_PASSWORD"}
    r = cli("deploy", EXAMPLE, "--dry-run", input=seed_lab["avi"].password + "\n", tty=True,
            env={**env, "PYTHON_KEYRING_BACKEND": "keyring_backends.FailingKeyring"})
    assert r.exit_code == 0, r
    assert r.stderr.count("Password for ") == 1
    assert r.stderr.index("Password for ") < r.stderr.index("[1/")
    assert seed_lab["avi"].password not in r.output
