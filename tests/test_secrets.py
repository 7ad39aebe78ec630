"""Secrets never leak: not in output with -v/--debug, not in the config file, not in argv."""

from __future__ import annotations

import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

EXAMPLE = str(Path(__file__).resolve().parent.parent / "examples" / "Docker.json")
DCOS_TOKEN = "eyJhbGciOiJSUzI1NiJ9.secret-dcos-token-payload.c2lnbmF0dXJl"

COMMANDS = [
    ["status"],
    ["app", "post", EXAMPLE],
    ["app", "list"],
    ["app", "show", "/webapp1"],
    ["app", "tasks", "/webapp1"],
    ["app", "ports", "/webapp1"],
    ["deployment", "list"],
    ["vs", "list"],
    ["vs", "show", "/webapp1"],
    ["vs", "port", "/webapp1"],
    ["pool", "list"],
    ["cloud", "list"],
    ["api", "GET", "/api/virtualservice"],
    ["elb", "list"],
    ["elb", "show", "avi-mesos-PublicSlaveL"],
    ["stack", "show", "avi-mesos"],
    ["deploy", EXAMPLE, "--yes"],
    ["config", "show"],
    ["logout"],
]


@pytest.fixture
def secret_lab(seed_lab):
    """The seed lab with Marathon behind DC/OS token auth."""
    seed_lab["marathon"].auth = ("token", DCOS_TOKEN)
    seed_lab["avi"].marathon_token = DCOS_TOKEN
    seed_lab["env"]["DCOS_ACS_TOKEN"] = DCOS_TOKEN
    return seed_lab


def session_secrets(avi) -> set[str]:
    found = set()
    for sid, session in list(avi.sessions.items()):
        found.add(sid)
        if session.get("csrf"):
            found.add(session["csrf"])
    return {s for s in found if s and len(s) >= 8}


def test_no_secret_in_any_output_with_verbose_and_debug(cli, secret_lab, config_file):
    env = secret_lab["env"]
    password = env["AVI_PASSWORD"]
    cli("config", "init", "--elb", "avi-mesos-PublicSlaveL")
    outputs = []
    for command in COMMANDS:
        for flag in ("-v", "--debug"):
            r = cli(flag, *command, env=env)
            outputs.append((command, flag, r))
    secrets = {password, DCOS_TOKEN} | session_secrets(secret_lab["avi"])
    assert len(secrets) >= 4, "expected the lab to have issued session cookies and CSRF tokens"
    debug_lines = sum(r.stderr.count("\n") for _, flag, r in outputs if flag == "--debug")
    assert debug_lines > 100, "the --debug runs should have logged the HTTP traffic"
    for command, flag, r in outputs:
        for secret in secrets:
            assert secret not in r.stdout, (command, flag, "stdout")
            assert secret not in r.stderr, (command, flag, "stderr")
    text = config_file.read_text()
    for secret in secrets:
        assert secret not in text
    assert stat.S_IMODE(config_file.stat().st_mode) == 0o600
    # the journal of the changes those commands made (app post, deploy) holds no secret either
    journal = config_file.parent.parent / "home" / ".local" / "state" / "avictl" / "journal.jsonl"
    text = journal.read_text()
    assert '"marathon app /webapp1"' in text and '"applied"' in text
    for secret in secrets:
        assert secret not in text, "journal"
    assert stat.S_IMODE(journal.stat().st_mode) == 0o600
    # whatever avictl keeps in its cache (sessions, names) is private
    cache = Path(env.get("AVICTL_CACHE_DIR", config_file.parent.parent / "cache"))
    for path in cache.rglob("*") if cache.exists() else []:
        if path.is_file():
            assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path
            assert password not in path.read_text(errors="replace"), path


def test_password_never_in_argv_of_avictl_or_its_children(secret_lab, avictl_home, tmp_path):
    """While a wait runs, no process of the command tree carries a secret on its command line."""
    from conftest import isolated_env

    env = isolated_env(avictl_home, secret_lab["env"])
    proc = subprocess.Popen([sys.executable, "-m", "avictl", "--debug", "app", "wait", "/never-there", "--timeout", "5"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        time.sleep(1.5)
        pids = [proc.pid]
        children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
        if children.exists():
            pids += [int(p) for p in children.read_text().split()]
        for pid in pids:
            try:
                argv = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
            except FileNotFoundError:
                continue
            assert secret_lab["env"]["AVI_PASSWORD"] not in argv and DCOS_TOKEN not in argv
    finally:
        proc.kill()
        out, err = proc.communicate()
    assert DCOS_TOKEN.encode() not in out + err


def test_tls_failure_exit_6_with_ca_bundle_hint(cli, seed_lab):
    env = {k: v for k, v in seed_lab["env"].items() if k != "AVI_CA_BUNDLE"}
    r = cli("vs", "list", env=env)
    assert r.exit_code == 6, r
    assert "--ca-bundle" in r.stderr and "Traceback" not in r.stderr


def test_insecure_warns_every_time(cli, seed_lab):
    env = {k: v for k, v in seed_lab["env"].items() if k != "AVI_CA_BUNDLE"}
    for _ in range(2):
        r = cli("--insecure", "vs", "list", env=env)
        assert r.exit_code == 0, r
        assert "warning: TLS certificate verification is disabled" in r.stderr


def test_redactor_hides_secrets_in_headers_and_bodies():
    from avictl.http import Redactor

    r = Redactor(["hunter2-password"])
    assert r.headers([("Cookie", "sessionid=abc"), ("X-CSRFToken", "tok"), ("Accept", "x")]) == [
        ("Cookie", "***"), ("X-CSRFToken", "***"), ("Accept", "x")]
    body = r.body(b'{"username": "admin", "password": "hunter2-password", "token": "jwt"}', "application/json")
    assert "hunter2" not in body and "jwt" not in body and "admin" in body
    assert "hunter2" not in r.body(b"username=a&password=hunter2-password", "application/x-www-form-urlencoded")
    assert r.text("oops hunter2-password here") == "oops *** here"
