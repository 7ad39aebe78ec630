"""Every exit code of SPEC.md §5, each from a real situation against the stand-ins."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

EXAMPLE = str(Path(__file__).resolve().parent.parent / "examples" / "Docker.json")


def one_line_error(r) -> bool:
    lines = r.stderr.strip().splitlines()
    return bool(lines) and lines[-1 if not lines[-1].startswith("hint:") else -2].startswith("avictl: error: ") \
        and "Traceback" not in r.stderr


def test_exit_codes(cli, seed_lab, tmp_path):
    env = seed_lab["env"]
    marathon = seed_lab["marathon"]

    assert cli("app", "list", env=env).exit_code == 0                                   # 0 success

    marathon.add_fault(count=1, path="^/v2/apps$", status=500, body={"message": "boom"})
    r = cli("app", "list", env=env)                                                      # 1 remote failure
    assert r.exit_code == 1 and "boom" in r.stderr and one_line_error(r), r

    r = cli("app", "scale", "/web", "many", env=env)                                     # 2 bad input
    assert r.exit_code == 2 and one_line_error(r), r

    r = cli("app", "show", "/does-not-exist", env=env)                                   # 3 not found
    assert r.exit_code == 3 and one_line_error(r), r

    assert cli("app", "post", EXAMPLE, "--no-wait", env=env).exit_code == 0
    r = cli("app", "post", EXAMPLE, "--no-wait", env=env)                                # 4 conflict
    assert r.exit_code == 4 and "apply" in r.stderr and one_line_error(r), r

    r = cli("vs", "list", env={**env, "AVI_PASSWORD": "wrong-password"})                 # 5 auth
    assert r.exit_code == 5 and one_line_error(r) and "wrong-password" not in r.stderr, r

    r = cli("app", "list", env={**env, "MARATHON_URL": "http://127.0.0.1:9"})            # 6 cannot connect
    assert r.exit_code == 6 and one_line_error(r), r

    crash = tmp_path / "crash.json"
    crash.write_text(json.dumps({"id": "/crashy", "cmd": "exit 1", "instances": 1,
                                 "labels": {"LAB_CRASH": "exited with status 1"}}))
    r = cli("app", "post", str(crash), "--timeout", "2", env=env)                        # 7 wait timed out
    assert r.exit_code == 7 and "exited with status 1" in r.stderr and one_line_error(r), r

    r = cli("elb", "retarget", "avi-mesos-PublicSlaveL", "--port", "10001", "--yes",     # 8 rolled back
            env={**env, "AVICTL_FAULT_STEP": "create_listener"})
    assert r.exit_code == 8 and "rolled back" in r.stderr and one_line_error(r), r


def test_exit_130_on_ctrl_c(seed_lab, avictl_home):
    from conftest import isolated_env

    import urllib.request

    env = isolated_env(avictl_home, seed_lab["env"])
    body = json.dumps({"id": "/looping", "cmd": "exit 1", "labels": {"LAB_CRASH": "boom"}}).encode()
    urllib.request.urlopen(urllib.request.Request(f"{seed_lab['marathon'].url}/v2/apps", data=body, method="POST",
                                                  headers={"Content-Type": "application/json"})).read()
    proc = subprocess.Popen([sys.executable, "-m", "avictl", "app", "wait", "/looping", "--timeout", "30"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    time.sleep(1.5)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 130, err
    assert b"Traceback" not in err and b"interrupted" in err
