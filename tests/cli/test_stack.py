"""`avictl stack show` against moto's server over HTTP."""

from __future__ import annotations

import json


def test_stack_show(cli, aws_world):
    r = cli("stack", "show", "avi-mesos", "-o", "table", env=aws_world["env"])
    assert r.exit_code == 0, r
    assert "CREATE_COMPLETE" in r.stdout and "PublicSlaveLoadBalancer: avi-mesos-PublicSlaveL" in r.stdout
    r = cli("stack", "show", "avi-mesos", "-o", "json", env=aws_world["env"])
    outputs = {o["OutputKey"]: o["OutputValue"] for o in json.loads(r.stdout)["Outputs"]}
    assert outputs == aws_world["stack_outputs"]
    assert cli("stack", "show", "avi-mesos", "-o", "name", env=aws_world["env"]).stdout == "avi-mesos\n"
