"""The base every command stands on: config, precedence, output formats, errors, credentials."""

from __future__ import annotations

import json
import os
import stat

import pytest

from avictl.config import KEYS


def init(cli, *args: str, profile: str | None = None):
    prefix = ["--profile", profile] if profile else []
    r = cli(*prefix, "config", "init", *args)
    assert r.exit_code == 0, r
    return r


# -- configuration ----------------------------------------------------------------------------


def test_config_init_by_flags_writes_0600_without_secrets(cli, config_file):
    init(cli, "--controller", "https://avi.example.com/", "--username", "admin", "--marathon",
         "http://master.mesos:8080", "--elb", "avi-mesos-PublicSlaveL", "--aws-region", "us-west-2")
    assert stat.S_IMODE(config_file.stat().st_mode) == 0o600
    text = config_file.read_text()
    assert 'controller = "https://avi.example.com"' in text
    assert "default_profile" not in text  # the "default" profile is used without it; nothing made default
    r = cli("config", "show", "-o", "json")
    data = json.loads(r.stdout)
    assert data["marathon"] == "http://master.mesos:8080" and data["elb"] == "avi-mesos-PublicSlaveL"


def test_every_profile_key_is_a_config_init_flag(cli):
    r = cli("config", "init", "--help")
    for key in KEYS:
        assert "--" + key.name.replace("_", "-") in r.stdout


def test_config_init_without_tty_and_flags_is_a_usage_error(cli):
    r = cli("config", "init")
    assert r.exit_code == 2 and "nothing to write" in r.stderr


def test_config_init_interactive_on_a_tty(cli, config_file):
    """On a terminal with no flags, config init asks; answers are validated and re-asked."""
    import io

    from avictl.cli.main import run

    class TTY(io.StringIO):
        def isatty(self):
            return True

    answers = TTY("not-a-url\nhttps://avi.lab:8443\nadmin\nhttp://127.0.0.1:8080\nus-east-1\nmy-elb\n")
    err = TTY()
    os.environ["AVICTL_CONFIG"] = str(config_file)
    try:
        code = run(["config", "init"], stdin=answers, stdout=io.StringIO(), stderr=err)
    finally:
        del os.environ["AVICTL_CONFIG"]
    assert code == 0, err.getvalue()
    assert "must be an http(s) URL" in err.getvalue()
    text = config_file.read_text()
    assert 'controller = "https://avi.lab:8443"' in text and 'elb = "my-elb"' in text


PRECEDENCE = [
    # (profile value, env value, flag, expected, source)
    ("7", None, None, "7.0", "profile"),
    ("7", "9", None, "9.0", "env:AVICTL_REQUEST_TIMEOUT"),
    ("7", "9", "11", "11.0", "flag"),
    (None, None, None, "30.0", "default"),
    (None, "9", None, "9.0", "env:AVICTL_REQUEST_TIMEOUT"),
]


@pytest.mark.parametrize("profile_value, env_value, flag, expected, source", PRECEDENCE)
def test_precedence_flag_env_profile_default(cli, profile_value, env_value, flag, expected, source):
    init(cli, "--controller", "https://a.example.com")
    if profile_value:
        cli("config", "set", "request_timeout", profile_value)
    env = {"AVICTL_REQUEST_TIMEOUT": env_value} if env_value else {}
    args = ["--request-timeout", flag] if flag else []
    r = cli(*args, "config", "show", "--sources", "-o", "tsv", env=env)
    rows = dict((line.split("\t")[0], line.split("\t")[1:]) for line in r.stdout.splitlines())
    assert rows["request_timeout"] == [expected, source]


def test_profile_selection_flag_env_file(cli):
    init(cli, "--controller", "https://one.example.com", profile="one")
    init(cli, "--controller", "https://two.example.com", profile="two")
    assert "one.example.com" not in cli("config", "show", "-o", "json").stdout  # never the default by itself
    assert cli("config", "use", "one").exit_code == 0
    assert cli("config", "show", "-o", "json").stdout.count("one.example.com") == 1
    assert "two.example.com" in cli("config", "show", env={"AVICTL_PROFILE": "two"}).stdout
    assert "one.example.com" in cli("-p", "one", "config", "show", env={"AVICTL_PROFILE": "two"}).stdout
    assert cli("config", "use", "two").exit_code == 0
    assert "two.example.com" in cli("config", "show").stdout
    # the environment beats the profile value
    assert "env.example.com" in cli("config", "show", env={"AVI_CONTROLLER": "https://env.example.com"}).stdout


