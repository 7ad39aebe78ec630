"""`avictl status`: every configured link checked, one row each (more in test_status_doctor.py)."""

from __future__ import annotations


def test_status_reports_each_system_and_fails_when_one_is_down(cli, seed_lab):
    import json as _json

    ok = cli("status", "-o", "json", env=seed_lab["env"])
    assert ok.exit_code == 0, ok
    rows = {r["check"]: r for r in _json.loads(ok.stdout)}
    assert all(r["ok"] for r in rows.values()) and {"marathon", "mesos master", "controller", "aws"} <= set(rows)
    assert rows["marathon"]["detail"].startswith("Marathon 1.5.0")
    assert rows["controller"]["detail"].startswith(f"Avi {seed_lab['avi'].version}")
    down = cli("status", "-o", "json", env={**seed_lab["env"], "MARATHON_URL": "http://127.0.0.1:9"})
    assert down.exit_code == 6 and "1 of 7 checks failed: marathon" in down.stderr
    assert {r["check"]: r for r in _json.loads(down.stdout)}["marathon"]["ok"] is False
    bad_pw = cli("status", "-o", "json", env={**seed_lab["env"], "AVI_PASSWORD": "nope"})
    assert bad_pw.exit_code == 5 and {r["check"]: r for r in _json.loads(bad_pw.stdout)}["controller"]["ok"] is False


def test_status_with_nothing_configured_says_how_to_start(cli):
    r = cli("status")
    assert r.exit_code == 2 and "avictl lab up" in r.stderr
