"""`avictl api` like `gh api`: METHOD optional, -X, -f/-F fields, --input, --paginate."""

from __future__ import annotations

import json


def test_path_alone_is_a_get_and_method_first_still_works(cli, avi_lab, avi_env):
    one = cli("api", "/api/cloud", env=avi_env)
    two = cli("api", "GET", "/api/cloud", env=avi_env)
    assert one.exit_code == two.exit_code == 0, (one, two)
    assert json.loads(one.stdout)["results"] == json.loads(two.stdout)["results"]


def test_raw_fields_of_a_get_are_its_query(cli, avi_lab, avi_env):
    avi_lab.seed(5, prefix="api-vs-")
    avi_lab.clear_requests()
    r = cli("api", "-X", "GET", "virtualservice", "-f", "name=api-vs-000003", env=avi_env)  # as gh: fields + GET
    assert r.exit_code == 0, r
    assert [v["name"] for v in json.loads(r.stdout)["results"]] == ["api-vs-000003"]
    sent = avi_lab.sent("GET", "^/api/virtualservice$")
    assert sent and sent[-1]["query"].get("name") == ["api-vs-000003"]


def test_typed_fields_make_a_post_body(cli, avi_lab, avi_env):
    avi_lab.clear_requests()
    r = cli("api", "/api/user-token", "-F", "hours=1", env=avi_env)
    assert r.exit_code == 0, r
    posted = avi_lab.sent("POST", "^/api/user-token$")
    assert posted and json.loads(posted[-1]["body"]) == {"hours": 1}


def test_paginate_follows_next(cli, avi_lab, avi_env):
    avi_lab.seed(250, prefix="page-vs-")
    avi_lab.clear_requests()
    r = cli("api", "/api/virtualservice?page_size=100", "--paginate", "-o", "jsonl", env=avi_env)
    assert r.exit_code == 0, r
    names = [json.loads(line)["name"] for line in r.stdout.splitlines()]
    assert len(names) == len(set(names)) >= 250
    assert len(avi_lab.sent("GET", "^/api/virtualservice$")) >= 3


def test_bad_input_sends_nothing(cli, avi_lab, avi_env):
    avi_lab.clear_requests()
    for args in (["POST"], ["-f", "novalue", "/api/cloud"], ["FETCH", "/api/cloud"], ["/api/cloud", "-X", "FETCH"]):
        r = cli("api", *args, env=avi_env)
        assert r.exit_code == 2, (args, r)
    assert avi_lab.sent() == []


def test_api_command(cli, avi_env, avi_lab, tmp_path):
    avi_lab.seed(2)
    r = cli("api", "GET", "/api/virtualservice?name=vs-000001&fields=name", env=avi_env)
    assert r.exit_code == 0 and json.loads(r.stdout)["results"][0]["name"] == "vs-000001"
    assert json.loads(cli("api", "get", "cloud", "--query", "results[].name", env=avi_env).stdout) == [
        "Default-Cloud", "vmware-cloud"]
    body = tmp_path / "pool.json"
    body.write_text('{"name": "from-file", "servers": []}')
    created = cli("api", "POST", "/api/pool", "--data", str(body), env=avi_env)
    assert created.exit_code == 0 and json.loads(created.stdout)["name"] == "from-file"
    dup = cli("api", "POST", "/api/pool", "--data", "-", input='{"name": "from-file"}', env=avi_env)
    assert dup.exit_code == 4 and "already exist" in dup.stderr
    bad = cli("api", "POST", "/api/pool", "--data", "-", input='{"name": ', env=avi_env)
    assert bad.exit_code == 2 and "line 1" in bad.stderr
    assert cli("api", "GET", "/api/virtualservice/virtualservice-x", env=avi_env).exit_code == 3
    assert cli("api", "FETCH", "/api/pool", env=avi_env).exit_code == 2