def test_config_list_marks_default_and_set_unset(cli):
    init(cli, "--controller", "https://one.example.com", profile="one")
    init(cli, "--marathon", "http://m:8080", profile="two")
    assert cli("config", "list").stdout.splitlines()[0].split("\t")[:2] == ["one", "-"]  # never by itself
    assert cli("config", "use", "one").exit_code == 0
    r = cli("config", "list")
    assert r.stdout.splitlines()[0].split("\t")[:2] == ["one", "*"]
    assert cli("-p", "two", "config", "set", "elb", "web-elb").exit_code == 0
    assert "web-elb" in cli("-p", "two", "config", "show").stdout
    assert cli("-p", "two", "config", "unset", "elb").exit_code == 0
    assert "web-elb" not in cli("-p", "two", "config", "show").stdout


def test_config_path_honours_avictl_config(cli, config_file):
    assert cli("config", "path").stdout.strip() == str(config_file)


@pytest.mark.parametrize("content, line", [
    ("[profiles.a\ncontroller = 'x'\n", "line 1"),
    ("[profiles.a]\ncontroller = 3\n", "line 2"),
    ("default_profile = 'a'\n\n[profiles.a]\nbogus_key = 'x'\n", "line 4"),
    ("[profiles.a]\npassword = 'hunter2'\n", "line 2"),
    ("[profiles.a]\ninsecure = 'yes'\n", "line 2"),
    ("[profiles.a]\ntimeout = -1\n", "line 2"),
])
def test_broken_config_file_exit_2_names_file_and_line(cli, config_file, content, line):
    config_file.write_text(content)
    r = cli("config", "show")
    assert r.exit_code == 2, r
    first = r.stderr.splitlines()[0]
    assert first.startswith("avictl: error: config file ") and str(config_file) in first and line in first
    assert "Traceback" not in r.stderr and "hunter2" not in r.stderr


def test_config_file_not_utf8(cli, config_file):
    config_file.write_bytes(b"\xff\xfe[profiles]")
    r = cli("config", "list")
    assert r.exit_code == 2 and "not UTF-8" in r.stderr


@pytest.mark.parametrize("args", [
    ["config", "set", "password", "hunter2"],
    ["config", "set", "controller", "ftp://x"],
    ["config", "set", "controller", "https://user:hunter2@avi"],
    ["config", "set", "timeout", "abc"],
    ["config", "set", "insecure", "maybe"],
    ["config", "set", "no_such_key", "1"],
    ["--profile", "bad name!", "config", "set", "elb", "x"],
])
def test_config_set_bad_values_exit_2(cli, config_file, args):
    r = cli(*args)
    assert r.exit_code == 2, r
    assert len(r.stderr.strip().splitlines()) <= 2 and "hunter2" not in r.stderr
    assert not config_file.exists()


def test_unknown_profile_exit_3(cli):
    init(cli, "--controller", "https://a.example.com")
    r = cli("--profile", "nope", "config", "show")
    assert r.exit_code == 3 and "profile 'nope' not found" in r.stderr
    assert cli("config", "use", "nope").exit_code == 3


# -- output formats ----------------------------------------------------------------------------


@pytest.fixture
def two_profiles(cli):
    init(cli, "--controller", "https://one.example.com", "--elb", "elb-one", profile="one")
    init(cli, "--controller", "https://two.example.com", profile="two")
    assert cli("config", "use", "one").exit_code == 0


def test_output_formats(cli, two_profiles):
    tsv = cli("config", "list").stdout  # piped default: tsv, no header
    assert tsv.splitlines() == ["one\t*\thttps://one.example.com\t-\telb-one", "two\t-\thttps://two.example.com\t-\t-"]
    table = cli("config", "list", "-o", "table").stdout.splitlines()
    assert table[0].split() == ["NAME", "DEFAULT", "CONTROLLER", "MARATHON", "ELB"]
    assert len(table) == 3
    assert "USERNAME" in cli("config", "list", "-o", "wide").stdout
    assert cli("config", "list", "-o", "table", "--no-headers").stdout.splitlines()[0].startswith("one")
    data = json.loads(cli("config", "list", "-o", "json").stdout)
    assert [d["name"] for d in data] == ["one", "two"]
    lines = cli("config", "list", "-o", "jsonl").stdout.splitlines()
    assert [json.loads(x)["name"] for x in lines] == ["one", "two"]
    assert cli("config", "list", "-o", "name").stdout == "one\ntwo\n"
    assert "- name: one" in cli("config", "list", "-o", "yaml").stdout
    assert "\x1b[" not in cli("config", "list", "-o", "table").stdout  # never colour when piped


