"""Man pages: one per top-level command plus avictl.1, all sections present, and they render."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from avictl.shell import manpage
from avictl.shell.model import build
from conftest import ROOT

MAN = ROOT / "man"
SECTIONS = ("NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "EXIT STATUS", "ENVIRONMENT", "FILES", "SEE ALSO")


@pytest.fixture(scope="module")
def model():
    return build()


def _render(path: Path) -> str:
    env = {**os.environ, "MANWIDTH": "80", "MAN_KEEP_FORMATTING": "0", "LC_ALL": "C.UTF-8"}
    if shutil.which("man"):
        proc = subprocess.run(["man", "-l", str(path)], capture_output=True, env=env, timeout=30)
    elif shutil.which("groff"):
        proc = subprocess.run(["groff", "-man", "-Tutf8", str(path)], capture_output=True, env=env, timeout=30)
    else:
        pytest.skip("neither man nor groff is installed")
    assert proc.returncode == 0, proc.stderr.decode()
    col = subprocess.run(["col", "-b"], input=proc.stdout, capture_output=True, timeout=30) \
        if shutil.which("col") else None
    return (col.stdout if col else proc.stdout).decode("utf-8", "replace")


def test_a_page_per_top_level_command(model) -> None:
    expected = {"avictl.1", *(f"avictl-{name}.1" for name in model.root.commands)}
    assert {p.name for p in MAN.glob("*.1")} == expected
    assert {"avictl-config.1", "avictl-completion.1"} <= expected


@pytest.mark.parametrize("page", sorted(p.name for p in MAN.glob("*.1")))
def test_page_renders_with_every_section(page: str, model) -> None:
    text = _render(MAN / page)
    lines = text.splitlines()
    headings = [ln.strip() for ln in lines if ln and not ln[0].isspace()]
    for section in SECTIONS:
        assert section in headings, (page, section, headings)
    assert "Success." in text
    for code, _ in manpage.EXIT_STATUS:
        assert any(ln.strip().startswith(str(code)) for ln in lines), (page, code)
    assert "AVI_CONTROLLER" in text and "AVICTL_PROFILE" in text and "config.toml" in text
    name = page[:-2]
    if name != "avictl":
        cmd = model.root.commands[name.split("-", 1)[1]]
        leaves = [c for c in cmd.walk() if not c.commands]
        for leaf in leaves:
            assert f"avictl {' '.join(leaf.path)}" in text, (page, leaf.path)
        if any("Examples:" in c.help for c in cmd.walk()):
            assert "EXAMPLES" in headings


def test_pages_have_no_groff_warnings() -> None:
    if not shutil.which("groff"):
        pytest.skip("groff is not installed")
    for page in sorted(MAN.glob("*.1")):
        proc = subprocess.run(["groff", "-man", "-Tutf8", "-ww", "-z", str(page)], capture_output=True, timeout=30)
        assert proc.returncode == 0 and not proc.stderr, (page.name, proc.stderr.decode())


def test_root_page_lists_global_options_and_commands(model) -> None:
    text = _render(MAN / "avictl.1")
    for opt in model.root.options:
        assert opt.names[0] in text
    for name in model.root.commands:
        assert f"avictl-{name}(1)" in text


def test_examples_come_from_the_help(model) -> None:
    text = (MAN / "avictl-config.1").read_text()
    assert "avictl config use prod" in text.replace("\\-", "-")
