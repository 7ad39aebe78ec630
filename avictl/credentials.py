"""Where secrets come from (SPEC.md §3): never argv, never the config file.

Controller password, first that answers: `--password-stdin` (login only) → AVI_PASSWORD →
the profile's `password_command` → the OS keyring (service `avictl`, key
`<profile>:<username>`) → a prompt when stdin is a TTY → exit 5 saying what to set.

This module never prompts: when no source has the password it raises PasswordNeeded, and
the CLI (which owns the terminal) asks, or reports it.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import threading
from collections.abc import Callable
from typing import Any

from .config import Settings
from .errors import AuthError, UsageError, describe_exception

SERVICE = "avictl"
KEYRING_TIMEOUT = 3.0
PASSWORD_COMMAND_TIMEOUT = 15.0

# Backends that never keep a secret safely or never work: skip them.
_UNUSABLE = ("keyring.backends.fail", "keyring.backends.null", "keyring.backends.chainer")
_PLAINTEXT = ("keyrings.alt.file.PlaintextKeyring", "PlaintextKeyring", "keyrings.alt.file")


def keyring_key(settings: Settings, what: str = "") -> str:
    return f"{settings.profile}:{what}{settings.username or ''}"


def password_hint(settings: Settings) -> str:
    return ("set AVI_PASSWORD, pipe it to `avictl login --password-stdin`, set password_command in the "
            f"profile, or store it in the OS keyring with `avictl login` (profile {settings.profile!r})")


class PasswordNeeded(AuthError):
    """No source has the controller password (exit 5 unless a person at a terminal types it).

    `question` is the prompt to show if the caller can ask.
    """

    def __init__(self, settings: Settings):
        super().__init__(f"no password available for {settings.username!r}", password_hint(settings))
        self.question = f"Password for {settings.username} at {settings.controller}: "


def controller_password(settings: Settings, *, use_keyring: bool = True,
                        warn: Callable[[str], None] | None = None) -> str:
    """The controller password from the chain of SPEC.md §3 (prompt excluded), else PasswordNeeded."""
    if not settings.username:
        raise AuthError("no controller user name configured",
                        "set AVI_USERNAME or `avictl config set username NAME`")
    env = os.environ.get("AVI_PASSWORD")
    if env:
        return env
    if settings.password_command:
        return run_password_command(settings.password_command)
    stored = keyring_get(keyring_key(settings), warn=warn) if use_keyring else None
    if stored:
        return stored
    raise PasswordNeeded(settings)


def marathon_auth(settings: Settings, warn: Callable[[str], None] | None = None) -> tuple[str, ...] | None:
    """('token', jwt) for DC/OS, ('basic', user, password), or None for an open Marathon."""
    token = os.environ.get("DCOS_ACS_TOKEN")
    if token:
        return ("token", token)
    user = settings.marathon_username
    if not user:
        return None
    pw = os.environ.get("MARATHON_PASSWORD") or keyring_get(keyring_key(settings, "marathon:"), warn=warn)
    if not pw:
        raise AuthError(f"no Marathon password for {user!r}",
                        "set MARATHON_PASSWORD, or DCOS_ACS_TOKEN for DC/OS")
    return ("basic", user, pw)


def run_password_command(command: str) -> str:
    try:
        argv = shlex.split(command)
    except ValueError as exc:
        raise UsageError(f"password_command cannot be parsed: {exc}") from None
    if not argv:
        raise UsageError("password_command is empty")
    try:
        proc = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=PASSWORD_COMMAND_TIMEOUT, check=False)
    except FileNotFoundError:
        raise AuthError(f"password_command: {argv[0]}: command not found") from None
    except subprocess.TimeoutExpired:
        raise AuthError(f"password_command did not finish within {PASSWORD_COMMAND_TIMEOUT:.0f} s") from None
    first = proc.stdout.splitlines()[0] if proc.stdout else ""
    if proc.returncode != 0 or not first:
        # Its output may hold the secret: never show it.
        raise AuthError(f"password_command failed (exit {proc.returncode}) or printed nothing",
                        "run the command yourself to check it")
    return first


# -- the OS keyring, guarded --------------------------------------------------------------


def keyring_backend() -> tuple[Any, str | None]:
    """(backend, None) when usable, else (None, why not). Never hangs, never picks plaintext silently."""
    if os.environ.get("AVICTL_NO_KEYRING"):
        return None, "disabled by AVICTL_NO_KEYRING"
    result: dict[str, Any] = {}

    def probe() -> None:
        try:
            import keyring

            result["backend"] = keyring.get_keyring()
        except Exception as exc:  # any backend failure means "no keyring"
            result["error"] = describe_exception(exc)

    if not _with_timeout(probe):
        return None, "the keyring did not answer (no D-Bus session?)"
    if "error" in result:
        return None, result["error"]
    backend = result["backend"]
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    if name.startswith(_UNUSABLE) and not getattr(backend, "backends", None):
        return None, "no keyring backend is available"
    if any(p in name for p in _PLAINTEXT):
        return None, f"the keyring backend {name} stores plaintext; refusing it"
    if "SecretService" in name and not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return None, "no D-Bus session for the Secret Service keyring"
    return backend, None


def _with_timeout(fn: Callable[[], None], timeout: float = KEYRING_TIMEOUT) -> bool:
    """Run fn in a daemon thread; False if it did not finish in time (a hung keyring)."""
    t = threading.Thread(target=fn, daemon=True, name="keyring")
    t.start()
    t.join(timeout)
    return not t.is_alive()


def _keyring_call(backend: Any, method: str, *args: str) -> tuple[bool, Any, str | None]:
    """(answered in time, value, error class name) of one backend call under the guard's timeout."""
    result: dict[str, Any] = {}

    def call() -> None:
        try:
            result["value"] = getattr(backend, method)(SERVICE, *args)
        except Exception as exc:  # any backend failure means "no keyring" for this call
            result["error"] = describe_exception(exc)

    answered = _with_timeout(call)
    return answered, result.get("value"), result.get("error")


def keyring_get(key: str, warn: Callable[[str], None] | None = None) -> str | None:
    backend, _ = keyring_backend()
    if backend is None:
        return None
    answered, value, error = _keyring_call(backend, "get_password", key)
    if not answered or error:
        if warn:
            warn(f"the keyring {'failed (' + error + ')' if answered else 'did not answer within 3 s'}; skipping it")
        return None
    return value


def keyring_set(key: str, secret: str) -> None:
    backend, why = keyring_backend()
    if backend is None:
        raise AuthError(f"cannot store the password: {why}", "use AVI_PASSWORD or password_command instead")
    answered, _, error = _keyring_call(backend, "set_password", key, secret)
    if not answered or error:
        raise AuthError(f"cannot store the password in the keyring ({error or 'no answer'})",
                        "use AVI_PASSWORD or password_command instead")


def keyring_delete(key: str) -> bool:
    backend, _ = keyring_backend()
    if backend is None:
        return False
    answered, _, error = _keyring_call(backend, "delete_password", key)
    return answered and not error


def store_password(settings: Settings, password: str) -> None:
    keyring_set(keyring_key(settings), password)


def delete_password(settings: Settings) -> bool:
    return keyring_delete(keyring_key(settings))
