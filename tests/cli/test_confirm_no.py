"""Answering no at a terminal: one message, exit 1 (documented), nothing changed."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

from conftest import ROOT, isolated_env

EXAMPLE = str(ROOT / "examples" / "Docker.json")


def test_answering_no_to_deploy_says_so_once(seed_lab, tmp_path: Path):
    master, slave = pty.openpty()
    env = isolated_env(tmp_path, {**seed_lab["env"], "TERM": "xterm", "NO_COLOR": "1"})
    proc = subprocess.Popen([sys.executable, "-m", "avictl", "deploy", EXAMPLE], stdin=slave, stdout=slave,
                            stderr=slave, env=env, cwd=ROOT)
    os.close(slave)
    out = b""
    answered = False
    deadline = time.monotonic() + 90
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
        if not answered and b"[y/N]" in out:
            os.write(master, b"n\n")
            answered = True
        if proc.poll() is not None and not ready:
            break
    proc.wait(timeout=30)
    os.close(master)
    text = out.decode("utf-8", "replace")
    assert answered, text
    assert proc.returncode == 1, text
    assert text.count("nothing was changed") == 1, text
    assert seed_lab["marathon"].sent("POST", "^/v2/apps") == []
