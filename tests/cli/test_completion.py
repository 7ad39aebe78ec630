"""`avictl completion SHELL` prints the checked-in script."""

from __future__ import annotations

from conftest import ROOT

from avictl.shell import generate

COMPLETIONS = ROOT / "completions"


def test_completion_command_prints_the_checked_in_scripts(cli) -> None:
    for shell, name in generate.COMPLETION_FILES.items():
        r = cli("completion", shell)
        assert r.exit_code == 0, r
        assert r.stdout == (COMPLETIONS / name).read_text(encoding="utf-8"), shell


def test_completion_command_rejects_an_unknown_shell(cli) -> None:
    r = cli("completion", "tcsh")
    assert r.exit_code == 2
    assert "unknown shell 'tcsh'" in r.stderr and "bash, zsh, fish" in r.stderr
