"""`avictl login` / `logout` and where the controller password comes from (keyring, password_command, prompt)."""

from __future__ import annotations

import json
import os
from urllib.parse import parse_qs

import pytest
from cli.helpers import init


def test_login_without_any_password_source_exit_5_with_hint(cli):
    init(cli, "--controller", "https://127.0.0.1:9", "--username", "admin")
    r = cli("login", env={"PYTHON_KEYRING_BACKEND": "keyring_backends.FailingKeyring"})
    assert r.exit_code == 5, r
    assert "no password available" in r.stderr and "hint: set AVI_PASSWORD" in r.stderr


@pytest.mark.parametrize("backend", ["FailingKeyring", "PlaintextKeyring"])
def test_keyring_guard_skips_unusable_backends(cli, backend):
    """A failing or plaintext keyring is skipped: the chain ends in exit 5, never a crash or a leak."""
    from avictl.config import Settings
    from avictl.credentials import controller_password

    os.environ["PYTHON_KEYRING_BACKEND"] = f"keyring_backends.{backend}"
    try:
        import keyring.core

        keyring.core._keyring_backend = None
        from avictl import errors

        with pytest.raises(errors.AuthError) as info:
            controller_password(Settings(username="admin", controller="https://x"))
        assert "plaintext-secret" not in str(info.value)
    finally:
        del os.environ["PYTHON_KEYRING_BACKEND"]
        keyring.core._keyring_backend = None


def test_keyring_guard_does_not_hang(avictl_home):
    """A keyring that never answers (it sleeps a minute) costs the guard's timeout, then exit 5 saying so.

    Without the guard the child would still be waiting when subprocess.run's own limit (30 s) ends it."""
    import subprocess
    import sys

    from conftest import isolated_env

    code = ("from avictl.config import Settings\n"
            "from avictl.credentials import controller_password\n"
            "from avictl.errors import AuthError\n"
            "try:\n"
            "    controller_password(Settings(username='admin', controller='https://x'))\n"
            "except AuthError as e:\n"
            "    print('exit5', e)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30,
                          env=isolated_env(avictl_home, {"PYTHON_KEYRING_BACKEND": "keyring_backends.HangingKeyring"}))
    assert proc.stdout.startswith("exit5"), proc


def test_password_command_is_used_and_never_shown(cli, tmp_path):
    from avictl.config import Settings
    from avictl.credentials import controller_password

    script = tmp_path / "pw.sh"
    script.write_text("#!/bin/sh\necho 's3cret-from-command'\necho second-line\n")
    script.chmod(0o700)
    s = Settings(username="admin", controller="https://x", password_command=str(script))
    assert controller_password(s) == "s3cret-from-command"
    failing = tmp_path / "fail.sh"
    failing.write_text("#!/bin/sh\necho leaked-secret\nexit 3\n")
    failing.chmod(0o700)
    from avictl import errors

    with pytest.raises(errors.AuthError) as info:
        controller_password(Settings(username="a", password_command=str(failing)))
    assert "leaked-secret" not in str(info.value) and "exit 3" in str(info.value)


def test_login_stores_in_keyring_then_commands_use_it_and_logout_forgets(cli, avi_env, avi_lab, tmp_path):
    """The whole chain: --password-stdin → verified → keyring; then no AVI_PASSWORD needed; logout drops it."""
    import keyring_backends

    keyring_backends.STORE.clear()
    password = avi_env["AVI_PASSWORD"]
    no_pw = {k: v for k, v in avi_env.items() if k != "AVI_PASSWORD"}
    r = cli("login", "--password-stdin", input=password + "\n", env=no_pw)
    assert r.exit_code == 0, r
    assert list(keyring_backends.STORE.values()) == [password]
    avi_lab.seed(1)
    fresh_cache = {**no_pw, "AVICTL_CACHE_DIR": str(tmp_path / "no-session")}  # force a new login
    assert cli("vs", "list", "-o", "name", env=fresh_cache).exit_code == 0
    assert cli("logout", env=no_pw).exit_code == 0
    assert not keyring_backends.STORE
    r = cli("vs", "list", env={**no_pw, "AVICTL_CACHE_DIR": str(tmp_path / "again")})
    assert r.exit_code == 5 and "hint:" in r.stderr


def test_wrong_password_on_login_is_not_stored(cli, avi_env):
    import keyring_backends

    keyring_backends.STORE.clear()
    no_pw = {k: v for k, v in avi_env.items() if k != "AVI_PASSWORD"}
    r = cli("login", "--password-stdin", input="not-the-password\n", env=no_pw)
    assert r.exit_code == 5 and "not-the-password" not in r.output
    assert not keyring_backends.STORE


