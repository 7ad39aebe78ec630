"""The lab carries traffic (SPEC §11): a retarget is proven by what the ELB URL answers.

Before the retarget the ELB's listener forwards to port 80 of the agents, where nothing of
the app listens: the front answers 503 (no healthy instance). After `deploy` or `elb
retarget --app` it forwards to the VS's service port on each agent, whose SE forwards to
the app's tasks in turn.
"""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from plugins.avi_lab import post_marathon_app

EXAMPLE = str(Path(__file__).resolve().parents[2] / "examples" / "Docker.json")
WEB = {"id": "/webapp1", "cmd": "serve", "instances": 2,
       "container": {"type": "DOCKER", "docker": {"image": "avinetworks/server", "network": "BRIDGE",
                                                  "portMappings": [{"containerPort": 80, "hostPort": 0}]}}}
T = TypeVar("T")


def get(url: str) -> tuple[int | None, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()
    except OSError as exc:
        return None, str(exc)


def until(fetch: Callable[[], T], ok: Callable[[T], bool], limit: float = 15.0) -> T:
    """Fetch until `ok` holds (or the limit passes): the last value, for the assert to judge."""
    deadline = time.monotonic() + limit
    value = fetch()
    while not ok(value) and time.monotonic() < deadline:
        time.sleep(0.1)
        value = fetch()
    return value


def task_ids(marathon: Any, app: str = "/webapp1") -> set[str]:
    with urllib.request.urlopen(f"{marathon.url}/v2/apps{app}/tasks", timeout=5) as resp:
        return {t["id"] for t in json.loads(resp.read())["tasks"]}


def answering_task(answer: tuple[int | None, str]) -> str | None:
    status, body = answer
    words = body.split()
    return words[3] if status == 200 and words[:1] == ["app"] and words[1] == "/webapp1" else None


def serves_app(url: str) -> bool:
    return answering_task(get(url)) is not None


def test_before_the_retarget_the_elb_url_serves_nothing_of_the_app(traffic_lab):
    lab = traffic_lab
    post_marathon_app(lab["marathon"], WEB, wait_running=2)
    listening = until(lambda: lab["avi"].engines.listening(), lambda ls: len(ls) == 2)
    assert {agent for agent, _ in listening} == set(lab["traffic"].agents)  # the VS's port on each agent
    for _ in range(4):
        status, body = get(lab["url"])
        assert status == 503 and "/webapp1" not in body


def test_after_deploy_the_elb_url_answers_from_both_tasks_in_turn(traffic_lab, cli):
    lab = traffic_lab
    done = cli("deploy", EXAMPLE, "--elb", lab["world"]["elb_name"], "--yes", "--check-url", "/", env=lab["env"])
    assert done.exit_code == 0, done
    # the probe went through the front (the profile's elb_url), after the instances came in service
    assert f"{lab['url']} → HTTP 200 in " in done.stderr and ": app /webapp1 task webapp1." in done.stderr
    probe = dict(line.split("\t", 1) for line in done.stdout.splitlines())["probe"]
    assert probe.startswith("HTTP 200 in ") and " ms: app /webapp1 task webapp1." in probe
    answers = [answering_task(get(lab["url"])) for _ in range(8)]
    assert None not in answers
    assert set(answers) == task_ids(lab["marathon"])  # both tasks
    assert min(answers.count(t) for t in set(answers)) >= 2  # in turn, not one then the other


def test_retarget_to_port_80_stops_the_traffic_and_app_brings_it_back(traffic_lab, cli):
    lab, name = traffic_lab, traffic_lab["world"]["elb_name"]
    post_marathon_app(lab["marathon"], WEB, wait_running=2)
    until(lambda: lab["avi"].engines.listening(), bool)
    assert cli("elb", "retarget", name, "--app", "/webapp1", "--yes", env=lab["env"]).exit_code == 0
    assert until(lambda: serves_app(lab["url"]), bool)

    assert cli("elb", "retarget", name, "--port", "80", "--yes", env=lab["env"]).exit_code == 0
    assert until(lambda: get(lab["url"]), lambda a: answering_task(a) is None, limit=5)[0] in (502, 503)

    assert cli("elb", "retarget", name, "--app", "/webapp1", "--yes", env=lab["env"]).exit_code == 0
    assert until(lambda: serves_app(lab["url"]), bool, limit=5)


def test_scaling_to_zero_gives_503_and_the_tasks_stop_answering(traffic_lab, cli):
    lab, name = traffic_lab, traffic_lab["world"]["elb_name"]
    app = post_marathon_app(lab["marathon"], WEB, wait_running=2)
    hosts = [(t["host"], t["ports"][0]) for t in app["tasks"]]
    assert all(get(f"http://{h}:{p}/x")[1].startswith("app /webapp1 task ") for h, p in hosts)
    until(lambda: lab["avi"].engines.listening(), bool)
    assert cli("elb", "retarget", name, "--app", "/webapp1", "--yes", env=lab["env"]).exit_code == 0
    assert until(lambda: serves_app(lab["url"]), bool)

    assert cli("app", "scale", "/webapp1", "0", "--wait", env=lab["env"]).exit_code == 0
    assert until(lambda: get(lab["url"])[0], lambda s: s == 503) == 503
    for host, port in hosts:  # a killed task stops answering: its port refuses connections
        assert get(f"http://{host}:{port}/x")[0] is None
    assert until(lambda: lab["avi"].engines.listening(), lambda ls: not ls) == []  # the VS is down


def test_a_crash_looping_app_never_listens(traffic_lab):
    lab = traffic_lab
    post_marathon_app(lab["marathon"], {**WEB, "id": "/crasher", "labels": {"LAB_CRASH": "true"}})
    time.sleep(1.0)  # several crash-loop rounds (deploy_seconds 0.3)
    assert lab["marathon"].task_servers.listening() == 0


def test_a_disabled_vs_does_not_listen(traffic_lab):
    lab = traffic_lab
    proxy = json.dumps({"virtualservice": {"enabled": False}})
    post_marathon_app(lab["marathon"], {**WEB, "labels": {"avi_proxy": proxy}}, wait_running=2)
    time.sleep(0.5)  # a few SE syncs (0.1 s)
    assert lab["avi"].engines.listening() == []


def test_services_on_all_interfaces_off_means_nothing_at_the_agents_address(traffic_lab):
    lab = traffic_lab
    avi = lab["avi"]
    post_marathon_app(lab["marathon"], WEB, wait_running=2)
    assert until(lambda: avi.engines.listening(), bool)
    with avi.state_lock:
        avi.default_cloud["mesos_configuration"]["services_accessible_all_interfaces"] = False
    assert until(lambda: avi.engines.listening(), lambda ls: not ls) == []


def test_an_se_with_no_member_up_answers_503(traffic_lab):
    from avictl.lab.traffic.se import ServiceEngines

    lab = traffic_lab
    engines = ServiceEngines(lab["traffic"], lambda uuid: ("web-pool-80", []))
    agent = lab["traffic"].agents[0]
    with socket.socket() as probe:  # a free port on the agent's address
        probe.bind((agent, 0))
        port = probe.getsockname()[1]
    engines.sync({(agent, port): "vs-1"})
    try:
        host, real = lab["traffic"].net.endpoint(agent, port)
        status, body = get(f"http://{host}:{real}/")
        assert status == 503 and "web-pool-80" in body
    finally:
        engines.close_all()
    assert get(f"http://{host}:{real}/")[0] is None


def test_elb_url_prints_the_profiles_url_else_the_dns_name(traffic_lab, cli):
    lab, name = traffic_lab, traffic_lab["world"]["elb_name"]
    assert cli("elb", "url", name, env=lab["env"]).stdout == lab["url"] + "\n"
    assert cli("elb", "url", env=lab["env"]).stdout == lab["url"] + "\n"  # the profile's ELB
    direct = {k: v for k, v in lab["env"].items() if k != "AVICTL_ELB_URL"}
    assert cli("elb", "url", name, env=direct).stdout == f"http://{lab['world']['elb_dns']}/\n"
    missing = cli("elb", "url", "no-such-elb", env=direct)
    assert missing.exit_code == 3 and "no-such-elb" in missing.stderr


def test_without_loopback_aliases_the_agents_listen_on_ports_of_127_0_0_1():
    """Where 127.0.0.2 can't be bound (macOS), tasks keep their agent's address as a name and
    listen on a free port of 127.0.0.1 that the lab's servers reach through the network."""
    from avictl.lab.marathon import MarathonLab
    from avictl.lab.traffic import Traffic

    traffic = Traffic(agents=2, aliases=False)
    marathon = MarathonLab("1.5.0", deploy_seconds=0.2, traffic=traffic).start()
    try:
        assert traffic.net.mode == "ports" and traffic.agents == ["127.0.0.2", "127.0.0.3"]
        app = post_marathon_app(marathon, WEB, wait_running=2)
        for task in app["tasks"]:
            host, port = traffic.net.endpoint(task["host"], task["ports"][0])
            assert host == "127.0.0.1" and port != task["ports"][0]
            assert get(f"http://{host}:{port}/p")[1] == f"app /webapp1 task {task['id']} path /p\n"
    finally:
        marathon.stop()
        traffic.stop()
    assert get(f"http://{host}:{port}/p")[0] is None
