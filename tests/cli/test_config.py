"""`avictl config ...`: profiles in the TOML file, precedence of flags, environment and file."""

from __future__ import annotations

import json
import os
import stat

import pytest
from cli.helpers import init

from avictl.config import KEYS

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


def test_config_init_from_stack_reads_the_outputs(cli, aws_world, config_file):
    r = cli("config", "init", "--from-stack", "avi-mesos", env=aws_world["env"])
    assert r.exit_code == 0, r
    text = config_file.read_text()
    assert "http://127.0.0.1:8080" in text and "https://127.0.0.1:8443" in text and "avi-mesos-PublicSlaveL" in text
