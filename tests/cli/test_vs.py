"""`avictl vs list|show|port` against the controller stand-in, as a user runs them."""

from __future__ import annotations

import json

import pytest
from cli.helpers import WEB
from plugins.avi_lab import AVI_VERSIONS, post_marathon_app


@pytest.mark.parametrize("avi_lab", AVI_VERSIONS, indirect=True)
def test_vs_list_columns_per_version(cli, avi_env, avi_lab, web_app, avi_marathon):
    _, port = web_app
    avi_lab.seed(2)
    # with Marathon configured the APP column is exact (read from the pool's name: the stand-in
    # names a group app's VS its own way, `web.group`)
    r = cli("vs", "list", env={**avi_env, "MARATHON_URL": avi_marathon.url})
    assert r.exit_code == 0, r
    rows = {line.split("\t")[0]: line.split("\t") for line in r.stdout.splitlines()}
    assert rows["web.group"] == ["web.group", "10.10.0.1", str(port), "UP", "group-web-pool-80", "/group/web",
                                 "Default-Cloud"]
    assert rows["vs-000000"][:5] == ["vs-000000", "10.2.0.1", "80", "DOWN", "vs-000000-pool"]
    assert rows["vs-000001"][2] == "443/ssl"


def test_vs_list_table_and_json_forms(cli, avi_env, avi_lab):
    avi_lab.seed(3)
    r = cli("vs", "list", "-o", "table", env=avi_env)
    assert r.stdout.splitlines()[0].split() == ["NAME", "VIP", "PORTS", "STATE", "POOL", "APP", "CLOUD"]
    items = json.loads(cli("vs", "list", "-o", "json", env=avi_env).stdout)
    assert items[1]["vips"] == ["10.2.0.2"] and items[1]["services"][0]["enable_ssl"] is True
    lines = cli("vs", "list", "-o", "jsonl", env=avi_env).stdout.splitlines()
    assert [json.loads(x)["name"] for x in lines] == ["vs-000000", "vs-000001", "vs-000002"]
    assert cli("vs", "list", "-o", "name", env=avi_env).stdout.split() == ["vs-000000", "vs-000001", "vs-000002"]
    assert cli("vs", "list", "--query", "[].name", "-o", "json", env=avi_env).exit_code == 0


def test_vs_list_filters(cli, avi_env, avi_lab):
    avi_lab.seed(15)
    avi_lab.seed(2, prefix="edge-", cloud="vmware-cloud")
    avi_lab.seed(1, prefix="dev-", tenant="dev")
    names = lambda *a: cli("vs", "list", "-o", "name", *a, env=avi_env).stdout.split()  # noqa: E731
    assert names("--name", "vs-00001*") == [f"vs-0000{n}" for n in range(10, 15)]
    assert names("--cloud", "vmware-cloud") == ["edge-000015", "edge-000016"]
    assert names("--state", "down") == ["vs-000000", "vs-000007", "vs-000014"]
    assert names("--state", "OPER_DOWN", "--name", "vs-*") == ["vs-000000", "vs-000007", "vs-000014"]
    assert names("--tenant", "dev") == ["dev-000017"]
    assert len(names("--all-tenants")) == 18
    avi_lab.clear_requests()
    bad = cli("vs", "list", "--state", "sideways", env=avi_env)
    assert bad.exit_code == 2 and "unknown state" in bad.stderr and not avi_lab.sent("GET", "virtualservice")


def test_vs_show_with_members(cli, avi_env, web_app, avi_marathon):
    r = cli("vs", "show", "/group/web", env=avi_env)
    assert r.exit_code == 0, r
    fields = dict(line.split("\t", 1) for line in r.stdout.splitlines())
    assert fields["name"] == "web.group" and fields["state"] == "UP" and fields["vips"] == "10.10.0.1"
    assert fields["members"] == "10.0.1.10:31000 UP,10.0.1.11:31001 UP"
    shown = json.loads(cli("vs", "show", "web.group", "-o", "json", env=avi_env).stdout)
    assert shown["app"] == "/group-web"  # without Marathon: the flat guess, from the pool's name
    shown = json.loads(cli("vs", "show", "web.group", "-o", "json",
                           env={**avi_env, "MARATHON_URL": avi_marathon.url}).stdout)
    assert shown["app"] == "/group/web" and shown["config"]["name"] == "web.group"
    assert len(shown["members"]) == 2
    missing = cli("vs", "show", "nope", env=avi_env)
    assert missing.exit_code == 3 and "virtual service 'nope' not found" in missing.stderr


