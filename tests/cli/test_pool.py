"""`avictl pool list|show` against the controller stand-in."""

from __future__ import annotations


def test_pool_list_and_show(cli, avi_env, web_app, avi_marathon):
    r = cli("pool", "list", env=avi_env)
    assert r.stdout.splitlines() == ["group-web-pool-80\t10.0.1.10:31000,10.0.1.11:31001\tDefault-Cloud"]
    shown = cli("pool", "show", "group-web-pool-80", env=avi_env)
    assert "10.0.1.10:31000 UP" in shown.stdout
    assert cli("pool", "show", "nope", env=avi_env).exit_code == 3
