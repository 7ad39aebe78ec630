"""Kill `avictl elb retarget` (SIGINT and SIGTERM) at every step boundary, against moto's server.

Whatever the moment, the load balancer must end with exactly one listener on port 80 that
forwards to the old or the new instance port (with the health check on the same port), the
change must be all-or-nothing around it, and the process must exit 130 without a traceback.

How the signal lands on a boundary: AVICTL_STEP_DELAY (test hook of avictl/ops/retarget/apply.py)
sleeps before every step; with -v, every AWS call prints a line when it returns. Boundary k
(k = 0 … steps-1) is the sleep before step k+1: it starts when the last planning call
(k = 0) or the first AWS call after the k-th step message returned — that is when the signal
is sent, a whole STEP_DELAY before the next step would start.
"""

from __future__ import annotations

import queue
import signal
import subprocess
import sys
import threading
import time
from typing import Any

import pytest

STEP_DELAY = "0.25"
NEW_PORT = 8080  # outside the agents' security group rules, so the classic run adds one

# (step message prefixes in order, extra flags)
SCENARIOS = {
    "classic": (["add security group rule", "configure health check", "delete listener", "create listener",
                 "verify"], ["--fix-security-group"]),
    "alb": (["add security group rule", "register ", "wait until", "deregister ", "verify"],
            ["--fix-security-group"]),
    "nlb": (["add security group rule", "register ", "wait until", "deregister ", "verify"],
            ["--fix-security-group"]),
}
PLANNED = "ec2 DescribeSecurityGroups →"  # the last call of the planning, before the first step
SIGNALS = {"SIGINT": signal.SIGINT, "SIGTERM": signal.SIGTERM}

CASES = [(kind, k, sig) for kind, (steps, _) in SCENARIOS.items() for k in range(len(steps)) for sig in SIGNALS]


def _boundary_name(kind: str, k: int) -> str:
    steps = SCENARIOS[kind][0]
    return f"{kind}-before-{steps[k].strip().replace(' ', '_')}"


def _reader(stream: Any, lines: queue.Queue[str | None]) -> None:
    for line in stream:
        lines.put(line)
    lines.put(None)


def _wait_for_boundary(lines: queue.Queue[str | None], steps: list[str], k: int, seen: list[str],
                       deadline: float) -> bool:
    step_seen = 0
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=max(0.01, deadline - time.monotonic()))
        except queue.Empty:
            return False
        if line is None:
            return False
        seen.append(line)
        text = line.strip()
        if k == 0:
            if PLANNED in text:
                return True
            continue
        if step_seen < k and text.startswith(steps[step_seen]):
            step_seen += 1
            continue
        if step_seen == k and text.startswith("AWS "):
            return True
    return False


def _classic_state(boto: dict[str, Any], name: str) -> tuple[list[dict[str, Any]], str]:
    desc = boto["elb"].describe_load_balancers(LoadBalancerNames=[name])["LoadBalancerDescriptions"][0]
    return [ld["Listener"] for ld in desc["ListenerDescriptions"]], desc["HealthCheck"]["Target"]


def _v2_state(boto: dict[str, Any], name: str) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    lb = boto["elbv2"].describe_load_balancers(Names=[name])["LoadBalancers"][0]
    listeners = boto["elbv2"].describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"]
    groups = boto["elbv2"].describe_target_groups()["TargetGroups"]
    return listeners, {g["TargetGroupArn"]: g for g in groups}


def _serving_ports(boto: dict[str, Any], group_arn: str) -> list[tuple[int, str]]:
    """(port, state) of the targets that are registered (not draining away)."""
    health = boto["elbv2"].describe_target_health(TargetGroupArn=group_arn)["TargetHealthDescriptions"]
    return sorted((h["Target"]["Port"], h["TargetHealth"]["State"]) for h in health
                  if h["TargetHealth"]["State"] != "draining")


def _sg_allows(boto: dict[str, Any], group_id: str, port: int) -> bool:
    sg = boto["ec2"].describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]
    return any(p.get("FromPort") == port and p.get("ToPort") == port for p in sg["IpPermissions"])


@pytest.mark.parametrize("kind,k,sig", CASES,
                         ids=[f"{_boundary_name(kind, k)}-{sig}" for kind, k, sig in CASES])
def test_kill_at_every_step_boundary_leaves_one_working_listener(aws_world, boto, avictl_home, kind, k, sig):
    from conftest import ROOT, isolated_env

    steps, flags = SCENARIOS[kind]
    name = aws_world["elb_name"] if kind == "classic" else aws_world[f"{kind}_name"]
    env = isolated_env(avictl_home, {**aws_world["env"], "AVICTL_STEP_DELAY": STEP_DELAY})
    proc = subprocess.Popen([sys.executable, "-m", "avictl", "elb", "retarget", name, "--port", str(NEW_PORT),
                             "--yes", "-v", *flags], env=env, cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    lines: queue.Queue[str | None] = queue.Queue()
    reader = threading.Thread(target=_reader, args=(proc.stderr, lines), daemon=True)
    reader.start()
    seen: list[str] = []
    try:
        reached = _wait_for_boundary(lines, steps, k, seen, time.monotonic() + 30)
        assert reached, "".join(seen)
        proc.send_signal(SIGNALS[sig])
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    reader.join(timeout=5)
    while True:
        line = lines.get_nowait() if not lines.empty() else None
        if line is None:
            break
        seen.append(line)
    err = "".join(seen)
    out = proc.stdout.read() if proc.stdout else ""
    assert proc.returncode == 130, (proc.returncode, out, err)
    assert "Traceback" not in err + out, err
    # one line saying so: `avictl: error: interrupted ...` (during the apply) or `avictl: interrupted`
    assert sum(1 for ln in err.splitlines() if ln.startswith("avictl: ")) == 1, err
    assert "interrupted" in err, err

    if kind == "classic":
        listeners, hc = _classic_state(boto, name)
        assert len(listeners) == 1, (listeners, err)
        ls = listeners[0]
        assert ls["LoadBalancerPort"] == 80 and ls["InstancePort"] in (80, NEW_PORT), (ls, err)
        assert hc == f"HTTP:{ls['InstancePort']}/", (hc, ls, err)  # all old or all new
        if ls["InstancePort"] == 80:  # rolled back: the rule it added is gone again
            assert not _sg_allows(boto, aws_world["agents_security_group"], NEW_PORT), err
        else:
            assert _sg_allows(boto, aws_world["agents_security_group"], NEW_PORT), err
    else:
        listeners, groups = _v2_state(boto, name)
        group = aws_world["target_group_arn" if kind == "alb" else "nlb_target_group_arn"]
        assert len(listeners) == 1 and listeners[0]["Port"] == 80, (listeners, err)
        actions = listeners[0]["DefaultActions"]
        assert len(actions) == 1 and actions[0]["Type"] == "forward", (actions, err)
        assert actions[0]["TargetGroupArn"] == group, (actions, err)  # the listener itself never changes
        assert len(groups) == 2, (groups, err)  # no group made or left behind (the ALB's and the NLB's)
        serving = _serving_ports(boto, group)
        # all old (rolled back) or all new (finished): never a mix, never nothing, all healthy
        assert serving in ([(80, "healthy")] * 2, [(NEW_PORT, "healthy")] * 2), (serving, err)
        assert str(groups[group]["HealthCheckPort"]) in ("traffic-port", str(serving[0][0])), (groups, err)
        assert _sg_allows(boto, aws_world["agents_security_group"], NEW_PORT) == (serving[0][0] == NEW_PORT), err
