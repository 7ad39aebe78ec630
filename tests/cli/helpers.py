"""Small helpers shared by the command tests."""

from __future__ import annotations


def init(cli, *args: str, profile: str | None = None):
    """`avictl [--profile P] config init ARGS`, which must succeed."""
    prefix = ["--profile", profile] if profile else []
    r = cli(*prefix, "config", "init", *args)
    assert r.exit_code == 0, r
    return r


# A Marathon app the Avi stand-in's Mesos cloud turns into a virtual service (see the web_app fixture).
WEB = {"id": "/group/web", "instances": 2, "labels": {"FE-Proxy": "yes"},
       "container": {"type": "DOCKER", "docker": {"image": "nginx", "network": "BRIDGE",
                                                  "portMappings": [{"containerPort": 80, "hostPort": 0}]}}}


def answer_on_terminal(argv: list[str], env: dict[str, str], cwd, answers: tuple[bytes, ...] = (b"n\n",),
                       limit: float = 90) -> tuple[int, str, str | None]:
    """Run argv on a real pty and answer its [y/N] questions in turn: (exit code, all the text,
    the text up to the last question answered or None when nothing was asked)."""
    import os
    import pty
    import select
    import subprocess
    import time

    master, slave = pty.openpty()
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=cwd)
    os.close(slave)
    out, before = b"", None
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        asked = out.count(b"[y/N]")
        if asked and asked <= len(answers) and (before is None or before.count(b"[y/N]") < asked):
            before = out
            os.write(master, answers[asked - 1])
        if proc.poll() is not None and not ready:
            break
    proc.wait(timeout=30)
    os.close(master)
    return (proc.returncode, out.decode("utf-8", "replace"),
            None if before is None else before.decode("utf-8", "replace"))
