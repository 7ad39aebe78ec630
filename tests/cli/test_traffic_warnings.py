"""Changes that move traffic are said before they are made (issue: deploy, elb retarget, app delete).

- `deploy` / `elb retarget` moving a listener off the port of another app name that app;
- `app delete` names the load balancers still forwarding to the app's port;
- an internet-facing load balancer pointed at an east-west (internal) virtual service;
- an ALB/NLB retarget creates no target group (nothing of avictl's is left behind).
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import ROOT

EXAMPLE = str(ROOT / "examples" / "Docker.json")
ELB = "avi-mesos-PublicSlaveL"


def app_file(tmp_path: Path, app_id: str, labels: dict | None = None) -> str:
    """Docker.json with another id (and labels)."""
    defn = json.loads(Path(EXAMPLE).read_text())
    defn["id"] = app_id
    if labels is not None:
        defn["labels"] = labels
    path = tmp_path / f"{app_id.strip('/').replace('/', '-')}.json"
    path.write_text(json.dumps(defn))
    return str(path)


def instance_port(boto, name=ELB) -> int:
    lb = boto["elb"].describe_load_balancers(LoadBalancerNames=[name])["LoadBalancerDescriptions"][0]
    return {ld["Listener"]["LoadBalancerPort"]: ld["Listener"] for ld in lb["ListenerDescriptions"]}[80]["InstancePort"]


def deployed(cli, env, path) -> dict:
    r = cli("deploy", path, "--yes", "-o", "json", env=env)
    assert r.exit_code == 0, r
    return json.loads(r.stdout)


def test_deploy_moving_the_elb_off_another_app_names_it(cli, seed_lab, boto, tmp_path):
    env = seed_lab["env"]
    other = deployed(cli, env, app_file(tmp_path, "/other"))
    assert instance_port(boto) == other["service_port"]

    r = cli("deploy", EXAMPLE, "--yes", "-o", "json", env=env)
    assert r.exit_code == 0, r
    summary = json.loads(r.stdout)
    warning = [line for line in r.stderr.splitlines() if line.startswith("warning: ") and "/other" in line]
    assert warning == [f"warning: {ELB} now forwards :80 to port {other['service_port']}, which serves /other "
                       f"(VS {other['vs']}); after this it forwards to the service port of /webapp1, and /other "
                       f"(VS {other['vs']}) gets no traffic through {ELB}"], r.stderr
    assert summary["moves"]["apps"] == [{"app_id": "/other", "vs": other["vs"]}]
    assert instance_port(boto) == summary["service_port"]

    # converging again moves nothing: no warning
    again = cli("deploy", EXAMPLE, "--yes", env=env)
    assert again.exit_code == 0 and "warning" not in again.stderr, again


def test_deploy_dry_run_names_the_app_it_would_move_off(cli, seed_lab, boto, tmp_path):
    env = seed_lab["env"]
    other = deployed(cli, env, app_file(tmp_path, "/other"))
    r = cli("deploy", EXAMPLE, "--dry-run", env=env)
    assert r.exit_code == 0, r
    assert f"which serves /other (VS {other['vs']})" in r.stderr, r
    assert instance_port(boto) == other["service_port"]


def test_retarget_off_another_app_names_it(cli, seed_lab, boto, tmp_path):
    env = seed_lab["env"]
    other = deployed(cli, env, app_file(tmp_path, "/other"))
    web = deployed(cli, env, app_file(tmp_path, "/web2"))
    # back to /other: the warning names /web2, which the ELB serves now
    r = cli("elb", "retarget", ELB, "--app", "/other", "--yes", env=env)
    assert r.exit_code == 0, r
    assert (f"warning: {ELB} now forwards :80 to port {web['service_port']}, which serves /web2 (VS {web['vs']}); "
            f"after this it forwards to port {other['service_port']} of /other") in r.stderr, r
    # --port too, naming the port only
    r = cli("elb", "retarget", ELB, "--port", "10099", "--yes", env=env)
    assert r.exit_code == 0, r
    assert f"which serves /other (VS {other['vs']}); after this it forwards to port 10099," in r.stderr, r
    # to a port nothing serves from one nothing serves: nothing to say
    r = cli("elb", "retarget", ELB, "--port", "10098", "--yes", env=env)
    assert r.exit_code == 0 and "warning" not in r.stderr, r


def test_app_delete_names_the_load_balancers_still_forwarding_to_it(cli, seed_lab, boto):
    env = seed_lab["env"]
    web = deployed(cli, env, EXAMPLE)
    port = web["service_port"]
    alb = seed_lab["world"]["alb_name"]
    r = cli("elb", "retarget", alb, "--port", str(port), "--yes", env=env)
    assert r.exit_code == 0, r

    r = cli("app", "delete", "/webapp1", "--yes", env=env)
    assert r.exit_code == 0, r
    warnings = [line for line in r.stderr.splitlines() if line.startswith("warning: ")]
    assert warnings == [
        f"warning: {name} forwards :80 to port {port}, which serves /webapp1: after the delete it still forwards "
        f"there, to nothing; point it elsewhere with `avictl elb retarget {name} --app APP`"
        for name in (ELB, alb)], r.stderr
    assert seed_lab["marathon"].sent("DELETE")


def test_app_delete_hint_is_a_command_that_works(cli, seed_lab, boto, tmp_path):
    """The hint, with APP filled in, retargets the load balancer (with the profile the delete used)."""
    env = seed_lab["env"]
    web = deployed(cli, env, app_file(tmp_path, "/web2"))
    other = deployed(cli, env, app_file(tmp_path, "/other"))
    cli("elb", "retarget", ELB, "--port", str(web["service_port"]), "--yes", env=env)
    r = cli("app", "delete", "/web2", "--yes", env=env)
    assert r.exit_code == 0, r
    hint = r.stderr.split("`")[1]
    assert hint == f"avictl elb retarget {ELB} --app APP", r.stderr
    args = hint.replace("APP", "/other").split()[1:]
    done = cli(*args, "--yes", env=env)
    assert done.exit_code == 0, done
    assert instance_port(boto) == other["service_port"]


def test_app_delete_without_aws_says_nothing_about_load_balancers(cli, seed_lab):
    env = seed_lab["env"]
    deployed(cli, env, EXAMPLE)
    no_aws = {k: v for k, v in env.items() if not k.startswith("AWS_")}
    r = cli("app", "delete", "/webapp1", "--yes", env=no_aws)
    assert r.exit_code == 0, r
    assert "warning" not in r.stderr and "error" not in r.stderr, r


def test_app_delete_of_an_app_no_load_balancer_serves_has_no_warning(cli, seed_lab, tmp_path):
    env = seed_lab["env"]
    deployed(cli, env, app_file(tmp_path, "/web2"))
    deployed(cli, env, EXAMPLE)  # the ELB now serves /webapp1, not /web2
    r = cli("app", "delete", "/web2", "--yes", env=env)
    assert r.exit_code == 0 and "warning" not in r.stderr, r


# -- at a terminal: the warning comes before the question (a real pty) ----------------------------------


def on_terminal(seed_lab, home: Path, *args: str, answers: tuple[bytes, ...] = (b"n\n",)) -> tuple[int, str, str]:
    """Run avictl ARGS on a pty, answer its [y/N] questions in turn; (exit code, the text up to the
    last question answered, all text)."""
    import sys

    from cli.helpers import answer_on_terminal
    from conftest import isolated_env

    env = isolated_env(home, {**seed_lab["env"], "TERM": "xterm", "NO_COLOR": "1", "COLUMNS": "200"})
    code, text, before = answer_on_terminal([sys.executable, "-m", "avictl", *args], env, ROOT, answers)
    assert before is not None, text
    return code, before, text


def test_deploy_on_a_terminal_warns_then_asks(cli, seed_lab, boto, avictl_home, tmp_path):
    env = seed_lab["env"]
    other = deployed(cli, env, app_file(tmp_path, "/other"))
    code, before, text = on_terminal(seed_lab, avictl_home, "deploy", EXAMPLE)
    assert code == 1, text
    assert f"which serves /other (VS {other['vs']})" in before, text
    assert instance_port(boto) == other["service_port"]
    assert "/webapp1" not in [a["id"] for a in json.loads(cli("app", "list", "-o", "json", env=env).stdout)]


def test_app_delete_on_a_terminal_warns_then_asks(cli, seed_lab, avictl_home):
    env = seed_lab["env"]
    web = deployed(cli, env, EXAMPLE)
    seed_lab["marathon"].clear_requests()
    code, before, text = on_terminal(seed_lab, avictl_home, "app", "delete", "/webapp1")
    assert code == 1, text
    assert f"{ELB} forwards :80 to port {web['service_port']}, which serves /webapp1" in before, text
    assert "Delete app /webapp1" in before.split("warning: ")[-1], text
    assert seed_lab["marathon"].sent("DELETE") == []


def test_internet_facing_elb_at_an_east_west_vs_is_warned(cli, seed_lab, boto, tmp_path):
    """An app without the FE-Proxy label gets an east-west (internal) VS; the lab's cloud makes its
    port answer on the agents, so the ELB reaches it: allowed, but said (deploy and retarget)."""
    env = seed_lab["env"]
    internal = app_file(tmp_path, "/internal", labels={})
    r = cli("deploy", internal, "--yes", "-o", "json", env=env)
    assert r.exit_code == 0, r
    summary = json.loads(r.stdout)
    expected = (f"warning: the virtual service {summary['vs']} of /internal is east-west (internal: the app has "
                f"no FE-Proxy label), and {ELB} is internet-facing: this exposes an internal service")
    assert expected in r.stderr, r
    assert summary["exposure"]["vs"] == summary["vs"] and instance_port(boto) == summary["service_port"]
    # a north-south app: no such warning
    r = cli("deploy", EXAMPLE, "--yes", env=env)
    assert r.exit_code == 0 and "east-west" not in r.stderr, r
    r = cli("elb", "retarget", ELB, "--app", "/internal", "--dry-run", env=env)
    assert r.exit_code == 0 and expected in r.stderr, r


def test_deploy_on_a_terminal_asks_again_before_pointing_the_elb_at_an_east_west_vs(cli, seed_lab, boto,
                                                                                   avictl_home, tmp_path):
    """The first question (create the app) comes before the VS exists; its placement is asked about
    once known, and no leaves the app deployed and the ELB as it was."""
    internal = app_file(tmp_path, "/internal", labels={})
    before_port = instance_port(boto)
    code, before, text = on_terminal(seed_lab, avictl_home, "deploy", internal, answers=(b"y\n", b"n\n"))
    assert code == 1, text
    last = before.split("[y/N]")[-2]
    assert "is east-west" in last and "Point avi-mesos-PublicSlaveL (internet-facing) at the east-west" in last, text
    assert "the app is deployed; the load balancer is unchanged" in text, text
    assert instance_port(boto) == before_port


def test_alb_deploys_create_no_target_group_and_name_the_app_moved_off(cli, seed_lab, boto, tmp_path):
    """An ALB is retargeted in its listener's own group: no group is created, so none is left
    behind unused; moving it off an app names that app as for a classic ELB."""
    import urllib.request

    env, endpoint = seed_lab["env"], seed_lab["world"]["env"]["AWS_ENDPOINT_URL"]
    alb = seed_lab["world"]["alb_name"]
    groups = sorted(g["TargetGroupArn"] for g in boto["elbv2"].describe_target_groups()["TargetGroups"])
    urllib.request.urlopen(urllib.request.Request(endpoint + "/_lab/requests", method="DELETE")).close()
    web = cli("deploy", EXAMPLE, "--elb", alb, "--yes", "-o", "json", env=env)
    assert web.exit_code == 0, web
    other = cli("deploy", app_file(tmp_path, "/other"), "--elb", alb, "--yes", "-o", "json", env=env)
    assert other.exit_code == 0, other
    vs = json.loads(web.stdout)["vs"]
    assert f"{alb} now forwards :80 to port {json.loads(web.stdout)['service_port']}, which serves /webapp1 " \
           f"(VS {vs})" in other.stderr, other
    with urllib.request.urlopen(endpoint + "/_lab/actions") as resp:
        actions = {a["action"] for a in json.load(resp)}
    assert "RegisterTargets" in actions and not actions & {"CreateTargetGroup", "DeleteTargetGroup"}, actions
    assert sorted(g["TargetGroupArn"] for g in boto["elbv2"].describe_target_groups()["TargetGroups"]) == groups


def test_deploy_of_an_unchanged_app_on_a_terminal_shows_the_warning_with_the_plan(cli, seed_lab, boto, avictl_home,
                                                                                 tmp_path):
    """The app is already as defined: the only question is the ELB's, and the warning is next to its plan."""
    env = seed_lab["env"]
    web2 = app_file(tmp_path, "/web2")
    deployed(cli, env, web2)
    other = deployed(cli, env, app_file(tmp_path, "/other"))
    code, before, text = on_terminal(seed_lab, avictl_home, "deploy", web2)
    assert code == 1, text
    plan = before.split("planned change to")[-1]
    assert f"warning: {ELB} now forwards :80 to port {other['service_port']}, which serves /other" in plan, text
    assert instance_port(boto) == other["service_port"]


def test_retarget_on_a_terminal_warns_then_asks(cli, seed_lab, boto, avictl_home, tmp_path):
    env = seed_lab["env"]
    other = deployed(cli, env, app_file(tmp_path, "/other"))
    code, before, text = on_terminal(seed_lab, avictl_home, "elb", "retarget", ELB, "--port", "10090")
    assert code == 1, text
    last = before.split("warning: ")[-1]
    assert last.startswith(f"{ELB} now forwards :80 to port {other['service_port']}, which serves /other"), text
    assert "Retarget" in last and "[y/N]" in last, text
    assert instance_port(boto) == other["service_port"]
