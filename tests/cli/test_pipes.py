"""A reader that stops early (`| head -1`) ends avictl quietly with 0 in every format, so
`set -o pipefail` scripts do not fail on a listing cut short on purpose."""

from __future__ import annotations

import shlex
import subprocess
import sys

import pytest

from conftest import ROOT, isolated_env


@pytest.mark.parametrize("fmt", ["json", "jsonl", "yaml", "tsv", "wide", "name"])
def test_head_closing_the_pipe_is_not_an_error(avi_lab, avi_env, tmp_path, fmt):
    avi_lab.seed(3000, prefix="pipe-vs-")
    env = isolated_env(tmp_path, avi_env)
    avictl = f"{shlex.quote(sys.executable)} -m avictl"
    proc = subprocess.run(["bash", "-o", "pipefail", "-c", f"{avictl} vs list -o {fmt} | head -1"], env=env,
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() and "Traceback" not in proc.stderr and "Broken pipe" not in proc.stderr, proc.stderr


def test_an_option_without_its_value_says_so(cli):
    for args in (["app", "list", "-o"], ["app", "list", "--query"], ["app", "list", "-p"]):
        r = cli(*args)
        assert r.exit_code == 2, r
        assert "needs a value" in r.stderr and "No such command" not in r.stderr, r
