"""`avictl deployment list|watch|cancel` against the Marathon stand-in."""

from __future__ import annotations

import json
from pathlib import Path

DOCKER_JSON = Path(__file__).resolve().parent.parent / "corpus" / "appdef" / "good" / "Docker.json"


def test_deployment_cancel_rolls_back(cli, marathon_lab, marathon_profile_env):
    marathon_lab.deploy_seconds = 30
    assert cli("app", "post", DOCKER_JSON, "--no-wait", env=marathon_profile_env).exit_code == 0
    deps = json.loads(cli("deployment", "list", "-o", "json", env=marathon_profile_env).stdout)
    step = deps[0]["steps"][0]
    assert isinstance(step, list) if marathon_lab.v < (1, 0) else isinstance(step, dict)
    marathon_lab.deploy_seconds = 2  # the rollback is still in progress when `watch` starts
    r = cli("deployment", "cancel", deps[0]["id"], "--yes", "-o", "json", env=marathon_profile_env)
    assert r.exit_code == 0, r
    rollback = json.loads(r.stdout)["rollback_deployment_id"]
    assert rollback
    r = cli("deployment", "watch", rollback, "--timeout", "5", env=marathon_profile_env)
    assert r.exit_code == 0, r
    assert cli("app", "show", "webapp1", env=marathon_profile_env).exit_code == 3
    r = cli("deployment", "cancel", "no-such-id", "--yes", env=marathon_profile_env)
    assert r.exit_code == 3
    r = cli("deployment", "watch", "no-such-id", env=marathon_profile_env)
    assert r.exit_code == 3 and "not in progress" in r.stderr, r


def test_app_wait_and_deployment_watch_all(cli, marathon_lab, marathon_profile_env):
    marathon_lab.deploy_seconds = 3  # still in progress when `watch` starts, even on a busy machine
    assert cli("app", "post", DOCKER_JSON, "--no-wait", env=marathon_profile_env).exit_code == 0
    r = cli("deployment", "watch", "--timeout", "30", env=marathon_profile_env)
    assert r.exit_code == 0, r
    assert "finished" in r.stderr
    r = cli("app", "wait", "webapp1", "--timeout", "5", "-o", "json", env=marathon_profile_env)
    assert r.exit_code == 0, r
    assert json.loads(r.stdout)["running"] == 2
