"""Explicit credentials beat a cached controller session (an operator's AVI_PASSWORD or
AVI_AUTHTOKEN is what this run uses, never a session an earlier run left behind)."""

from __future__ import annotations


def test_a_wrong_explicit_password_is_refused_although_a_session_is_cached(cli, avi_lab, avi_env):
    assert cli("vs", "list", env=avi_env).exit_code == 0  # logs in and caches the session
    logins = len(avi_lab.sent("POST", "^/login$"))
    again = cli("vs", "list", env=avi_env)
    assert again.exit_code == 0 and len(avi_lab.sent("POST", "^/login$")) == logins  # same password: reused
    wrong = cli("vs", "list", env={**avi_env, "AVI_PASSWORD": "not-the-password"})
    assert wrong.exit_code == 5, wrong
    assert len(avi_lab.sent("POST", "^/login$")) == logins + 1  # it tried the password it was given
    assert cli("vs", "list", env=avi_env).exit_code == 0  # the good session is still there


def test_a_bogus_token_is_refused_although_a_session_is_cached(cli, avi_lab, avi_env):
    assert cli("vs", "list", env=avi_env).exit_code == 0
    bogus = cli("vs", "list", env={**avi_env, "AVI_AUTHTOKEN": "bogus-token-value"})
    assert bogus.exit_code == 5, bogus
    assert "bogus-token-value" not in bogus.output


def test_the_cache_holds_no_credential(cli, avi_lab, avi_env, avictl_home):
    assert cli("vs", "list", env=avi_env).exit_code == 0
    cached = b"".join(p.read_bytes() for p in (avictl_home / "cache").rglob("avi-session-*.json"))
    assert cached and avi_lab.password.encode() not in cached
