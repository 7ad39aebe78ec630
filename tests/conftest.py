"""Shared fixtures: run avictl as a user does, in-process or as a subprocess, with an isolated config.

Per-area fixtures (the lab stand-ins, moto's server) live in tests/plugins/.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
sys.path.insert(0, str(TESTS))

pytest_plugins = ["plugins.marathon_lab", "plugins.avi_lab", "plugins.aws_lab", "plugins.full_lab"]

CLEARED_PREFIXES = ("AVI_", "MARATHON_", "DCOS_", "AWS_", "AVICTL_", "PYTHON_KEYRING")
CLEARED = ("NO_COLOR", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME", "API_VERSION")


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def __repr__(self) -> str:  # shown by pytest when an assert fails
        return f"Result(exit_code={self.exit_code}, stdout={self.stdout[-2000:]!r}, stderr={self.stderr[-2000:]!r})"


def isolated_env(tmp: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a fresh user: no product settings, a private config and cache, a test keyring."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(CLEARED_PREFIXES) and k not in CLEARED}
    env.update({
        "AVICTL_CONFIG": str(tmp / "config" / "config.toml"),
        "AVICTL_CACHE_DIR": str(tmp / "cache"),
        "PYTHON_KEYRING_BACKEND": "keyring_backends.MemoryKeyring",
        "AWS_CONFIG_FILE": str(tmp / "aws-config-absent"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp / "aws-credentials-absent"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "HOME": str(tmp / "home"),
        "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep),
    })
    (tmp / "home").mkdir(exist_ok=True)
    env.update(extra or {})
    return env


class _Terminal(io.StringIO):
    """stderr of a person's terminal (for prompts and live progress)."""

    def isatty(self) -> bool:
        return True


class _Stdin(io.TextIOWrapper):
    def __init__(self, text: str | bytes, tty: bool = False):
        super().__init__(io.BytesIO(text.encode() if isinstance(text, str) else text), encoding="utf-8")
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


def make_journal(directory: Path | str | None = None):
    """A journal for tests that drive the clients directly (the clients refuse writes without one)."""
    import tempfile

    from avictl.journal import Journal

    where = Path(directory) if directory else Path(tempfile.mkdtemp(prefix="avictl-journal-"))
    return Journal(path=where / "journal.jsonl", profile="test", command="avictl (test)")


@pytest.fixture
def journal(tmp_path: Path):
    return make_journal(tmp_path / "state")


@pytest.fixture
def avictl_home(tmp_path: Path) -> Path:
    (tmp_path / "config").mkdir()
    return tmp_path


@pytest.fixture
def config_file(avictl_home: Path) -> Path:
    return avictl_home / "config" / "config.toml"


@pytest.fixture
def cli(avictl_home: Path, monkeypatch: pytest.MonkeyPatch):
    """cli(*args, input=None, env=None, tty=False) -> Result: avictl in this process.

    stdin and stderr are a terminal with tty=True (prompts, progress); stdout never is.
    """
    from avictl.cli.main import run

    def invoke(*args: str, input: str | bytes | None = None, env: dict[str, str] | None = None,
               tty: bool = False) -> Result:
        full = isolated_env(avictl_home, env)
        for key in list(os.environ):
            if key not in full:
                monkeypatch.delenv(key, raising=False)
        for key, value in full.items():
            monkeypatch.setenv(key, value)
        _reset_keyring()
        out, err = io.StringIO(), _Terminal() if tty else io.StringIO()
        code = run([str(a) for a in args], stdin=_Stdin(input or "", tty=tty), stdout=out, stderr=err)
        return Result(code, out.getvalue(), err.getvalue())

    return invoke


@pytest.fixture
def run_avictl(avictl_home: Path):
    """run_avictl(*args, input=None, env=None, timeout=60) -> Result: `python -m avictl` as a subprocess."""

    def invoke(*args: str, input: str | bytes | None = None, env: dict[str, str] | None = None,
               timeout: float = 60) -> Result:
        proc = subprocess.run([sys.executable, "-m", "avictl", *map(str, args)],
                              input=input.encode() if isinstance(input, str) else (input or b""),
                              capture_output=True, env=isolated_env(avictl_home, env), timeout=timeout, cwd=ROOT)
        return Result(proc.returncode, proc.stdout.decode("utf-8", "replace"),
                      proc.stderr.decode("utf-8", "replace"))

    return invoke


def _reset_keyring() -> None:
    """keyring caches its backend per process; each in-process run starts from the environment."""
    try:
        import keyring.core

        keyring.core._keyring_backend = None  # type: ignore[attr-defined]
    except ImportError:
        pass
