"""--request-timeout is the per-request limit, --timeout a waiting command's wait limit; the
old spellings of the per-request limit still work for one release, with a warning."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("args, env, source", [
    (["--request-timeout", "4"], {}, "flag"),
    ([], {"AVICTL_REQUEST_TIMEOUT": "4"}, "env:AVICTL_REQUEST_TIMEOUT"),
])
def test_request_timeout_settings(cli, args, env, source):
    r = cli(*args, "config", "show", "--sources", "-o", "tsv", env=env)
    rows = dict((line.split("\t")[0], line.split("\t")[1:]) for line in r.stdout.splitlines())
    assert rows["request_timeout"] == ["4.0", source] and "deprecated" not in r.stderr, r


@pytest.mark.parametrize("args, env", [
    (["--timeout", "4"], {}),
    ([], {"AVICTL_TIMEOUT": "4"}),
])
def test_old_spellings_still_work_with_a_warning(cli, args, env):
    r = cli(*args, "config", "show", "--sources", "-o", "tsv", env=env)
    rows = dict((line.split("\t")[0], line.split("\t")[1:]) for line in r.stdout.splitlines())
    assert rows["request_timeout"][0] == "4.0", r
    assert "deprecated" in r.stderr and "request" in r.stderr.lower(), r


def test_old_profile_key_still_works_with_a_warning(cli, config_file):
    config_file.write_text('[profiles.default]\ncontroller = "https://avi.example.com"\ntimeout = 4\n')
    r = cli("config", "show", "-o", "tsv")
    rows = dict((line.split("\t")[0], line.split("\t")[1:]) for line in r.stdout.splitlines())
    assert rows["request_timeout"][0] == "4.0" and "deprecated" in r.stderr, r
    assert cli("config", "set", "request_timeout", "5").exit_code == 0
    text = config_file.read_text()
    assert "request_timeout = 5.0" in text and "\ntimeout" not in text


def test_a_waiting_commands_timeout_is_its_wait_limit(cli, marathon15, tmp_path):
    marathon15.deploy_seconds = 30
    from plugins.avi_lab import post_marathon_app

    post_marathon_app(marathon15, {"id": "/slow", "cmd": "sleep 100", "instances": 1})
    r = cli("app", "wait", "/slow", "--timeout", "0.5", env={"MARATHON_URL": marathon15.url})
    assert r.exit_code == 7 and "deprecated" not in r.stderr, r
