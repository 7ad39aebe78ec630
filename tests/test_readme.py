"""Every shell line of README's completion and man-page sections works as written in a fresh
HOME (a newcomer copies them as they are)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, isolated_env

SECTIONS = ("## Shell completion and man pages",)


def readme_lines(section: str) -> list[str]:
    text = (ROOT / "README.md").read_text()
    body = text.split(section, 1)[1].split("\n## ", 1)[0]
    lines = []
    for block in re.findall(r"```sh\n(.*?)```", body, re.S):
        lines += [line for line in block.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return lines


def test_readme_shell_lines_work_in_a_fresh_home(tmp_path: Path):
    lines = readme_lines(SECTIONS[0])
    assert len(lines) >= 4, lines
    env = isolated_env(tmp_path)
    bindir = tmp_path / "bin"
    bindir.mkdir()
    shim = bindir / "avictl"
    shim.write_text(f"#!/bin/sh\nexec {sys.executable} -m avictl \"$@\"\n")
    shim.chmod(0o755)
    env["PATH"] = f"{bindir}:{env.get('PATH', '')}"
    home = Path(env["HOME"])
    assert not any(home.iterdir())
    for line in lines:
        proc = subprocess.run(["sh", "-ec", line], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, (line, proc.stderr)
    assert (home / ".local/share/bash-completion/completions/avictl").read_text().strip()
    assert (home / ".zfunc/_avictl").read_text().strip()
    assert (home / ".config/fish/completions/avictl.fish").read_text().strip()
    assert (home / ".local/share/man/man1/avictl.1").exists()
