"""`avictl status`: every configured system reached and authenticated."""

from __future__ import annotations


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
