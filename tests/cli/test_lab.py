"""`avictl lab up|down|status` as a newcomer runs it, then `deploy` through the lab profile."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import time
import urllib.request
from pathlib import Path

EXAMPLE = str(Path(__file__).resolve().parents[2] / "examples" / "Docker.json")
TEMPLATE = str(Path(__file__).resolve().parents[2] / "examples" / "avi-mesos.cloudformation.json")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie left by the test process does not count
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except FileNotFoundError:
        return False


def lab_sockets(pid: int) -> set[str]:
    """host:port of every TCP socket the process listens on (from /proc: no tools needed)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[3] == "0A" and fields[9] in inodes:  # LISTEN
            addr, port = fields[1].split(":")
            host = ".".join(str(int(addr[i:i + 2], 16)) for i in (6, 4, 2, 0))
            found.add(f"{host}:{int(port, 16)}")
    return found


def test_lab_up_deploy_rerun_down(run_avictl, config_file):
    up = run_avictl("lab", "up", timeout=120)
    pid = None
    listening: set[str] = set()
    try:
        assert up.exit_code == 0, up
        assert "profile 'lab' written" in up.stderr and "avictl -p lab deploy examples/Docker.json" in up.stderr
        state = dict(line.split("\t", 1) for line in up.stdout.splitlines())
        pid = int(state["pid"])
        assert alive(pid)
        # the master's processes on a loopback address of the lab's own, named by the stack's outputs
        assert re.match(r"https://127\.\d+\.\d+\.\d+:9443$", state["controller_url"])
        # its own session: the lab survives the shell (process group) that started it
        assert os.getpgid(pid) == pid and os.getsid(pid) == pid
        text = config_file.read_text()
        secret = run_avictl("lab", "password").stdout.strip()
        assert len(secret) >= 16 and secret not in text
        assert "default_profile" not in text and "password_command" in text
        ca = Path(state["ca_bundle"])
        assert ca.exists() and ca.parent.parent.parent == config_file.parent  # next to the profile

        again = run_avictl("lab", "up", timeout=60)
        assert again.exit_code == 0 and "already running" in again.stderr, again
        assert int(dict(line.split("\t", 1) for line in again.stdout.splitlines())["pid"]) == pid
        # one output convention (issue 13 item 16): lower_snake keys piped, Title Case labels in a table
        shown = run_avictl("lab", "status", "-o", "table")
        assert shown.exit_code == 0 and "Controller URL: " in shown.stdout and "CA Bundle: " in shown.stdout, shown
        assert {"controller_url", "ca_bundle"} <= {line.split("\t")[0] for line in again.stdout.splitlines()}

        # the AWS world was made by `stack create` from the project's template; README's bring-up
        # command against the running lab is "no change" and keeps the profile working
        stack = json.loads(run_avictl("-p", "lab", "stack", "show", "avi-mesos", "-o", "json").stdout)
        assert stack["StackStatus"] == "CREATE_COMPLETE"
        outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
        assert outputs["ControllerURL"] == state["controller_url"] and outputs["MarathonURL"] == state["marathon_url"]
        bring_up = run_avictl("-p", "lab", "stack", "create", "avi-mesos", "--template-file", TEMPLATE, "--parameter", "KeyName=k",
                              "--parameter", "AcceptEULA=Yes", "--configure", timeout=60)
        assert bring_up.exit_code == 0 and "no change" in bring_up.stderr, bring_up

        status = run_avictl("-p", "lab", "status", "-o", "json", timeout=60)
        assert status.exit_code == 0, status
        assert [row["check"] for row in json.loads(status.stdout) if row["ok"]] == [
            "marathon", "mesos master", "controller", "mesos cloud", "service engines", "aws", "load balancer"]

        # the README's lab command: the probe reaches the app through the lab's ELB front
        deploy = run_avictl("-p", "lab", "deploy", EXAMPLE, "--elb", "avi-mesos-PublicSlaveL", "--yes",
                            "--check-url", "/", "-o", "json", timeout=120)
        assert deploy.exit_code == 0, deploy
        summary = json.loads(deploy.stdout)
        assert summary["listener"] == f"80/HTTP → {summary['service_port']}/HTTP"
        assert summary["url"] == state["elb_url"] and summary["probe"] == "HTTP 200"
        assert summary["probe_answer"].startswith("app /webapp1 task webapp1.")
        url = run_avictl("-p", "lab", "elb", "url", "avi-mesos-PublicSlaveL").stdout.strip()
        with urllib.request.urlopen(url, timeout=10) as resp:
            assert resp.read().decode().startswith("app /webapp1 task ")
        listening = lab_sockets(pid)
        assert (url.split("/")[2]) in listening and len(listening) >= 6  # front, 2 tasks, the VS on 2 agents
        assert run_avictl("-p", "lab", "vs", "port", "/webapp1").stdout.strip() == str(summary["service_port"])

        rerun = run_avictl("-p", "lab", "deploy", EXAMPLE, "--yes", "-o", "json", timeout=120)
        assert rerun.exit_code == 0, rerun
        assert json.loads(rerun.stdout)["elb_action"] == "unchanged" and "no change" in rerun.stderr
    finally:
        down = run_avictl("lab", "down", timeout=60)
        if pid and alive(pid):
            os.kill(pid, signal.SIGKILL)
    assert down.exit_code == 0 and "lab stopped" in down.stderr, down
    deadline = time.monotonic() + 5
    while pid and alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(pid)
    for address in listening:  # nothing of the lab answers any more: no process, no socket
        host, port = address.rsplit(":", 1)
        with socket.socket() as probe:
            assert probe.connect_ex((host, int(port))) != 0, address
    assert not (config_file.parent / "lab").exists()
    assert "[profiles.lab]" not in config_file.read_text()
    assert run_avictl("lab", "status").exit_code == 3
    assert "not running" in run_avictl("lab", "down").stderr


def test_lab_down_never_makes_another_profile_the_default(run_avictl, config_file):
    """lab up; config init a prod profile; lab down: there is no default, prod is not it."""
    try:
        assert run_avictl("lab", "up", timeout=120).exit_code == 0
        prod = run_avictl("--profile", "prod", "config", "init", "--controller", "https://avi.prod.example.com",
                          "--elb", "prod-elb")
        assert prod.exit_code == 0, prod
        assert run_avictl("config", "use", "lab").exit_code == 0  # the user chose it
    finally:
        down = run_avictl("lab", "down", timeout=60)
    assert down.exit_code == 0 and "no default" in down.stderr, down
    listing = run_avictl("config", "list", "-o", "json")
    rows = json.loads(listing.stdout)
    assert [r["name"] for r in rows] == ["prod"] and not any(r.get("default") for r in rows), listing
    assert "default_profile" not in config_file.read_text()
