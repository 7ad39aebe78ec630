"""Ctrl-C during a wait on a terminal: the progress line says it stopped waiting, in words,
and no Python exception name or spinner frame is left on the screen."""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time

from conftest import ROOT, isolated_env
from plugins.avi_lab import post_marathon_app


def _read_until(fd: int, needle: bytes, limit: float) -> bytes:
    out = b""
    end = time.monotonic() + limit
    while time.monotonic() < end and needle not in out:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
    return out


def test_ctrl_c_in_app_wait_on_a_terminal(marathon_lab_factory, tmp_path):
    lab = marathon_lab_factory(deploy_seconds=60)
    post_marathon_app(lab, {"id": "/slow", "cmd": "sleep 1000", "instances": 1})
    master, slave = pty.openpty()
    env = isolated_env(tmp_path, {"MARATHON_URL": lab.url, "TERM": "xterm", "COLUMNS": "100"})
    proc = subprocess.Popen([sys.executable, "-m", "avictl", "app", "wait", "/slow", "--timeout", "120"],
                            stdin=slave, stdout=slave, stderr=slave, env=env, cwd=ROOT, start_new_session=True)
    os.close(slave)
    try:
        seen = _read_until(master, b"waiting for /slow", 30)
        assert b"waiting for /slow" in seen, seen
        time.sleep(0.5)
        os.killpg(proc.pid, signal.SIGINT)
        seen += _read_until(master, b"avictl: interrupted", 20)
        proc.wait(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    text = seen.decode("utf-8", "replace")
    assert proc.returncode == 130
    assert "KeyboardInterrupt" not in text and "Traceback" not in text
    assert "stopped waiting" in text
    last_lines = text.replace("\r", "\n").strip().splitlines()[-3:]
    assert not any(frame in line for line in last_lines for frame in "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"), last_lines