def test_query_jmespath(cli, two_profiles):
    assert cli("config", "list", "--query", "[?elb].name").stdout == "one\n"
    r = cli("config", "list", "-o", "json", "--query", "[].{n: name, c: controller}")
    assert json.loads(r.stdout)[1] == {"n": "two", "c": "https://two.example.com"}
    bad = cli("config", "list", "--query", "[?")
    assert bad.exit_code == 2 and bad.stderr.startswith("avictl: error: invalid --query")


def test_global_options_after_the_command(cli, two_profiles):
    assert json.loads(cli("config", "list", "-o", "json").stdout)
    assert cli("config", "list", "--output=name").stdout == "one\ntwo\n"


def test_bad_output_format_exit_2(cli):
    r = cli("-o", "xml", "config", "list")
    assert r.exit_code == 2 and "unknown output format 'xml'" in r.stderr


def test_table_colour_only_on_tty_and_not_with_no_color():
    import io

    from avictl.output import Column, Printer

    class TTY(io.StringIO):
        def isatty(self):
            return True

    rows = [{"s": "OPER_UP"}]
    cols = [Column("STATE", "s", color=lambda v: "green")]
    out = TTY()
    os.environ.pop("NO_COLOR", None)
    Printer(None, stream=out).list(rows, cols)
    assert "\x1b[32m" in out.getvalue()
    out = TTY()
    Printer(None, stream=out, no_color=True).list(rows, cols)
    assert "\x1b[" not in out.getvalue() and "STATE" in out.getvalue()
    os.environ["NO_COLOR"] = "1"
    try:
        out = TTY()
        Printer(None, stream=out).list(rows, cols)
        assert "\x1b[" not in out.getvalue()
    finally:
        del os.environ["NO_COLOR"]


# -- errors and usage --------------------------------------------------------------------------


@pytest.mark.parametrize("args", [["nope"], ["config", "nope"], ["config", "set", "elb"], ["--timeout", "x", "status"],
                                  ["--timeout", "0", "config", "list"], ["--ca-bundle", "/nonexistent.pem", "status"]])
def test_usage_errors_one_line_exit_2(cli, args):
    r = cli(*args)
    assert r.exit_code == 2, r
    assert r.stderr.startswith("avictl: error: ")
    assert "Traceback" not in r.stderr and len(r.stderr.splitlines()) <= 2


def test_help_everywhere_has_examples(cli):
    from avictl.cli.main import root_command

    def walk(cmd, path):
        yield path, cmd
        for name, sub in getattr(cmd, "commands", {}).items():
            yield from walk(sub, [*path, name])

    for path, cmd in walk(root_command(), []):
        r = cli(*path, "--help")
        assert r.exit_code == 0, (path, r)
        assert "Examples:" in r.stdout, path  # groups too (SPEC §2: every command)


def test_version_fast_path(run_avictl):
    r = run_avictl("--version")
    assert r.exit_code == 0 and r.stdout.startswith("avictl ")


def test_no_traceback_without_debug_and_traceback_with_it(cli, config_file):
    config_file.write_text("[profiles.a]\ncontroller = 3\n")
    r = cli("--debug", "config", "show")
    assert r.exit_code == 2 and "Traceback" in r.stderr


# -- credentials -------------------------------------------------------------------------------


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
            controller_password(Settings(username="admin", controller="https://x"), interactive=False)
        assert "plaintext-secret" not in str(info.value)
    finally:
        del os.environ["PYTHON_KEYRING_BACKEND"]
        keyring.core._keyring_backend = None


def test_keyring_guard_does_not_hang(avictl_home):
    """A keyring that never answers costs at most the guard's timeout, then exit 5."""
    import subprocess
    import sys
    import time

    from conftest import isolated_env

    code = ("from avictl.config import Settings\n"
            "from avictl.credentials import controller_password\n"
            "from avictl.errors import AuthError\n"
            "try:\n"
            "    controller_password(Settings(username='admin', controller='https://x'), interactive=False)\n"
            "except AuthError as e:\n"
            "    print('exit5', e)\n")
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30,
                          env=isolated_env(avictl_home, {"PYTHON_KEYRING_BACKEND": "keyring_backends.HangingKeyring"}))
    assert time.monotonic() - start < 10
    assert proc.stdout.startswith("exit5"), proc