def test_vs_port(cli, avi_env, web_app, avi_marathon):
    _, port = web_app
    r = cli("vs", "port", "/group/web", env=avi_env)
    assert (r.exit_code, r.stdout) == (0, f"{port}\n")
    assert cli("vs", "port", "web.group", env=avi_env).stdout == f"{port}\n"
    no_ssl = cli("vs", "port", "/group/web", "--ssl", env=avi_env)
    assert no_ssl.exit_code == 3 and no_ssl.stdout == "" and "no SSL service port" in no_ssl.stderr
    post_marathon_app(avi_marathon, {**WEB, "id": "/group/tls", "labels": {"avi_proxy": json.dumps(
        {"virtualservice": {"services": [{"port": 443, "enable_ssl": True}, {"port": 80}]}})}}, wait_running=2)
    assert cli("vs", "port", "/group/tls", "--ssl", env=avi_env).stdout == "443\n"
    assert cli("vs", "port", "/group/tls", env=avi_env).stdout == "80\n"
    none = cli("vs", "port", "/group/absent", env=avi_env)
    assert none.exit_code == 3 and "no virtual service for app /group/absent yet" in none.stderr


def test_consecutive_commands_reuse_the_session(cli, avi_env, avi_lab):
    avi_lab.seed(1)
    for _ in range(3):
        assert cli("vs", "list", env=avi_env).exit_code == 0
    assert len(avi_lab.sent("POST", "^/login$")) == 1


def test_commands_have_examples(cli):
    for args in (["vs", "list"], ["vs", "show"], ["vs", "port"], ["pool", "list"], ["pool", "show"],
                 ["cloud", "list"], ["cloud", "show"], ["api"]):
        r = cli(*args, "--help")
        assert r.exit_code == 0 and "Examples:" in r.stdout, args


def test_a_listing_with_a_cached_session_loads_no_httpx(avi_env, avi_lab, tmp_path):
    """Plain GETs go the keep-alive way (avictl/keepalive.py): with the session cached by a first
    command, `vs list` never imports httpx (start-up, SPEC §6). What is loaded, not how fast."""
    import subprocess
    import sys

    from conftest import ROOT, isolated_env

    avi_lab.seed(3)
    env = isolated_env(tmp_path, avi_env)
    code = ("import sys\nfrom avictl.__main__ import main\nrc = main(['-o', 'jsonl', 'vs', 'list'])\n"
            "sys.stderr.write('loaded: ' + ' '.join(sorted({m.split('.')[0] for m in sys.modules})))\nsys.exit(rc)")
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env,
                           timeout=60) for _ in range(2)]
    for run in runs:
        assert run.returncode == 0, run.stderr
        assert [json.loads(line)["vips"] for line in run.stdout.splitlines()] == [["10.2.0.1"], ["10.2.0.2"],
                                                                                  ["10.2.0.3"]]
    loaded = [set(run.stderr.rsplit("loaded: ", 1)[1].split()) for run in runs]
    assert "httpx" in loaded[0]  # the login
    assert not loaded[1] & {"httpx", "httpcore", "h11"}, sorted(loaded[1] & {"httpx", "httpcore", "h11"})
    assert len(avi_lab.sent("POST", "^/login$")) == 1


def test_vs_list_says_when_marathon_cannot_name_the_apps(cli, avi_env, avi_lab):
    """Marathon's app list is read beside the controller's pages; when it cannot be read the APP
    column falls back to the name guess, with one warning, and the listing succeeds."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    avi_lab.seed(2)
    r = cli("-o", "jsonl", "vs", "list", env={**avi_env, "MARATHON_URL": dead})
    assert r.exit_code == 0, r
    assert [json.loads(line)["name"] for line in r.stdout.splitlines()] == ["vs-000000", "vs-000001"]
    assert r.stderr.count("cannot read Marathon's apps for the APP column") == 1, r.stderr
