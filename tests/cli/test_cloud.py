"""`avictl cloud list|show` against the controller stand-in (a Mesos cloud with its Marathon)."""

from __future__ import annotations

import json


def test_cloud_list_and_show(cli, avi_env, web_app, avi_marathon):
    clouds = cli("cloud", "list", env=avi_env).stdout.splitlines()
    assert clouds[0] == f"Default-Cloud\tCLOUD_MESOS\t{avi_marathon.url}\tpublic 10000-20000,private 10000-20000"
    detail = json.loads(cli("cloud", "show", "Default-Cloud", "-o", "json", env=avi_env).stdout)
    assert detail["marathon"][0]["url"] == avi_marathon.url
    assert detail["config"]["mesos_configuration"]["marathon_configurations"][0]["public_port_range"] == {
        "start": 10000, "end": 20000}
