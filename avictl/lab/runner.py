"""`avictl lab up|down|status`: the three stand-ins in one background process on 127.0.0.1.

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
from ..procs import pid_alive

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
    from .cloudformation import CloudFormationFront
    from .traffic import Traffic
    from .traffic.awsproxy import AwsProxy
    from .traffic.front import ElbFront

    # AWS first: moto's EC2 takes seconds to load on its first call, so that happens while
    # the other stand-ins start. The profile's AWS endpoint is the lab's CloudFormation, in
    # front of the proxy that reports instance health from the ELB front, in front of moto.
    moto, moto_url = aws_lab.start_server()
    aws = AwsProxy(moto_url).start()
    cfn = CloudFormationFront(aws.url, REGION, resource_seconds=RESOURCE_SECONDS).start()
    warm = threading.Thread(target=cfn.warm_up, name="moto-warm-up", daemon=True)
    warm.start()
    pw = secrets.token_urlsafe(18)
    pw_path = directory / "password"
    fd = os.open(pw_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(pw + "\n")
    traffic = Traffic(agents=2)  # the two public agents of the stack, on loopback (SPEC §11)
    address, ca, marathon, mesos, avi = _master(directory, marathon_version, avi_version, deploy_seconds, pw,
                                                traffic, mesos_version)
    # The master's Elastic IP comes from the lab's address pool: its stack outputs name the
    # stand-ins (see _master).
    cfn.addresses[:] = [address]
    endpoint = cfn.url
    warm.join()
    made = bring_up(directory, endpoint, REGION)
    world = world_of(cfn, STACK_NAME)
    front = ElbFront(traffic, moto_url, REGION, dict(zip(world["instance_ids"], traffic.agents))).start()
    aws.front = front
    # One Mesos agent per instance of the stack, at the address where that agent's tasks run.
    mesos.add_agents([{"hostname": address} for _, address in zip(world["instance_ids"], traffic.agents)])
    st = {
        "pid": os.getpid(),
        "started": time.time(),
        "marathon_url": made["marathon"],
        "marathon_version": marathon_version,
        "mesos_url": made.get("mesos") or mesos.url,
        "mesos_version": mesos_version,
        "controller_url": made["controller"],
        "avi_version": avi.version,
        "username": avi.username,
        "ca_bundle": ca,
        "aws_endpoint_url": endpoint,
        "aws_region": made.get("aws_region", REGION),
        "elb": made["elb"],
        "stack": STACK_NAME,
        "world": world,
        "agents": dict(zip(world["instance_ids"], traffic.agents)),
        "agent_addressing": traffic.net.mode,
        "elb_url": front.url(made["elb"]),
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
    for server in (cfn, aws, avi, mesos, marathon):
        server.stop()
    traffic.stop()
    moto.stop()


# -- the AWS world, made as an operator makes it ----------------------------------------------

TEMPLATE = Path(__file__).resolve().parents[2] / "examples" / "avi-mesos.cloudformation.json"
STACK_NAME = "avi-mesos"
# README's bring-up command uses the same values: run against the lab it is "no change".
STACK_PARAMETERS = {"KeyName": "k", "AcceptEULA": "Yes"}
RESOURCE_SECONDS = 0.05  # per wave of resources: the lab's stack takes about half a second
MARATHON_PORT, CONTROLLER_PORT, MESOS_PORT = 8080, 9443, 5050


def _master(directory: Path, marathon_version: str, avi_version: str, deploy_seconds: float,
            pw: str, traffic: Any, mesos_version: str) -> tuple[str, str, Any, Any, Any]:
    """The Mesos master's processes, played by stand-ins on a loopback address of the lab's own.

    How the lab maps the stack's outputs to its stand-ins: the template gives the master an
    Elastic IP and its outputs are `http://<EIP>:8080` (Marathon), `https://<EIP>:9443` (the
    Avi Controller), `http://<EIP>:5050` (the Mesos master). The lab picks a free loopback
    address (127.64-127.x.y; all of 127/8 reaches this host), runs the stand-ins on it at those
    very ports, and its CloudFormation hands that address out as the EIP (AllocateAddress with
    an Address, as from an own IPv4 pool). So the outputs, and every profile written from them
    (`stack create --configure`, `config init --from-stack`), reach the stand-ins unchanged.
    Returns (address, CA bundle, marathon, avi).
    """
    import random

    from .avi import AviLab
    from .marathon import MarathonLab
    from .mesos import MesosLab
    from .tls import make_ca_and_cert, server_context

    for _ in range(20):
        address = f"127.{random.randint(64, 127)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
        marathon = mesos = avi = None
        try:
            ca, cert, key = make_ca_and_cert(directory / "tls", hosts=("127.0.0.1", "localhost", address))
            marathon = MarathonLab(marathon_version, host=address, port=MARATHON_PORT,
                                   deploy_seconds=deploy_seconds, traffic=traffic).start()
            mesos = MesosLab(mesos_version, marathon_url=marathon.url, host=address, port=MESOS_PORT).start()
            avi = AviLab(marathon.url, avi_version, tls=server_context(cert, key), password=pw, host=address,
                         port=CONTROLLER_PORT, traffic=traffic, mesos_url=mesos.url).start()
            return address, ca, marathon, mesos, avi
        except OSError:  # that address's ports are taken (another lab): try another one
            for server in (marathon, mesos, avi):
                if server is not None:
                    server.stop()
    raise RuntimeError("no free loopback address for the lab's Mesos master")


def bring_up(directory: Path, endpoint: str, region: str) -> dict[str, Any]:
    """`avictl stack create avi-mesos --template-file examples/avi-mesos.cloudformation.json
    --parameter KeyName=k --parameter AcceptEULA=Yes --configure`, run as an operator runs it
    against the lab's AWS endpoint (its own config file), so the bring-up path is exercised at
    every `lab up`. Returns the profile it wrote from the stack's outputs."""
    import tomllib

    if not TEMPLATE.is_file():
        raise RuntimeError(f"the lab needs {TEMPLATE.name} from the project's examples/ (run from a clone)")
    config = directory / "bring-up.toml"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "AVICTL_", "AVI_", "MARATHON_", "MESOS_"))}
    env.update({"AVICTL_CONFIG": str(config), "AWS_ENDPOINT_URL": endpoint, "AWS_REGION": region,
                "AWS_ACCESS_KEY_ID": "lab", "AWS_SECRET_ACCESS_KEY": "lab", "AWS_EC2_METADATA_DISABLED": "true",
                "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull})
    argv = [sys.executable, "-m", "avictl", "--profile", PROFILE, "stack", "create", STACK_NAME,
            "--template-file", str(TEMPLATE), "--configure", "--timeout", "120"]
    for key, value in STACK_PARAMETERS.items():
        argv += ["--parameter", f"{key}={value}"]
    proc = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, capture_output=True, timeout=180)
    sys.stdout.write(proc.stderr.decode("utf-8", "replace"))
    sys.stdout.flush()
    if proc.returncode != 0:
        last = (proc.stderr.decode("utf-8", "replace").strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"avictl stack create {STACK_NAME} failed (exit {proc.returncode}): {last}")
    return dict(tomllib.loads(config.read_text())["profiles"][PROFILE])


def world_of(front: Any, stack_name: str) -> dict[str, Any]:
    """Names and ids of what the stack made (for tests and `lab status`)."""
    stack = front.stacks[stack_name]
    res = {lid: r for lid, r in stack.resources.items()}
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.outputs}

    def physical(lid: str) -> str:
        return str(res.get(lid, {}).get("physical", ""))

    return {
        "endpoint_url": front.url, "region": front.region, "stack_name": stack_name, "stack_outputs": outputs,
        "vpc_id": physical("Vpc"), "subnets": [physical("PublicSubnet")],
        "elb_security_group": physical("ElbSecurityGroup"), "agents_security_group": physical("AgentSecurityGroup"),
        "master_security_group": physical("MasterSecurityGroup"), "master_instance_id": physical("Master"),
        "instance_ids": [physical("Agent1"), physical("Agent2")],
        "elb_name": outputs.get("PublicSlaveLoadBalancer"), "elb_dns": outputs.get("PublicSlaveDnsAddress"),
        "instance_port": 80,
    }


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
