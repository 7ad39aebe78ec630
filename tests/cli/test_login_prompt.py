"""A password typed at the prompt is asked again after a wrong one, three tries in all."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

from conftest import ROOT, isolated_env


def _login_typing(avi_lab, ca: str, tmp_path: Path, answers: list[str]) -> tuple[int, str]:
    master, slave = pty.openpty()
    env = isolated_env(tmp_path, {"AVI_CONTROLLER": avi_lab.url, "AVI_USERNAME": avi_lab.username,
                                  "AVI_CA_BUNDLE": ca, "TERM": "xterm"})
    proc = subprocess.Popen([sys.executable, "-m", "avictl", "login", "--no-store"], stdin=slave, stdout=slave,
                            stderr=slave, env=env, cwd=ROOT, start_new_session=True)
    os.close(slave)
    out, pending = b"", list(answers)
    seen_prompts = 0
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                out += os.read(master, 65536)
            except OSError:
                break
        if out.count(b"Password for") > seen_prompts and pending:
            seen_prompts += 1
            os.write(master, pending.pop(0).encode() + b"\n")
    proc.wait(timeout=30)
    try:
        out += os.read(master, 65536)
    except OSError:
        pass
    os.close(master)
    return proc.returncode, out.decode("utf-8", "replace")


def test_a_mistyped_password_is_asked_again(avi_lab, avi_ca_bundle, tmp_path):
    code, text = _login_typing(avi_lab, avi_ca_bundle, tmp_path, ["wrong-1", avi_lab.password])
    assert code == 0, text
    assert text.count("Password for") == 2 and "logged in" in text
    assert avi_lab.password not in text and "wrong-1" not in text


def test_three_wrong_passwords_are_exit_5(avi_lab, avi_ca_bundle, tmp_path):
    code, text = _login_typing(avi_lab, avi_ca_bundle, tmp_path, ["wrong-1", "wrong-2", "wrong-3"])
    assert code == 5, text
    assert text.count("Password for") == 3
