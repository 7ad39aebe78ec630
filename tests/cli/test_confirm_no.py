"""Answering no at a terminal: one message, exit 1 (documented), nothing changed."""

from __future__ import annotations

import sys
from pathlib import Path

from cli.helpers import answer_on_terminal
from conftest import ROOT, isolated_env

EXAMPLE = str(ROOT / "examples" / "Docker.json")


def test_answering_no_to_deploy_says_so_once(seed_lab, tmp_path: Path):
    env = isolated_env(tmp_path, {**seed_lab["env"], "TERM": "xterm", "NO_COLOR": "1"})
    code, text, answered = answer_on_terminal([sys.executable, "-m", "avictl", "deploy", EXAMPLE], env, ROOT)
    assert answered is not None, text
    assert code == 1, text
    assert text.count("nothing was changed") == 1, text
    assert seed_lab["marathon"].sent("POST", "^/v2/apps") == []
