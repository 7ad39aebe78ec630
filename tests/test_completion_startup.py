"""Start-up budget (SPEC.md §6): what `avictl --version`, `--help` and a TAB import.

Timings are in bench/startup.py; here only what is loaded, which does not flake.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, isolated_env

HEAVY = ("httpx", "boto3", "botocore", "rich", "keyring", "tabulate")


def _loaded_after(tmp: Path, code: str) -> set[str]:
    probe = code + "\nimport sys\nprint(' '.join(sorted({m.split('.')[0] for m in sys.modules})))\n"
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=60,
                          env=isolated_env(tmp, {"AVICTL_NO_NAME_REFRESH": "1"}))
    assert proc.returncode == 0, proc.stderr
    return set(proc.stdout.strip().splitlines()[-1].split())


def test_help_of_every_command_imports_nothing_heavy(tmp_path: Path) -> None:
    """Build the whole tree and render the root's and every command's --help in one process."""
    code = """
import io, contextlib
from avictl.cli.main import root_command, run
from avictl.shell.model import build
for cmd in build().commands():
    with contextlib.redirect_stdout(io.StringIO()):
        assert run([*cmd.path, '--help'], stdout=io.StringIO(), stderr=io.StringIO()) == 0, cmd.path
"""
    loaded = _loaded_after(tmp_path, code)
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_version_does_not_import_typer(tmp_path: Path) -> None:
    loaded = _loaded_after(tmp_path, "import io, contextlib\nfrom avictl.__main__ import main\n"
                                     "with contextlib.redirect_stdout(io.StringIO()):\n    main(['--version'])")
    assert "typer" not in loaded and not loaded & set(HEAVY)


@pytest.mark.parametrize("kind", ["app", "vs,app", "profile"])
def test_completion_request_imports_neither_typer_nor_heavy_modules(tmp_path: Path, kind: str) -> None:
    loaded = _loaded_after(tmp_path, "import io, contextlib\nfrom avictl.__main__ import main\n"
                                     f"with contextlib.redirect_stdout(io.StringIO()):\n    main(['__complete', {kind!r}, ''])")
    assert "typer" not in loaded and not loaded & set(HEAVY), sorted(loaded & {"typer", *HEAVY})
