"""Failures are said in the operator's words: no Python class names, errno numbers or C file
names reach the terminal (issue: Python internals in messages)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, isolated_env

INTERNALS = ("Error:", "Errno", "_ssl.c", "ConnectError", "ReadTimeout", "ConnectTimeout", "Traceback",
             "ValueError", "OSError", "Exceeds the limit")


def _no_internals(text: str) -> None:
    for word in INTERNALS:
        assert word not in text, (word, text)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_connection_refused_in_plain_words(cli):
    r = cli("app", "list", env={"MARATHON_URL": f"http://127.0.0.1:{_free_port()}"})
    assert r.exit_code == 6
    assert "connection refused" in r.stderr
    _no_internals(r.stderr)


def test_untrusted_certificate_in_plain_words(cli, avi_lab):
    r = cli("vs", "list", env={"AVI_CONTROLLER": avi_lab.url, "AVI_USERNAME": "admin", "AVI_PASSWORD": "x"})
    assert r.exit_code == 6
    assert "not trusted" in r.stderr
    _no_internals(r.stderr)


def test_timeout_in_plain_words(cli, marathon15):
    marathon15.add_fault(count=0, method="GET", path="^/v2/apps$", latency=3)
    r = cli("--timeout", "0.5", "app", "list", env={"MARATHON_URL": marathon15.url})
    assert r.exit_code == 6
    assert "timed out" in r.stderr or "no answer" in r.stderr
    _no_internals(r.stderr)


def test_a_full_disk_in_plain_words(tmp_path: Path):
    with open("/dev/full", "w") as full:
        proc = subprocess.run([sys.executable, "-m", "avictl", "config", "path"], stdout=full, stderr=subprocess.PIPE,
                              text=True, env=isolated_env(tmp_path), cwd=ROOT, timeout=60)
    assert proc.returncode == 1
    assert "no space left" in proc.stderr
    _no_internals(proc.stderr)


@pytest.mark.parametrize("field,literal,shown", [
    ("instances", "9" * 5000, "instances: a number of 5000 digits is out of range"),
    ("cpus", "1e999", "cpus: 1e999 is out of range"),
    ("mem", "-1e999", "mem: -1e999 is out of range"),
])
def test_numbers_out_of_range_are_bad_input_naming_the_field(cli, marathon15, tmp_path, field, literal, shown):
    text = (ROOT / "examples" / "Docker.json").read_text()
    defn = json.loads(text)
    text = json.dumps({**defn, field: 0}, indent=2).replace(f'"{field}": 0', f'"{field}": {literal}')
    path = tmp_path / "app.json"
    path.write_text(text)
    marathon15.clear_requests()
    r = cli("app", "post", str(path), env={"MARATHON_URL": marathon15.url})
    assert r.exit_code == 2, r
    assert shown in r.stderr
    assert len(r.stderr.splitlines()) <= 2
    _no_internals(r.stderr)
    assert marathon15.sent() == []
