"""`avictl history`: the journal newest first, in every format; unfinished entries flagged (SPEC.md §12)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

EXAMPLE = str(Path(__file__).resolve().parents[2] / "examples" / "Docker.json")


def journal_file(home: Path) -> Path:
    return home / "home" / ".local" / "state" / "avictl" / "journal.jsonl"


def test_history_filters_formats_and_limit(cli, marathon15, avictl_home):
    env = {"MARATHON_URL": marathon15.url}
    assert cli("app", "post", EXAMPLE, "--no-wait", env=env).exit_code == 0
    assert cli("app", "post", EXAMPLE, "--set", "id=/other", "--no-wait", env=env).exit_code == 0
    rows = json.loads(cli("history", "-o", "json", env=env).stdout)
    assert [r["object"] for r in rows] == ["marathon app /other", "marathon app /webapp1"]  # newest first
    assert json.loads(cli("history", "-o", "json", "--limit", "1", env=env).stdout)[0]["object"] == \
        "marathon app /other"
    only = json.loads(cli("history", "-o", "json", "--object", "*webapp*", env=env).stdout)
    assert [r["object"] for r in only] == ["marathon app /webapp1"]
    assert json.loads(cli("history", "-o", "json", "--since", "1h", env=env).stdout) != []
    tsv = cli("history", env=env).stdout.splitlines()
    assert len(tsv) == 2 and tsv[0].split("\t")[2] == "marathon app /other"
    names = cli("history", "-o", "name", env=env).stdout.split()
    assert names == [r["id"] for r in rows]
    jsonl = [json.loads(line) for line in cli("history", "-o", "jsonl", env=env).stdout.splitlines()]
    assert [r["id"] for r in jsonl] == names
    assert "OUTCOME" in cli("history", "-o", "table", env=env).stdout
    assert "COMMAND" in cli("history", "-o", "wide", env=env).stdout
    assert cli("history", "--since", "soon", env=env).exit_code == 2
    assert cli("history", "--limit", "0", env=env).exit_code == 2


def test_sigkill_mid_retarget_leaves_an_unfinished_entry_that_history_and_status_flag(
        run_avictl, cli, aws_world, avictl_home):
    from conftest import isolated_env

    env = isolated_env(avictl_home, {**aws_world["env"], "AVICTL_STEP_DELAY": "1"})
    proc = subprocess.Popen([sys.executable, "-m", "avictl", "elb", "retarget", aws_world["elb_name"],
                             "--port", "10002", "--yes"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    path = journal_file(avictl_home)
    deadline = time.monotonic() + 30
    try:
        while time.monotonic() < deadline:
            records = [json.loads(x) for x in path.read_text().splitlines()] if path.exists() else []
            if any(r["outcome"] == "unfinished" and " listener " in r["object"] for r in records):
                break
            time.sleep(0.05)
        else:
            pytest.fail("the retarget never opened its listener entry")
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=10)
    r = cli("history", env=aws_world["env"])
    assert r.exit_code == 0, r
    assert "UNFINISHED" in r.stdout and "unfinished change" in r.stderr
    rows = json.loads(cli("history", "-o", "json", env=aws_world["env"]).stdout)
    flagged = [row for row in rows if row["flag"] == "UNFINISHED"]
    assert flagged and " listener " in flagged[0]["object"]
    s = cli("status", env=aws_world["env"])
    assert "unfinished change" in s.stderr