def test_login_without_a_usable_keyring_still_succeeds_with_a_warning(cli, avi_env):
    no_pw = {k: v for k, v in avi_env.items() if k != "AVI_PASSWORD"}
    r = cli("login", "--password-stdin", input=avi_env["AVI_PASSWORD"] + "\n",
            env={**no_pw, "PYTHON_KEYRING_BACKEND": "keyring_backends.FailingKeyring"})
    assert r.exit_code == 0 and "verified but not stored" in r.stderr, r


def test_login_status_logout(cli, avi_env, avi_lab):
    r = cli("login", "--no-store", env=avi_env)
    assert r.exit_code == 0, r
    assert avi_lab.version in r.stderr
    status = cli("status", "-o", "json", env=avi_env)
    avi_row = next(row for row in json.loads(status.stdout) if row["check"] == "controller")
    assert avi_row["ok"] is True and avi_row["detail"].startswith(f"Avi {avi_lab.version}, logged in as ")
    token = cli("login", "--no-store", "--token-hours", "2", env=avi_env)
    assert token.exit_code == 0 and len(token.stdout.strip()) >= 20
    out = cli("logout", env=avi_env)
    assert out.exit_code == 0 and avi_lab.sent("POST", "^/logout$")


def test_wrong_password_and_no_ca(cli, avi_env, avi_lab):
    bad = cli("vs", "list", env={**avi_env, "AVI_PASSWORD": "wrong"})
    assert bad.exit_code == 5 and "Invalid credentials" in bad.stderr and "wrong" not in bad.stderr
    no_ca = {k: v for k, v in avi_env.items() if k != "AVI_CA_BUNDLE"}
    r = cli("vs", "list", env=no_ca)
    assert r.exit_code == 6 and "TLS verification failed" in r.stderr


def test_password_never_in_debug_output(cli, avi_env, avi_lab):
    avi_lab.seed(1)
    r = cli("--debug", "vs", "list", env=avi_env)
    assert r.exit_code == 0
    assert avi_lab.password not in r.stderr and "X-Avi-Version" in r.stderr.replace("x-avi-version", "X-Avi-Version")


def test_user_token_for_scripts(cli, avi_env, avi_lab, tmp_path):
    avi_lab.seed(1)
    token = cli("login", "--no-store", "--token-hours", "1", env=avi_env).stdout.strip()
    env = {k: v for k, v in avi_env.items() if k != "AVI_PASSWORD"}
    r = cli("vs", "list", "-o", "name", env={**env, "AVI_AUTHTOKEN": token, "AVICTL_CACHE_DIR": str(tmp_path / "fresh")})
    assert r.exit_code == 0 and r.stdout == "vs-000000\n", r
    assert token not in r.stderr
    assert parse_qs(avi_lab.sent("POST", "^/login$")[-1]["body"]).get("token") == [token]


def test_the_password_chain_never_prompts_it_says_a_prompt_is_needed(avictl_home, monkeypatch):
    from avictl.config import Settings
    from avictl.credentials import PasswordNeeded, controller_password

    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring_backends.FailingKeyring")
    monkeypatch.delenv("AVI_PASSWORD", raising=False)
    import keyring.core

    keyring.core._keyring_backend = None
    try:
        with pytest.raises(PasswordNeeded) as info:
            controller_password(Settings(username="admin", controller="https://x"))
    finally:
        keyring.core._keyring_backend = None
    assert info.value.exit_code == 5 and info.value.question == "Password for admin at https://x: "


def test_login_on_a_terminal_asks_for_the_password_on_stderr(cli, avi_env, avi_lab):
    env = {k: v for k, v in avi_env.items() if k != "AVI_PASSWORD"}
    r = cli("login", "--no-store", input=avi_lab.password + "\n", tty=True,
            env={**env, "PYTHON_KEYRING_BACKEND": "keyring_backends.FailingKeyring"})
    assert r.exit_code == 0, r
    assert f"Password for {avi_lab.username} at {avi_lab.url}: " in r.stderr
    assert avi_lab.password not in r.output


def test_a_command_on_a_terminal_asks_once_when_a_login_needs_the_password(cli, avi_env, avi_lab, tmp_path):
    avi_lab.seed(1)
    env = {k: v for k, v in avi_env.items() if k != "AVI_PASSWORD"}
    r = cli("vs", "list", "-o", "name", input=avi_lab.password + "\n", tty=True,
            env={**env, "PYTHON_KEYRING_BACKEND": "keyring_backends.FailingKeyring"})
    assert r.exit_code == 0 and r.stdout == "vs-000000\n", r
    assert r.stderr.count("Password for ") == 1
    piped = cli("vs", "list", env={**env, "PYTHON_KEYRING_BACKEND": "keyring_backends.FailingKeyring",
                                   "AVICTL_CACHE_DIR": str(tmp_path / "no-session")})
    assert piped.exit_code == 5 and "no password available" in piped.stderr and "Password for" not in piped.stderr
