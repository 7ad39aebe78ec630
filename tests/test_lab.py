"""`avictl lab up|down|status` as a newcomer runs it, then `deploy` through the lab profile."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

EXAMPLE = str(Path(__file__).resolve().parent.parent / "examples" / "Docker.json")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie left by the test process does not count
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except FileNotFoundError:
        return False


def test_lab_up_deploy_rerun_down(run_avictl, config_file):
    up = run_avictl("lab", "up", timeout=120)
    pid = None
    try:
        assert up.exit_code == 0, up
        assert "profile 'lab' written" in up.stderr and "avictl -p lab deploy examples/Docker.json" in up.stderr
        state = dict(line.split("\t", 1) for line in up.stdout.splitlines())
        pid = int(state["pid"])
        assert alive(pid)
        assert state["controller_url"].startswith("https://127.0.0.1:")
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

        status = run_avictl("-p", "lab", "status", "-o", "json", timeout=60)
        assert status.exit_code == 0, status
        assert {row["system"] for row in json.loads(status.stdout) if row["authenticated"]} == {"marathon", "avi", "aws"}

        deploy = run_avictl("-p", "lab", "deploy", EXAMPLE, "--elb", "avi-mesos-PublicSlaveL", "--yes", "-o", "json", timeout=120)
        assert deploy.exit_code == 0, deploy
        summary = json.loads(deploy.stdout)
        assert summary["listener"] == f"80/HTTP → {summary['service_port']}/HTTP"
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