def test_password_command_is_used_and_never_shown(cli, tmp_path):
    from avictl.config import Settings
    from avictl.credentials import controller_password

    script = tmp_path / "pw.sh"
    script.write_text("#!/bin/sh\necho 's3cret-from-command'\necho second-line\n")
    script.chmod(0o700)
    s = Settings(username="admin", controller="https://x", password_command=str(script))
    assert controller_password(s, interactive=False) == "s3cret-from-command"
    failing = tmp_path / "fail.sh"
    failing.write_text("#!/bin/sh\necho leaked-secret\nexit 3\n")
    failing.chmod(0o700)
    from avictl import errors

    with pytest.raises(errors.AuthError) as info:
        controller_password(Settings(username="a", password_command=str(failing)), interactive=False)
    assert "leaked-secret" not in str(info.value) and "exit 3" in str(info.value)


def test_redactor_hides_secrets_in_headers_and_bodies():
    from avictl.http import Redactor

    r = Redactor(["hunter2-password"])
    assert r.headers([("Cookie", "sessionid=abc"), ("X-CSRFToken", "tok"), ("Accept", "x")]) == [
        ("Cookie", "***"), ("X-CSRFToken", "***"), ("Accept", "x")]
    body = r.body(b'{"username": "admin", "password": "hunter2-password", "token": "jwt"}', "application/json")
    assert "hunter2" not in body and "jwt" not in body and "admin" in body
    assert "hunter2" not in r.body(b"username=a&password=hunter2-password", "application/x-www-form-urlencoded")
    assert r.text("oops hunter2-password here") == "oops *** here"


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


def test_status_reports_each_system_and_fails_when_one_is_down(cli, seed_lab):
    import json as _json

    ok = cli("status", "-o", "json", env=seed_lab["env"])
    assert ok.exit_code == 0, ok
    rows = {r["system"]: r for r in _json.loads(ok.stdout)}
    assert all(rows[s]["reachable"] and rows[s]["authenticated"] for s in ("marathon", "avi", "aws"))
    assert rows["marathon"]["version"] == "1.5.0" and rows["avi"]["version"] == seed_lab["avi"].version
    down = cli("status", "-o", "json", env={**seed_lab["env"], "MARATHON_URL": "http://127.0.0.1:9"})
    assert down.exit_code == 1 and "marathon: not healthy" in down.stderr
    assert {r["system"]: r for r in _json.loads(down.stdout)}["marathon"]["reachable"] is False
    bad_pw = cli("status", "-o", "json", env={**seed_lab["env"], "AVI_PASSWORD": "nope"})
    assert {r["system"]: r for r in _json.loads(bad_pw.stdout)}["avi"]["authenticated"] is False


def test_status_with_nothing_configured_says_how_to_start(cli):
    r = cli("status")
    assert r.exit_code == 2 and "avictl lab up" in r.stderr


def test_config_init_writes_the_named_profile_not_the_default_one(cli, config_file):
    init(cli, "--controller", "https://p2.example.com", profile="p2")
    assert cli("config", "use", "p2").exit_code == 0
    init(cli, "--request-timeout", "5")  # no --profile: SPEC says it writes "default"
    text = config_file.read_text()
    assert "[profiles.default]" in text and 'default_profile = "p2"' in text
    import tomllib

    assert "timeout" not in tomllib.loads(text)["profiles"]["p2"]


def test_config_set_on_a_misspelt_profile_is_exit_3(cli, config_file):
    init(cli, "--controller", "https://a.example.com", profile="prod")
    r = cli("-p", "prdo", "config", "set", "tenant", "x")
    assert r.exit_code == 3 and "config init" in r.stderr
    assert "prdo" not in config_file.read_text()


def test_config_init_from_stack_creates_a_new_profile(cli, aws_world, config_file):
    r = cli("--profile", "fresh", "config", "init", "--from-stack", "avi-mesos",
            "--aws-endpoint-url", aws_world["env"]["AWS_ENDPOINT_URL"], "--aws-region", "us-east-1",
            env={k: v for k, v in aws_world["env"].items() if k != "AWS_ENDPOINT_URL"})
    assert r.exit_code == 0, r
    shown = json.loads(cli("-p", "fresh", "config", "show", "-o", "json").stdout)
    assert shown["elb"] == "avi-mesos-PublicSlaveL" and shown["marathon"] == "http://127.0.0.1:8080"
    assert shown["aws_endpoint_url"] == aws_world["env"]["AWS_ENDPOINT_URL"]


def test_login_without_a_usable_keyring_still_succeeds_with_a_warning(cli, avi_env):
    no_pw = {k: v for k, v in avi_env.items() if k != "AVI_PASSWORD"}
    r = cli("login", "--password-stdin", input=avi_env["AVI_PASSWORD"] + "\n",
            env={**no_pw, "PYTHON_KEYRING_BACKEND": "keyring_backends.FailingKeyring"})
    assert r.exit_code == 0 and "verified but not stored" in r.stderr, r
