"""`avictl lab up|down|status`: the three stand-ins in one background process on 127.0.0.1.

The lab carries traffic (SPEC §11, avictl.lab.traffic): each agent has a loopback address of
its own (127.0.N.2, 127.0.N.3; ports on 127.0.0.1 where only that address binds), tasks and
Service Engines listen there, and the ELB front listens on 127.0.0.1 — its URL is the lab
profile's `elb_url`.

`up` starts `python -m avictl.lab.runner --state DIR` in its own session (so it outlives
the shell), waits until it has written DIR/state.json, and writes a `lab` profile. The
state directory sits next to the config file; `down` stops the process by its PID and
removes the directory. Nothing here prints: the CLI layer reports what these return.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from .. import errors

PROFILE = "lab"
REGION = "us-east-1"
READY_TIMEOUT = 90.0


def state_dir() -> Path:
    from ..config import config_path

    return config_path().parent / "lab"


def read_state(directory: Path | None = None) -> dict[str, Any] | None:
    path = (directory or state_dir()) / "state.json"
    try:
        return json.loads(path.read_text())
    except (FileNotFoundError, ValueError):
        return None


def pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child of this very process counts as gone.
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
        return done == 0
    except ChildProcessError:
        return True


def running() -> dict[str, Any] | None:
    """The state of a lab that is up, else None."""
    st = read_state()
    return st if st and pid_alive(st.get("pid")) else None


def up(*, marathon_version: str = "1.5.0", avi_version: str = "22.1.3", deploy_seconds: float = 2.0,
       mesos_version: str = "1.4.0") -> tuple[dict[str, Any], bool]:
    """Start the lab unless it runs; returns (state, started_now)."""
    current = running()
    if current:
        return current, False
    directory = state_dir()
    if directory.exists():
        _remove(directory)  # a stale state from a lab that died
    directory.mkdir(parents=True, mode=0o700)
    log = open(directory / "lab.log", "ab")
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "avictl.lab.runner", "--state", str(directory), "--marathon-version",
             marathon_version, "--avi-version", avi_version, "--deploy-seconds", str(deploy_seconds),
             "--mesos-version", mesos_version],
            stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True, close_fds=True)
    finally:
        log.close()
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        st = read_state(directory)
        if st and st.get("pid") == proc.pid:
            return st, True
        if proc.poll() is not None:
            tail = (directory / "lab.log").read_text(errors="replace").strip().splitlines()[-3:]
            _remove(directory)
            raise errors.AvictlError(f"the lab failed to start (exit {proc.returncode}): "
                                     f"{' | '.join(tail) or 'no output'}")
        time.sleep(0.1)
    proc.terminate()
    raise errors.WaitTimeout(f"the lab did not start within {READY_TIMEOUT:.0f} s",
                             f"see {directory / 'lab.log'}")


def down() -> dict[str, Any] | None:
    """Stop the lab's process and remove its state; returns the state that was stopped, if any."""
    directory = state_dir()
    st = read_state(directory)
    if st and pid_alive(st.get("pid")):
        pid = st["pid"]
        try:
            os.killpg(pid, signal.SIGTERM)
        except (ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if pid_alive(pid):
            os.killpg(pid, signal.SIGKILL)
    if directory.exists():
        _remove(directory)
    return st


def _remove(directory: Path) -> None:
    import shutil

    shutil.rmtree(directory, ignore_errors=True)


def password() -> str:
    """The running lab's controller password (for the lab profile's password_command)."""
    st = read_state()
    if not st:
        raise errors.NotFound("the lab is not running", "start it with `avictl lab up`")
    return (state_dir() / "password").read_text().strip()


def profile_values(st: dict[str, Any]) -> dict[str, Any]:
    """The `lab` profile: every URL of the running lab, its CA, and a password command (no secret)."""
    import shlex

    return {
        "controller": st["controller_url"],
        "username": st["username"],
        "ca_bundle": st["ca_bundle"],
        "password_command": shlex.join([sys.executable, "-m", "avictl", "lab", "password"]),
        "marathon": st["marathon_url"],
        **({"mesos": st["mesos_url"]} if st.get("mesos_url") else {}),
        "aws_region": st["aws_region"],
        "aws_endpoint_url": st["aws_endpoint_url"],
        "elb": st["elb"],
        **({"elb_url": st["elb_url"]} if st.get("elb_url") else {}),
    }


# -- the background process ---------------------------------------------------------------


def serve(directory: Path, marathon_version: str, avi_version: str, deploy_seconds: float,
          mesos_version: str = "1.4.0") -> None:
    from . import aws as aws_lab
    from .avi import AviLab
    from .marathon import MarathonLab
    from .mesos import MesosLab
    from .tls import make_ca_and_cert, server_context
    from .traffic import Traffic
    from .traffic.awsproxy import AwsProxy
    from .traffic.front import ElbFront

    ca, cert, key = make_ca_and_cert(directory / "tls")
    pw = secrets.token_urlsafe(18)
    pw_path = directory / "password"
    fd = os.open(pw_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(pw + "\n")
    traffic = Traffic(agents=2)  # the two public agents of the stack, on loopback (SPEC §11)
    marathon = MarathonLab(marathon_version, deploy_seconds=deploy_seconds, traffic=traffic).start()
    mesos = MesosLab(mesos_version, marathon_url=marathon.url).start()
    avi = AviLab(marathon.url, avi_version, tls=server_context(cert, key), password=pw, traffic=traffic,
                 mesos_url=mesos.url).start()
    moto, moto_url = aws_lab.start_server()
    # The profile's AWS endpoint: moto, with instance health from the front's health checks.
    aws = AwsProxy(moto_url).start()
    endpoint = aws.url
    world = aws_lab.build_world(endpoint, REGION, marathon_url=marathon.url, controller_url=avi.url)
    front = ElbFront(traffic, moto_url, REGION, dict(zip(world["instance_ids"], traffic.agents))).start()
    aws.front = front
    # One Mesos agent per instance of the stack, at the address where that agent's tasks run.
    mesos.add_agents([{"hostname": address} for _, address in zip(world["instance_ids"], traffic.agents)])
    st = {
        "pid": os.getpid(),
        "started": time.time(),
        "marathon_url": marathon.url,
        "marathon_version": marathon_version,
        "mesos_url": mesos.url,
        "mesos_version": mesos_version,
        "controller_url": avi.url,
        "avi_version": avi.version,
        "username": avi.username,
        "ca_bundle": ca,
        "aws_endpoint_url": endpoint,
        "aws_region": REGION,
        "elb": world["elb_name"],
        "stack": world["stack_name"],
        "world": world,
        "agents": dict(zip(world["instance_ids"], traffic.agents)),
        "agent_addressing": traffic.net.mode,
        "elb_url": front.url(world["elb_name"]),
    }
    tmp = directory / "state.json.tmp"
    tmp.write_text(json.dumps(st, indent=2, default=str))
    os.chmod(tmp, 0o600)
    os.replace(tmp, directory / "state.json")
    print(f"lab ready: marathon {marathon.url}, mesos {mesos.url}, controller {avi.url}, aws {endpoint}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGHUP, signal.SIG_IGN)  # outlive the terminal that started it
    while not stop.wait(1.0):
        pass
    front.stop()
    for server in (aws, avi, mesos, marathon):
        server.stop()
    traffic.stop()
    moto.stop()


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m avictl.lab.runner")
    parser.add_argument("--state", required=True)
    parser.add_argument("--marathon-version", default="1.5.0")
    parser.add_argument("--avi-version", default="22.1.3")
    parser.add_argument("--deploy-seconds", type=float, default=2.0)
    parser.add_argument("--mesos-version", default="1.4.0")
    args = parser.parse_args(argv)
    serve(Path(args.state), args.marathon_version, args.avi_version, args.deploy_seconds, args.mesos_version)


if __name__ == "__main__":
    main()
