"""The hand-written parts of the completion scripts are plain script files a linter can read."""

from __future__ import annotations

import shutil
import subprocess
from importlib.resources import files

import pytest

TEMPLATES = files("avictl.shell").joinpath("templates")


def test_templates_ship_as_package_data() -> None:
    names = sorted(p.name for p in TEMPLATES.iterdir())
    assert names == ["avictl.bash", "avictl.fish", "avictl.zsh"]


def test_bash_template_parses() -> None:
    text = TEMPLATES.joinpath("avictl.bash").read_text()
    assert "{{" not in text  # no doubled braces: the file is shell, not a Python format string
    done = subprocess.run(["bash", "-n"], input=text, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck not installed")
def test_bash_template_has_no_shellcheck_errors() -> None:
    path = str(TEMPLATES.joinpath("avictl.bash"))
    done = subprocess.run(["shellcheck", "--severity=error", "--shell=bash", path], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout
